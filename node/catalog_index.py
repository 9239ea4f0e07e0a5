"""The catalogue's own index: sort order, keyword tokens and facets, kept in the store.

Every record graph carries a few `ehds:` triples on its catalogue record (sort key, modified,
search tokens). They are written in the same transaction as the record, so the index is never
out of step with the data, and partners can use `ehds:token` in SPARQL for fast keyword search.
They are stripped from everything we publish (node.datasets.publishable).

Pages need the records in a stable order: the ordered list of entries is rebuilt from the store
(one index scan, no SPARQL ORDER BY) only when the store's write generation changes.
"""

from __future__ import annotations

import bisect
import re
import sys
import threading
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace
from typing import Iterable

import pyoxigraph as ox

from vocab.namespaces import ADMS, DCAT, DCTERMS, EHDS, HEALTHDCATAP, SKOS, XSD

# "sort key<TAB>modified<TAB>dataset IRI<TAB>graph": the start-up read of the order fetches one term a record
ENTRY = ox.NamedNode(str(EHDS.catalogEntry))
MODIFIED = ox.NamedNode(str(EHDS.modified))
TOKEN = ox.NamedNode(str(EHDS.token))
INDEXED_DATASET = ox.NamedNode(str(EHDS.dataset))
IDENTIFIER = ox.NamedNode(str(EHDS.identifier))  # dct:identifier / adms:identifier notations, for duplicates
_DATETIME = ox.NamedNode(str(XSD.dateTime))

# facet name → the dataset property it counts
FACETS: dict[str, ox.NamedNode] = {
    "theme": ox.NamedNode(str(DCAT.theme)),
    "publisher": ox.NamedNode(str(DCTERMS.publisher)),
    "access_rights": ox.NamedNode(str(DCTERMS.accessRights)),
    "health_category": ox.NamedNode(str(HEALTHDCATAP.healthCategory)),
}
_TEXT_PROPERTIES = {str(DCTERMS.title), str(DCTERMS.description), str(DCAT.keyword), str(DCTERMS.identifier)}
_WORD = re.compile(r"[0-9a-z]+")
MAX_TOKENS = 2000


def tokens(text: str) -> set[str]:
    """Lower-case, accent-free words of two letters or more ("Épidémies" → "epidemies")."""
    folded = text.lower()
    if not folded.isascii():
        folded = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
    return {w for w in _WORD.findall(folded) if len(w) >= 2}


def index_triples(record: ox.NamedNode, dataset, dataset_triples: Iterable[ox.Triple],
                  sort_key: str, modified: str, graph: str) -> list[ox.Triple]:
    dataset_triples = list(dataset_triples)
    words: set[str] = set()
    for t in dataset_triples:
        if t.subject == dataset and t.predicate.value in _TEXT_PROPERTIES and isinstance(t.object, ox.Literal):
            words |= tokens(t.object.value)
    out = [ox.Triple(record, IDENTIFIER, ox.Literal(i)) for i in sorted(identifiers(dataset, dataset_triples))]
    out += [
        ox.Triple(record, ENTRY, ox.Literal(f"{sort_key}\t{modified}\t{dataset.value}\t{graph}")),
        ox.Triple(record, MODIFIED, ox.Literal(modified, datatype=_DATETIME)),
        ox.Triple(record, INDEXED_DATASET, dataset),
    ]
    out += [ox.Triple(record, TOKEN, ox.Literal(w)) for w in sorted(words)[:MAX_TOKENS]]
    return out


_DCT_IDENTIFIER, _ADMS_IDENTIFIER = str(DCTERMS.identifier), str(ADMS.identifier)
_NOTATION = str(SKOS.notation)


def identifiers(dataset, triples: list[ox.Triple]) -> list[str]:
    """dct:identifier values, then adms:identifier notations, without repeats: how a dataset is
    recognised across sources."""
    found, adms_nodes = [], set()
    for t in triples:
        if t.subject == dataset and t.predicate.value == _DCT_IDENTIFIER and isinstance(t.object, ox.Literal):
            found.append(t.object.value)
        elif t.subject == dataset and t.predicate.value == _ADMS_IDENTIFIER:
            adms_nodes.add(t.object)
    found += [t.object.value for t in triples if t.subject in adms_nodes and t.predicate.value == _NOTATION]
    return list(dict.fromkeys(found))


@dataclass(frozen=True)
class Entry:
    sort_key: str
    graph: str
    dataset: str
    modified: str


@dataclass(frozen=True)
class Selection:
    """What a catalogue request asks for; empty fields do not filter."""

    q: str = ""
    modified_since: str = ""
    facets: tuple[tuple[str, str], ...] = ()
    source: str = ""  # "local", a harvest source's name, or "" for every origin

    def without(self, name: str) -> "Selection":
        """The same selection minus one facet (its own counts are taken without it, so that a reader
        sees what choosing another value would give)."""
        if name == SOURCE_FACET:
            return replace(self, source="")
        return replace(self, facets=tuple((n, v) for n, v in self.facets if n != name))


SOURCE_FACET = "source"
LOCAL = "local"


def origin(graph: str) -> str:
    """Where a record comes from, read from its graph name: "local" (<base>graph/local/<id>) or the
    harvest source's name (<base>graph/source/<name>/<hash>)."""
    head = graph.rpartition("/")[0]
    parent, _, last = head.rpartition("/")
    return LOCAL if last == LOCAL and parent.endswith("/graph") else last


class CatalogIndex:
    """Ordered entries and filters over the store's index triples; safe to share between threads."""

    def __init__(self, store):
        self.store = store
        self._lock = threading.Lock()
        self._generation = -1
        self._entries: list[Entry] = []
        self._facet_cache: dict[tuple, list[tuple[str, int]]] = {}
        self._select_cache: dict[tuple, list[Entry]] = {}
        self._facet_lock = threading.Lock()  # one facet read at a time: a second reader waits for it, not redoes it
        self._facet_graphs: dict[str, tuple[int, dict[str, frozenset[str]]]] = {}

    def entries(self) -> list[Entry]:
        """All records in catalogue order: read once, then kept up to date from the graphs each write
        touched (a full read again only when the store cannot say which)."""
        with self._lock:
            generation = self.store.generation
            if self._generation != generation:
                changed = self.store.changed_graphs(self._generation)
                if changed is None or len(changed) > max(1000, len(self._entries) // 10):
                    rows = self.store.select(f"SELECT ?entry WHERE {{ ?record <{ENTRY.value}> ?entry }}")
                    self._entries = self._read(row["entry"].value for row in rows)
                else:
                    self._entries = self._merge(changed)
                self._generation = generation
            return self._entries

    @staticmethod
    def _read(packed_entries) -> list[Entry]:
        entries = []
        for packed in packed_entries:
            sort_key, modified, dataset, graph = packed.split("\t")
            entries.append(Entry(sort_key, graph, dataset, modified))
        entries.sort(key=lambda e: (e.sort_key, e.graph))
        return entries

    def _merge(self, changed: frozenset[str]) -> list[Entry]:
        kept = [e for e in self._entries if e.graph not in changed]
        for graph in changed:
            for entry in self._read(self.store.index_values(ENTRY, graph)):
                bisect.insort(kept, entry, key=lambda e: (e.sort_key, e.graph))
        return kept

    def select(self, selection: Selection) -> list[Entry]:
        """The entries a selection keeps, in catalogue order; kept per store generation, since a reader
        paging or faceting a filtered listing asks for the same selection again and again."""
        key = (self.store.generation, selection)  # read before the entries: never older than its key
        cached = self._select_cache.get(key)
        if cached is None:
            cached = self._select(self.entries(), selection)
            if len(self._select_cache) > 64:
                self._select_cache.clear()
            self._select_cache[key] = cached
        return cached

    def _select(self, entries: list[Entry], selection: Selection) -> list[Entry]:
        if selection == Selection():
            return entries
        allowed = self._graphs_matching(selection)
        if allowed is not None:
            entries = [e for e in entries if e.graph in allowed]
        if selection.modified_since:
            entries = [e for e in entries if e.modified >= selection.modified_since]
        if selection.source:
            entries = [e for e in entries if origin(e.graph) == selection.source]
        return entries

    def _graphs_matching(self, selection: Selection) -> set[str] | None:
        allowed: set[str] | None = None
        for word in sorted(tokens(selection.q)):
            allowed = _intersect(allowed, self.store.graphs_with_index_term(TOKEN, ox.Literal(word)))
        for name, value in selection.facets:
            matches = self.store.graphs_with_index_term(FACETS[name], ox.NamedNode(value))
            allowed = _intersect(allowed, matches)
        return allowed

    def warm_up(self) -> None:
        """Read the entries and the unfiltered catalogue's facet counts now (`serve` does it in the
        background at start), so that the first reader does not wait seconds at 100,000 records."""
        self.entries()
        for name in (*FACETS, SOURCE_FACET):
            self.facet_counts(Selection(), name)

    def facet_counts(self, selection: Selection, name: str, limit: int = 20) -> list[tuple[str, int]]:
        """Most frequent values of one facet among the records the other filters select (cached per
        store generation); `name` is a key of FACETS or SOURCE_FACET."""
        selection = selection.without(name)
        key = (self.store.generation, selection, name, limit)
        cached = self._facet_cache.get(key)
        if cached is None:
            selected = self.select(selection)
            if name == SOURCE_FACET:
                counts = Counter(origin(e.graph) for e in selected)
            else:
                graphs = {e.graph for e in selected}
                counts = Counter({value: len(holders & graphs) for value, holders in self.facet_graphs(name).items()})
            cached = [(value, count) for value, count in counts.most_common(limit) if count]
            if len(self._facet_cache) > 256:
                self._facet_cache.clear()
            self._facet_cache[key] = cached
        return cached

    def facet_graphs(self, name: str) -> dict[str, frozenset[str]]:
        """Facet value → the record graphs holding it: one scan of the store, then kept up to date from
        the graphs each write touched, so a new filter combination counts in memory (was one scan each)."""
        with self._facet_lock:
            generation = self.store.generation
            known = self._facet_graphs.get(name)
            if known is not None and known[0] == generation:
                return known[1]
            changed = self.store.changed_graphs(known[0]) if known is not None else None
            if changed is None or len(changed) > max(1000, len(self.entries()) // 10):
                mapping = self._scan_facet(name)
            else:
                mapping = self._update_facet(name, known[1], changed)
            self._facet_graphs[name] = (generation, mapping)
            return mapping

    def _scan_facet(self, name: str) -> dict[str, frozenset[str]]:
        holders: dict[str, set[str]] = {}
        for graph, value in self.store.index_term_values(FACETS[name]):
            if isinstance(value, ox.NamedNode):
                holders.setdefault(value.value, set()).add(sys.intern(graph))  # one string per graph for all facets
        return {value: frozenset(graphs) for value, graphs in holders.items()}

    def _update_facet(self, name: str, mapping: dict[str, frozenset[str]], changed: frozenset[str]):
        """A new mapping (readers may hold the old one) with the changed graphs' values read again."""
        updated = {value: graphs if graphs.isdisjoint(changed) else graphs - changed for value, graphs in mapping.items()}
        for graph in changed:
            for value in self.store.index_values(FACETS[name], graph):
                updated[value] = updated.get(value, frozenset()) | {sys.intern(graph)}
        return {value: graphs for value, graphs in updated.items() if graphs}


def _intersect(current: set[str] | None, new: set[str]) -> set[str]:
    return new if current is None else current & new
