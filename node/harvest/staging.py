"""Staging and applying a run's changes, crash-safe.

While a run reads the partner, changed records are appended to `<run>.trig` (one TriG graph block
per record) and nothing in the store changes. When the source was read completely, a journal
`<run>.apply.json` is written atomically (rename) naming the staged file, the graphs to replace and
the graphs to delete; then the store is updated and the journal removed. Replacing a graph is
"drop, then load", which is idempotent: if the process dies mid-apply, the next start finds the
journal and applies it again to the end (roll forward). A run that fails before the journal exists
leaves the store untouched; its staging file is removed by the next run.
"""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox

from node.harvest.reports import HarvestReport, save_report
from node.store.base import GraphChange

log = logging.getLogger("ehds.harvest")
DELETE_BATCH = 500
LOAD_CHUNK = 50_000  # quads per bulk load: one huge bulk load peaks at GBs of RSS, chunks stay flat


class Staging:
    def __init__(self, data_dir: Path, source: str, run_id: str):
        self.folder = Path(data_dir) / "harvest" / source
        self.folder.mkdir(parents=True, exist_ok=True)
        for stale in self.folder.glob("*.trig"):
            if not (stale.with_suffix(".apply.json")).exists():
                stale.unlink()  # left by an interrupted run that never reached its journal
        self.path = self.folder / f"{run_id}.trig"
        self._handle = self.path.open("wb")
        self.graphs: list[str] = []

    def add(self, graph: str, triples, max_bytes: int) -> str | None:
        """Append one record: its N-Triples, written natively, inside a TriG block naming its graph.
        A record over `max_bytes` (the published form repeats it in one line, and the store's bulk
        loader stops at 16 MiB a line) is not staged: returns why, so the apply never meets it."""
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        if len(body) > max_bytes:
            return f"the record is {len(body):,} bytes once stored, over the limit of {max_bytes:,} (max_record_bytes)"
        self._handle.write(f"<{graph}> {{\n".encode())
        self._handle.write(body)
        self._handle.write(b"}\n")
        self.graphs.append(graph)
        return None

    def close(self) -> None:
        if not self._handle.closed:
            self._handle.close()

    def discard(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)

    def commit(self, store, deletions: list[str], extra: list[GraphChange], state: dict) -> None:
        """Write the journal, then apply it. `state` (the source's state.json) is written by the apply,
        so a rolled-forward apply leaves the state that matches the store."""
        self.close()
        journal = self.path.with_suffix(".apply.json")
        body = {"staged": self.path.name, "replace": self.graphs, "delete": deletions, "state": state,
                "extra": [[c.name, ox.serialize(c.triples or (), format=ox.RdfFormat.N_TRIPLES).decode()]
                          for c in extra]}
        temporary = journal.with_suffix(".tmp")
        temporary.write_text(json.dumps(body))
        os.replace(temporary, journal)
        apply_journal(store, journal)


def apply_journal(store, journal: Path) -> None:
    plan = json.loads(journal.read_text())
    staged = journal.parent / plan["staged"]
    for start in range(0, len(plan["replace"]), DELETE_BATCH):
        store.apply(GraphChange(g, None) for g in plan["replace"][start:start + DELETE_BATCH])
    if staged.exists():
        replaced = frozenset(plan["replace"])  # one set for every block: the store keeps what each write touched
        for block in _graph_blocks(staged, LOAD_CHUNK):  # parsed natively as the store takes them
            store.load_quads(ox.parse(block, format=ox.RdfFormat.TRIG), touched=replaced)
    for start in range(0, len(plan["delete"]), DELETE_BATCH):
        store.apply(GraphChange(g, None) for g in plan["delete"][start:start + DELETE_BATCH])
    extra = [GraphChange(name, tuple(q.triple for q in ox.parse(text.encode(), format=ox.RdfFormat.N_TRIPLES)))
             for name, text in plan["extra"]]
    if extra:
        store.apply(extra)
    if "state" in plan:
        write_json_atomically(journal.parent / "state.json", plan["state"])
    staged.unlink(missing_ok=True)
    journal.unlink()


def write_json_atomically(path: Path, value) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(value))
    os.replace(temporary, path)


def _graph_blocks(staged: Path, quads_per_block: int) -> Iterator[bytes]:
    """The staged file in pieces of whole graph blocks, about `quads_per_block` quads each. `add` writes
    one N-Triples statement per line (a literal's newlines are escaped), so a line "}" ends a block."""
    lines: list[bytes] = []
    with staged.open("rb") as handle:
        for line in handle:
            lines.append(line)
            if line == b"}\n" and len(lines) >= quads_per_block:
                yield b"".join(lines)
                lines = []
    if lines:
        yield b"".join(lines)


def recover_interrupted_applies(store, data_dir: Path) -> int:
    """Roll forward every journal left by a process that died while applying; returns how many.
    A journal that cannot be applied is set aside (renamed, kept for the operator) so that nothing a
    partner sent can stop the node from starting."""
    count = 0
    for journal in sorted((Path(data_dir) / "harvest").glob("*/*.apply.json")):
        log.warning(json.dumps({"event": "harvest-recover", "journal": str(journal)}))
        try:
            apply_journal(store, journal)
        except Exception as err:  # whatever stopped it (store, parser, memory, a damaged file): never loop on it
            report_set_aside(data_dir, journal.parent.name, set_aside(journal, err), err)
            continue
        count += 1
    return count


def set_aside(journal: Path, err: BaseException) -> Path:
    """Rename a journal (and its staged file) that failed to apply; log and return the new name."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    aside = journal.with_name(f"{journal.name}.failed-{stamp}")
    staged = journal.parent / journal.name.replace(".apply.json", ".trig")
    if staged.exists():
        staged.rename(staged.with_name(f"{staged.name}.failed-{stamp}"))
    journal.rename(aside)
    reason = f"{type(err).__name__}: {err}"[:500]
    log.error(json.dumps({"event": "harvest-journal-set-aside", "journal": str(aside), "error": reason}))
    return aside


def report_set_aside(data_dir: Path, source: str, aside: Path, err: BaseException) -> None:
    """The source's run history says what happened, where an operator looks first."""
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    report = HarvestReport(source, now.replace(":", ""), now, finished=now, status="failed",
                           error=f"the apply of a completed run failed ({type(err).__name__}: {str(err)[:300]}); "
                                 f"its journal was set aside as {aside.name}; the next run harvests again")
    save_report(data_dir, report)
