"""The journalled apply of a run, its run files, and what a start finds after a crash.

A journal `<run>.apply.json` is written atomically (rename) naming the staged file, the graphs to
replace and to delete, the run state (`state.json`) and the report the run leaves. Applying it
checks the whole staged file parses and holds exactly the graphs named (nothing in the store changes
otherwise), then replaces graphs ("drop, then load", idempotent), writes the state and the report,
and removes the journal. If the process dies mid-apply, the next start applies it again (roll
forward), so state and store agree. A journal that cannot be applied is moved aside (kept for the
operator) and the node starts with the previous copy. A run writes `running.json` when it starts;
one still there at the next start was a crash, and becomes a failed report (the scheduler backs off).
"""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox

from node.harvest.reports import save_report_once
from node.store.base import GraphChange

log = logging.getLogger("ehds.harvest")
DELETE_BATCH = 500
LOAD_CHUNK = 5_000  # quads per transaction: each record written whole, and a SPARQL Update this size stays small in memory
LOAD_CHUNK_BYTES = 4 * 2**20
FLUSH_EVERY = 10  # blocks between flushes: peak RSS of a 30,000-record apply 1.5 GB -> 0.2 GB, same time
STATE_FILE = "state.json"
RUNNING_FILE = "running.json"
SET_ASIDE = "set-aside"


class JournalUnusable(Exception):
    """The staged file of a journal does not load as the journal says (corrupt, cut, oversized)."""


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def write_journal(staged: Path, graphs: list[str], deletions: list[str], extra: list[GraphChange], *,
                  state: dict, report: dict) -> Path:
    journal = staged.with_suffix(".apply.json")
    body = {"staged": staged.name, "replace": graphs, "delete": deletions,
            "extra": [[c.name, ox.serialize(c.triples or (), format=ox.RdfFormat.N_TRIPLES).decode()]
                      for c in extra],
            "state": state, "report": report}
    write_atomically(journal, json.dumps(body))
    return journal


def apply_journal(store, journal: Path) -> None:
    """Apply a journal through the record store: a block of whole graphs per transaction, so a reader
    sees each record old or new, never missing, and every change is logged with the run's id."""
    plan = json.loads(journal.read_text())
    staged = journal.parent / plan["staged"]
    run = (plan.get("report") or {}).get("run_id") or journal.name.split(".")[0]
    extra = [GraphChange(name, tuple(q.triple for q in ox.parse(text.encode(), format=ox.RdfFormat.N_TRIPLES)))
             for name, text in plan["extra"]]
    _check_staged(staged, plan["replace"])  # before anything is written
    if plan["replace"]:
        for number, block in enumerate(_graph_blocks(staged), 1):  # parsed natively, a transaction each
            store.apply(_graph_changes(block), run=run)
            if number % FLUSH_EVERY == 0:
                store.flush()  # RocksDB's write buffers otherwise grow to GBs during a large apply
    for start in range(0, len(plan["delete"]), DELETE_BATCH):
        store.apply((GraphChange(g, None) for g in plan["delete"][start:start + DELETE_BATCH]), run=run)
    if extra:
        store.apply(extra, run=run)
    _leave_run_files(journal.parent, plan)
    staged.unlink(missing_ok=True)
    journal.unlink()


def _graph_changes(block: bytes) -> list[GraphChange]:
    graphs: dict[str, list[ox.Triple]] = {}
    for quad in ox.parse(block, format=ox.RdfFormat.TRIG):
        graphs.setdefault(quad.graph_name.value, []).append(quad.triple)
    return [GraphChange(name, tuple(triples)) for name, triples in graphs.items()]


def _leave_run_files(folder: Path, plan: dict) -> None:
    """The run state and report the applied run leaves (journals of older versions carry neither)."""
    if "state" in plan:
        write_atomically(folder / STATE_FILE, json.dumps(plan["state"]))
    if "report" in plan:
        save_report_once(folder.parent.parent, plan["report"])
        (folder / RUNNING_FILE).unlink(missing_ok=True)


def _check_staged(staged: Path, graphs: list[str]) -> None:
    """Parse the whole staged file (streaming: memory stays flat) and compare its graphs with the plan."""
    if not graphs:
        return
    found: set[str] = set()
    try:
        for block in _graph_blocks(staged):
            found.update(q.graph_name.value for q in ox.parse(block, format=ox.RdfFormat.TRIG))
    except (OSError, SyntaxError, ValueError, MemoryError) as err:
        raise JournalUnusable(f"staged file {staged.name} does not load: {err}") from None
    if found != set(graphs):
        raise JournalUnusable(f"staged file {staged.name} holds {len(found)} graphs where the journal "
                              f"names {len(set(graphs))}")


def _graph_blocks(staged: Path) -> Iterator[bytes]:
    """The staged file in pieces of whole graph blocks (about LOAD_CHUNK lines or LOAD_CHUNK_BYTES each).
    Staging writes one N-Triples statement per line (a literal's newlines are escaped), so a line "}"
    ends a block."""
    lines: list[bytes] = []
    size = 0
    with staged.open("rb") as handle:
        for line in handle:
            lines.append(line)
            size += len(line)
            if line == b"}\n" and (len(lines) >= LOAD_CHUNK or size >= LOAD_CHUNK_BYTES):
                yield b"".join(lines)
                lines, size = [], 0
    if lines:
        yield b"".join(lines)


def set_aside(journal: Path, error: str) -> Path:
    """Move a journal and its staged file to `set-aside/<run>-<time>/` (same names: an operator can move
    them back to retry), log it, report it on the source, and make the next run read everything."""
    folder = journal.parent
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target = folder / SET_ASIDE / f"{journal.name.removesuffix('.apply.json')}-{stamp}"
    target.mkdir(parents=True, exist_ok=True)
    try:
        plan = json.loads(journal.read_text())
    except (OSError, ValueError):
        plan = {}
    staged = folder / str(plan.get("staged", ""))
    if plan.get("staged") and staged.is_file():
        os.replace(staged, target / staged.name)
    os.replace(journal, target / journal.name)
    log.error(json.dumps({"event": "harvest-journal-set-aside", "source": folder.name,
                          "journal": str(journal), "kept_as": str(target), "error": error}))
    report = dict(plan.get("report") or {"source": folder.name, "run_id": journal.name.split(".")[0]})
    report.update(status="failed", error=f"the apply could not be completed ({error}); the journal was kept "
                                         f"as {target}; the previous copy stays", journal_set_aside=str(target))
    save_report_once(folder.parent.parent, report)
    (folder / RUNNING_FILE).unlink(missing_ok=True)
    _forget_validators(folder / STATE_FILE)
    return target


def _forget_validators(state_file: Path) -> None:
    """After a failed apply the partner's pages must be read again in full, not answered 304."""
    try:
        state = json.loads(state_file.read_text())
    except (OSError, ValueError):
        return
    state.pop("validators", None)
    state.pop("pages", None)
    state.pop("last_success", None)
    write_atomically(state_file, json.dumps(state))


def recover_interrupted_applies(store, data_dir: Path) -> int:
    """Roll forward every journal left by a process that died while applying (moving aside those that
    cannot be applied), then turn runs that never finished into failed reports; returns the journals
    applied or set aside."""
    count = 0
    for journal in sorted((Path(data_dir) / "harvest").glob("*/*.apply.json")):
        log.warning(json.dumps({"event": "harvest-recover", "journal": str(journal)}))
        try:
            apply_journal(store, journal)
        except Exception as err:  # noqa: BLE001 — whatever it is, the node must start; the files are kept
            set_aside(journal, f"{type(err).__name__}: {err}")
        count += 1
    for marker in sorted((Path(data_dir) / "harvest").glob(f"*/{RUNNING_FILE}")):
        _crashed_run(marker)
    return count


def _crashed_run(marker: Path) -> None:
    try:
        report = json.loads(marker.read_text())
    except (OSError, ValueError):
        report = {"source": marker.parent.name, "run_id": "unknown"}
    now = datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    report["started"] = report.get("started") or now  # the scheduler counts from it: never due at once
    report.update(finished=now, status="failed", error="the run did not finish: the process stopped during it (crash or kill)")
    log.error(json.dumps({"event": "harvest-crashed", "source": report.get("source"),
                          "run_id": report.get("run_id"), "started": report.get("started")}))
    save_report_once(marker.parent.parent.parent, report)
    marker.unlink(missing_ok=True)
