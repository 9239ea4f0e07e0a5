"""What /oai lists: every record (live or deleted) with its OAI datestamp, in (datestamp, id) order.

A live record's datestamp is its last change in the change log (the catalogue record's modified when
the log has none, e.g. the bundled records loaded before logging); a deleted record is one whose last
log entry is a delete and whose graph holds nothing now, dated by that delete (deletedRecord persistent).

The listing is built once from the catalogue index and the newest log entry of each graph (one scan of
the log, RecordStore.latest_changes). After that only the entries written since are read, and the
items of the graphs they name are replaced in place (a write costs binary searches); a write the log
does not record rebuilds the list from the index (reusing the unchanged items). Lists per set are kept for
the same store generation; a page is then a binary search, whatever the number of records.
"""

from __future__ import annotations

import bisect
import threading
from dataclasses import dataclass
from datetime import datetime, timezone

from node.catalog_index import LOCAL, Selection, origin
from node.oai.protocol import is_spec_name

_EPOCH = "1970-01-01T00:00:00Z"


@dataclass(frozen=True, order=True, slots=True)
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
    """The items of /oai for the current store generation (one per app: see node/web/oai.py)."""

    def __init__(self, ctx):
        self.ctx = ctx
        self._lock = threading.Lock()
        self._generation = None
        self._sequence = 0                                   # log entries read up to here
        self._changes: dict[str, tuple[int, str]] = {}       # graph -> (sequence, time) of its newest entry
        self._gone: dict[tuple[str, int], str | None] = {}   # (graph, sequence) of a deletion -> dataset
        self._live: dict[str, tuple[tuple, Item]] = {}       # graph -> (what its item was made of, item)
        self._items: list[Item] = []
        self._by_id: dict[str, Item] = {}
        self._by_graph: dict[str, Item] = {}
        self._sets: dict[str, list[Item]] = {}

    def items(self, spec: str | None = None) -> list[Item]:
        """Every item, or those of a set (None when there is no such set), sorted."""
        with self._lock:
            self._refresh()
            if spec is None:
                return self._items
            if spec not in self._sets:
                keep = set_filter(self.ctx, spec)
                if keep is None:
                    return None
                self._sets[spec] = [item for item in self._items if keep(item)]
            return self._sets[spec]

    def item(self, record_id: str) -> Item | None:
        with self._lock:
            self._refresh()
            return self._by_id.get(record_id)

    def _refresh(self) -> None:
        store = self.ctx.store
        generation = store.generation
        if generation == self._generation:
            return
        first, last = store.first_sequence(), store.last_sequence()
        new = []
        if self._generation is None or first > self._sequence + 1 or last < self._sequence:
            self._changes = store.latest_changes()  # never read, or the log was pruned past what we read
        else:
            new = store.changes(self._sequence + 1, last, with_payload=False)
            for entry in new:
                self._changes[entry.graph] = (entry.sequence, entry.published)
        self._sequence = last
        if new:  # record writes: the log says what each changed graph is now
            self._patch(new)
        else:  # the first read, or a write the log does not record (not a record's): from the index
            self._items = self._build()
            self._by_graph = {item.graph: item for item in self._items}
            self._by_id = {item.record_id: item for item in self._items}
        self._sets = {}
        self._generation = generation

    def _patch(self, entries) -> None:
        """Each changed graph's item replaced by what its newest entry says (live, or deleted), in a new
        sorted list (readers may hold the old one): binary searches, not a pass over every record."""
        items = list(self._items)
        newest = {entry.graph: entry for entry in entries}  # in log order: the last one wins
        for graph, entry in newest.items():
            old = self._by_graph.pop(graph, None)
            if old is not None:
                index = bisect.bisect_left(items, _key(old), key=_key)
                if index < len(items) and items[index] == old:
                    del items[index]
                self._by_id.pop(old.record_id, None)
            self._live.pop(graph, None)  # a later rebuild makes it again
            item = Item(second_granularity(entry.published), self.ctx.naming.record_id_for_graph(graph), graph,
                        entry.dataset_iri, entry.kind == "delete")
            bisect.insort(items, item, key=_key)
            self._by_graph[graph] = item
            self._by_id[item.record_id] = item
        self._items = items

    def _build(self) -> list[Item]:
        """Every item, sorted; a live record's item is made again only when what it is made of changed
        (its newest log entry, modified or dataset), so a write costs a pass, not a rebuild."""
        items, live = [], {}
        for entry in self.ctx.index.entries():
            made_of = (self._changes.get(entry.graph), entry.modified, entry.dataset)
            cached = self._live.get(entry.graph)
            item = cached[1] if cached is not None and cached[0] == made_of else self._live_item(entry, made_of)
            live[entry.graph] = (made_of, item)
            items.append(item)
        self._live = live
        for graph, (sequence, time) in self._changes.items():
            if graph not in live:
                dataset = self._deleted_dataset(graph, sequence)
                if dataset is not None:
                    record_id = self.ctx.naming.record_id_for_graph(graph)
                    items.append(Item(second_granularity(time), record_id, graph, dataset, True))
        items.sort(key=_key)  # (datestamp, id) is unique: the same order as Item's
        return items

    def _live_item(self, entry, made_of: tuple) -> Item:
        logged = made_of[0]
        stamp = second_granularity(logged[1] if logged else entry.modified) or _EPOCH
        return Item(stamp, self.ctx.naming.record_id_for_graph(entry.graph), entry.graph, entry.dataset, False)

    def _deleted_dataset(self, graph: str, sequence: int) -> str | None:
        """The dataset of a graph whose newest entry is a delete (None: another kind, not a record)."""
        key = (graph, sequence)
        if key not in self._gone:
            entry = self.ctx.store.change(sequence, with_payload=False)
            self._gone[key] = entry.dataset_iri if entry is not None and entry.kind == "delete" else None
        return self._gone[key]


def page_bounds(items: list[Item], low: str, high: str, after: tuple[str, str] | None) -> tuple[int, int, int]:
    """(first, start, end) indexes in sorted items: the list from..until is items[first:end], and the
    next page starts at `start` (after the key of the last item sent)."""
    first = bisect.bisect_left(items, low, key=_datestamp) if low else 0
    end = bisect.bisect_right(items, high, key=_datestamp) if high else len(items)
    start = bisect.bisect_right(items, after, lo=first, hi=max(first, end), key=_key) if after else first
    return first, start, end


def _datestamp(item: Item) -> str:
    return item.datestamp


def _key(item: Item) -> tuple[str, str]:
    return item.datestamp, item.record_id


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
