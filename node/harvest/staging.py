"""Staging a run's changes, within the limits the apply can load.

While a run reads the partner, changed records are appended to `<run>.trig` (one TriG graph block
per record) and nothing in the store changes. A record that the store's loader could not take (a
statement over its 16 MiB buffer), or over the node's own limits, is refused here with a reason, so
an apply never meets what it cannot load. When the source was read completely, the journal is
written and applied (node.harvest.journal).
"""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox

from node.harvest.journal import apply_journal, write_journal
from node.store.base import GraphChange

LOADER_MAX_LINE = 16 * 2**20 - 2**16  # Oxigraph's parser buffer (16 MiB) less a margin: one statement per line


def oversized_literal(triples, max_bytes: int) -> str | None:
    """The reason to refuse a record with a literal over `max_bytes` (UTF-8), or None."""
    for triple in triples:
        if isinstance(triple.object, ox.Literal):
            size = len(triple.object.value.encode())
            if size > max_bytes:
                return (f"a literal of {size} bytes on <{triple.predicate.value}> is over the limit of "
                        f"{max_bytes} bytes (max_literal_bytes)")
    return None


class Staging:
    def __init__(self, data_dir: Path, source: str, run_id: str, *, max_record_bytes: int = 8_000_000):
        self.folder = Path(data_dir) / "harvest" / source
        self.folder.mkdir(parents=True, exist_ok=True)
        for stale in self.folder.glob("*.trig"):
            if not (stale.with_suffix(".apply.json")).exists():
                stale.unlink()  # left by an interrupted run that never reached its journal
        self.path = self.folder / f"{run_id}.trig"
        self._handle = self.path.open("wb")
        self.graphs: list[str] = []
        self.max_record_bytes = max_record_bytes

    def add(self, graph: str, triples) -> str | None:
        """Append one record (its N-Triples inside a TriG block naming its graph); or, when the apply
        could not load it or it is over max_record_bytes, stage nothing and return the reason."""
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        if len(body) > self.max_record_bytes:
            return (f"the record is {len(body)} bytes as stored (with its published form), over the limit "
                    f"of {self.max_record_bytes} bytes (max_record_bytes)")
        longest = max(map(len, body.splitlines()), default=0)
        if longest > LOADER_MAX_LINE:
            return f"one statement of the record is {longest} bytes, more than the store can load ({LOADER_MAX_LINE})"
        self._handle.write(f"<{graph}> {{\n".encode())
        self._handle.write(body)
        self._handle.write(b"}\n")
        self.graphs.append(graph)
        return None

    def close(self) -> None:
        if not self._handle.closed:
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._handle.close()

    def discard(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)

    def commit(self, store, deletions: list[str], extra: list[GraphChange], *, state: dict, report: dict) -> None:
        """Write the journal (with the run state and report it leaves behind), then apply it."""
        self.close()
        journal = write_journal(self.path, self.graphs, deletions, extra, state=state, report=report)
        apply_journal(store, journal)
