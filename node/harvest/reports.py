"""What a harvest run did, kept as one JSON line per run in `<data_dir>/harvest/reports.jsonl`."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

MAX_LISTED = 200  # rejected records / problems kept per run in the report


@dataclass
class HarvestReport:
    source: str
    run_id: str
    started: str
    kind: str = ""
    url: str = ""
    finished: str | None = None
    status: str = "running"      # running | complete | failed | dry-run
    mode: str = "full"           # full | incremental
    pages: int = 0
    fetched: int = 0
    unchanged: int = 0
    written: int = 0
    deleted: int = 0
    renamed: int = 0             # records the partner now gives under a new IRI (same identifier): replaced
    rejected: list[dict] = field(default_factory=list)
    rejected_count: int = 0
    duplicates: list[dict] = field(default_factory=list)
    duplicates_count: int = 0
    problems: list[str] = field(default_factory=list)
    warnings: int = 0
    deletions_refused: int = 0
    error: str | None = None

    def reject(self, dataset: str, reasons: list[str]) -> None:
        self.rejected_count += 1
        if len(self.rejected) < MAX_LISTED:
            self.rejected.append({"dataset": dataset, "reasons": reasons[:20]})

    def duplicate(self, entry: dict) -> None:
        self.duplicates_count += 1
        if len(self.duplicates) < MAX_LISTED:
            self.duplicates.append(entry)

    def problem(self, text: str) -> None:
        if len(self.problems) < MAX_LISTED:
            self.problems.append(text)

    def to_dict(self) -> dict:
        return asdict(self)

    def summary(self) -> str:
        text = (f"{self.source}: {self.status} ({self.mode}) — pages {self.pages}, fetched {self.fetched}, "
                f"unchanged {self.unchanged}, written {self.written}, rejected {self.rejected_count}, "
                f"deleted {self.deleted}, renamed {self.renamed}, duplicates {self.duplicates_count}")
        if self.deletions_refused:
            text += f", deletions refused {self.deletions_refused} (over the safety limit; use --force)"
        if self.error:
            text += f"\n  error: {self.error}"
        return text


def reports_file(data_dir: Path) -> Path:
    return Path(data_dir) / "harvest" / "reports.jsonl"


def save_report(data_dir: Path, report: HarvestReport) -> None:
    path = reports_file(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(report.to_dict(), ensure_ascii=False) + "\n")


def _running_marker(data_dir: Path, source: str) -> Path:
    return Path(data_dir) / "harvest" / source / "running.json"


def mark_running(data_dir: Path, report: HarvestReport) -> None:
    """Say a run started, before it reads anything: if the process dies during the run, the next start
    turns this into a failed report, so a scheduled source that crashes the node waits its interval."""
    marker = _running_marker(data_dir, report.source)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps(report.to_dict()))


def clear_running(data_dir: Path, source: str) -> None:
    _running_marker(data_dir, source).unlink(missing_ok=True)


def recover_interrupted_runs(data_dir: Path) -> int:
    """Failed reports for runs that a dead process left running; returns how many."""
    count = 0
    for marker in sorted((Path(data_dir) / "harvest").glob("*/running.json")):
        try:
            fields = json.loads(marker.read_text())
            report = HarvestReport(**{k: v for k, v in fields.items() if k in HarvestReport.__dataclass_fields__})
        except (ValueError, TypeError):
            report = HarvestReport(marker.parent.name, "unknown", "unknown")
        report.status = "failed"
        report.finished = datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        report.error = "the run stopped without finishing: the process ended (crash, kill or restart) during it"
        save_report(data_dir, report)
        marker.unlink()
        count += 1
    return count


def read_reports(data_dir: Path, source: str | None = None, limit: int = 50) -> list[dict]:
    """The newest runs first, optionally for one source."""
    path = reports_file(data_dir)
    if not path.exists():
        return []
    runs = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            try:
                run = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut by a crash: skip it, keep the others
            if source is None or run.get("source") == source:
                runs.append(run)
    return list(reversed(runs))[:limit]
