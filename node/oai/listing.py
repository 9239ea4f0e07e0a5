"""What /oai lists: every record (live or deleted) with its OAI datestamp, in (datestamp, id) order.

A live record's datestamp is its last change in the change log (the catalogue record's modified when
the log has none, e.g. the bundled records loaded before logging); a deleted record is one whose last
log entry is a delete and whose graph holds nothing now, dated by that delete (deletedRecord persistent).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timezone

from node.catalog_index import LOCAL, Selection, origin
from node.oai.protocol import is_spec_name


@dataclass(frozen=True, order=True)
class Item:
    datestamp: str  # YYYY-MM-DDThh:mm:ssZ
    record_id: str
    graph: str
    dataset: str
    deleted: bool


def second_granularity(value: str) -> str:
    """An ISO date or date-time as the OAI datestamp (UTC, seconds, 'Z'); '' when unreadable."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return ""
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Listing:
    """Reads the change log once per store generation (a scan of the log's entries, without payloads)."""

    def __init__(self, ctx):
        self.ctx = ctx
        self._lock = threading.Lock()
        self._generation = None
        self._items: list[Item] = []

    def items(self) -> list[Item]:
        with self._lock:
            generation = self.ctx.store.generation
            if generation != self._generation:
                self._items = self._read()
                self._generation = generation
            return self._items

    def _read(self) -> list[Item]:
        store, naming = self.ctx.store, self.ctx.naming
        last_change: dict[str, tuple[str, str, str]] = {}  # graph -> (time, kind, dataset)
        first, last = store.first_sequence(), store.last_sequence()
        step = 1000
        for start in range(first, last + 1, step):
            for entry in store.changes(start, min(last, start + step - 1), with_payload=False):
                last_change[entry.graph] = (entry.published, entry.kind, entry.dataset_iri)
        items = []
        live = set()
        for entry in self.ctx.index.entries():
            live.add(entry.graph)
            logged = last_change.get(entry.graph)
            stamp = second_granularity(logged[0] if logged else entry.modified) or "1970-01-01T00:00:00Z"
            items.append(Item(stamp, naming.record_id_for_graph(entry.graph), entry.graph, entry.dataset, False))
        for graph, (time, kind, dataset) in last_change.items():
            if kind == "delete" and graph not in live:
                items.append(Item(second_granularity(time), naming.record_id_for_graph(graph), graph, dataset, True))
        items.sort()
        return items


def set_specs(ctx) -> list[tuple[str, str]]:
    """(setSpec, setName) of every set: local, source:<name>, theme:<code>, health:<code>."""
    specs = [(LOCAL, "The node's own records")]
    specs += [(f"source:{source.name}", f"Records harvested from {source.name}") for source in ctx.settings.sources]
    for facet, prefix in (("theme", "theme"), ("health_category", "health")):
        for iri, _count in ctx.index.facet_counts(Selection(), facet, limit=10_000):
            code = set_code(iri)
            if code:
                specs.append((f"{prefix}:{code}", iri))
    return specs


def set_code(iri: str) -> str:
    """The last path segment of a vocabulary IRI when it is valid setSpec syntax, else ''."""
    code = iri.rstrip("/").rpartition("/")[2].rpartition("#")[2]
    return code if is_spec_name(code) else ""


def set_filter(ctx, spec: str):
    """A predicate over items for a setSpec, or None when the set does not exist."""
    if spec == LOCAL:
        return lambda item: origin(item.graph) == LOCAL
    kind, _, name = spec.partition(":")
    if kind == "source" and any(s.name == name for s in ctx.settings.sources):
        return lambda item: origin(item.graph) == name
    facet = {"theme": "theme", "health": "health_category"}.get(kind)
    if facet is None or not name:
        return None
    iris = [iri for iri, _ in ctx.index.facet_counts(Selection(), facet, limit=10_000) if set_code(iri) == name]
    if not iris:
        return None
    graphs = set()
    for iri in iris:
        graphs |= {e.graph for e in ctx.index.select(Selection(facets=((facet, iri),)))}
    return lambda item: item.graph in graphs
