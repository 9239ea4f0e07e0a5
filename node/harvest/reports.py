"""What a harvest run did, kept as one JSON line per run in `<data_dir>/harvest/reports.jsonl`."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
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
    rejected: list[dict] = field(default_factory=list)
    rejected_count: int = 0
    duplicates: list[dict] = field(default_factory=list)
    duplicates_count: int = 0
    problems: list[str] = field(default_factory=list)
    warnings: int = 0
    deletions_refused: int = 0
    renamed: int = 0             # records that came back under a new IRI with the same identifier
    renames: list[dict] = field(default_factory=list)
    journal_set_aside: str | None = None  # where a journal that could not be applied was kept
    error: str | None = None

    def reject(self, dataset: str, reasons: list[str]) -> None:
        self.rejected_count += 1
        if len(self.rejected) < MAX_LISTED:
            self.rejected.append({"dataset": dataset, "reasons": reasons[:20]})

    def duplicate(self, entry: dict) -> None:
        self.duplicates_count += 1
        if len(self.duplicates) < MAX_LISTED:
            self.duplicates.append(entry)

    def rename(self, dataset: str, previous: str) -> None:
        self.renamed += 1
        if len(self.renames) < MAX_LISTED:
            self.renames.append({"dataset": dataset, "previous": previous})

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


def save_report_once(data_dir: Path, report: dict) -> None:
    """Save a report unless its run is already among the last lines (a journal replayed after a crash
    between saving its report and removing itself)."""
    path = reports_file(data_dir)
    if path.exists():
        with path.open("rb") as handle:
            handle.seek(max(0, path.stat().st_size - 4 * 2**20))
            for line in handle.read().splitlines():
                try:
                    run = json.loads(line)
                except (json.JSONDecodeError, UnicodeDecodeError):
                    continue
                if isinstance(run, dict) and (run.get("source"), run.get("run_id")) == (report.get("source"),
                                                                                       report.get("run_id")):
                    return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(report, ensure_ascii=False) + "\n")


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
