"""The node's DCAT-AP Feed: its change log as a Linked Data Event Stream (SEMIC DCAT-AP Feeds, LDES, TREE).

The stream `<base>feed` has one member per change-log entry: the activity `<base>changes/<seq>`
(as:Create, as:Update or as:Delete, with as:object the dataset and as:published the time), whose payload —
the record as published — is the named graph of the activity's IRI. A deletion's graph holds only the
dataset's type (its former description is gone by definition).

Layout (every node is a document; numbers, not times, so a full page never changes):
- `<base>feed`: the ldes:EventStream and its view, the root node `<base>feed/root` (same document).
- the root: one relation per index node; each index node `<base>feed/index/<k>` covers PAGES_PER_INDEX
  pages; each page `<base>feed/page/<n>` holds entries (n-1)*PAGE_SIZE+1 .. n*PAGE_SIZE. At 300,000
  changes: 30 index nodes, 3,000 pages; the root stays a few KB.
- each relation is a pair tree:GreaterThanOrEqualToRelation / tree:LessThanOrEqualToRelation on
  as:published, with the first and (once complete) the last time of the range, so a client looking for
  changes after a time skips whole ranges. Pages do not link to each other: each is reached once, from its index node (with
  next-page links too, ldes-client 0.3 fetched page n about n times per replication).
A page whose last number is written is immutable (long cache); the newest page, its index node and the
root are not. Pruned entries (retention) leave their pages empty but still linked.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from node.store import changelog
from node.store.changelog import ChangeEntry
from vocab.namespaces import DCAT, RDF, XSD

PAGE_SIZE = 100
PAGES_PER_INDEX = 100
TREE = "https://w3id.org/tree#"
LDES = "https://w3id.org/ldes#"
_RDF_TYPE = ox.NamedNode(str(RDF.type))
_DATETIME = ox.NamedNode(str(XSD.dateTime))
_DURATION = ox.NamedNode(str(XSD.duration))
_PUBLISHED = changelog.AS_PUBLISHED
IMMUTABLE = "public, max-age=31536000, immutable"
RECENT = "public, max-age=10"


def _t(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


@dataclass(frozen=True)
class FeedDocument:
    quads: list[ox.Quad]
    cache_control: str


class Feed:
    """Reads the record store's change log as feed documents."""

    def __init__(self, store, base_url: str, retention_days: int):
        self.store, self.base = store, base_url
        self.retention_days = retention_days

    @property
    def stream(self) -> str:
        return self.base + "feed"

    def root_iri(self) -> str:
        return self.base + "feed/root"

    def index_iri(self, number: int) -> str:
        return f"{self.base}feed/index/{number}"

    def page_iri(self, number: int) -> str:
        return f"{self.base}feed/page/{number}"

    # -- documents ----------------------------------------------------------------------------

    def root(self) -> FeedDocument:
        """The stream's description, its view and the view's relations (one per index node)."""
        last = self.store.last_sequence()
        indexes = max(1, -(-self._pages(last) // PAGES_PER_INDEX))
        quads = self._stream_description() + self._node(self.root_iri())
        for number in range(1, indexes + 1):
            first_page = (number - 1) * PAGES_PER_INDEX + 1
            quads += self._relations(self.root_iri(), self.index_iri(number), _first_seq(first_page),
                                     _first_seq(first_page + PAGES_PER_INDEX), last)
        return FeedDocument(quads, RECENT)

    def index(self, number: int) -> FeedDocument | None:
        last = self.store.last_sequence()
        pages = self._pages(last)
        first_page = (number - 1) * PAGES_PER_INDEX + 1
        if number < 1 or (first_page > pages and number != 1):
            return None
        quads = self._membership() + self._node(self.index_iri(number))
        for page in range(first_page, min(first_page + PAGES_PER_INDEX, pages + 1)):
            quads += self._relations(self.index_iri(number), self.page_iri(page), _first_seq(page),
                                     _first_seq(page + 1), last)
        complete = last >= (first_page + PAGES_PER_INDEX - 1) * PAGE_SIZE  # its last page is full
        return FeedDocument(quads, IMMUTABLE if complete else RECENT)

    def page(self, number: int) -> FeedDocument | None:
        last = self.store.last_sequence()
        if number < 1 or (number > self._pages(last) and number != 1):
            return None
        first, end = _first_seq(number), _first_seq(number + 1) - 1
        quads = self._membership() + self._node(self.page_iri(number))
        for entry in self.store.changes(first, min(end, last)):
            quads += member_quads(self.base, self.stream, entry)
        return FeedDocument(quads, IMMUTABLE if end <= last else RECENT)

    # -- parts --------------------------------------------------------------------------------

    def _pages(self, last: int) -> int:
        return max(1, -(-last // PAGE_SIZE))

    def _stream_description(self) -> list[ox.Quad]:
        stream, policy = _t(self.stream), ox.BlankNode()
        return _default([
            (stream, _RDF_TYPE, _t(LDES + "EventStream")),
            (stream, _t(LDES + "timestampPath"), _PUBLISHED),
            (stream, _t(LDES + "versionOfPath"), changelog.AS_OBJECT),
            (stream, _t(TREE + "view"), _t(self.root_iri())),
            (stream, _t(LDES + "retentionPolicy"), policy),
            (policy, _RDF_TYPE, _t(LDES + "DurationAgoPolicy")),
            (policy, _t(TREE + "value"), ox.Literal(f"P{self.retention_days}D", datatype=_DURATION)),
            (stream, _t("http://purl.org/dc/terms/conformsTo"), _t("https://semiceu.github.io/LDES-DCAT-AP-feeds/")),
        ])

    def _membership(self) -> list[ox.Quad]:
        return _default([(_t(self.stream), _RDF_TYPE, _t(LDES + "EventStream")),
                         (_t(self.stream), _t(LDES + "timestampPath"), _PUBLISHED)])

    def _node(self, iri: str) -> list[ox.Quad]:
        return _default([(_t(iri), _RDF_TYPE, _t(TREE + "Node"))])

    def _relations(self, node: str, target: str, first: int, after: int, last: int) -> list[ox.Quad]:
        """node → target for entries first..after-1: at or after the first's time and, once the range is
        complete, at or before its last entry's (not "before the next range's first": two entries on either
        side of a boundary can share a millisecond)."""
        triples = []
        start = self._time_of(first, last)
        if start is not None:
            triples += _relation(node, target, "GreaterThanOrEqualToRelation", start)
        end = self._time_of(after - 1, last) if after - 1 <= last else None
        if end is not None:
            triples += _relation(node, target, "LessThanOrEqualToRelation", end)
        if not triples:  # an empty (pruned or not yet written) range: a plain link keeps it reachable
            relation = ox.BlankNode()
            triples = [(_t(node), _t(TREE + "relation"), relation), (relation, _RDF_TYPE, _t(TREE + "Relation")),
                       (relation, _t(TREE + "node"), _t(target))]
        return _default(triples)

    def _time_of(self, sequence: int, last: int) -> str | None:
        """The time of entry `sequence`, or of the first kept after it (pruned ranges), within the log."""
        sequence = max(sequence, self.store.first_sequence())
        if sequence > last:
            return None
        return self.store.change_time(sequence)


def member_quads(base_url: str, stream: str, entry: ChangeEntry) -> list[ox.Quad]:
    """One member: the activity in the default graph, the payload in the activity's named graph."""
    activity = _t(changelog.entry_iri(base_url, entry.sequence))
    quads = _default([(_t(stream), _t(TREE + "member"), activity)])
    quads += _default([(t.subject, t.predicate, t.object) for t in changelog.activity_triples(base_url, entry)])
    graph = activity
    if entry.payload is not None:
        for quad in ox.parse(entry.payload.encode(), format=ox.RdfFormat.N_TRIPLES):
            quads.append(ox.Quad(quad.subject, quad.predicate, quad.object, graph))
    else:
        quads.append(ox.Quad(_t(entry.dataset_iri), _RDF_TYPE, _t(str(DCAT.Dataset)), graph))
    return quads


def _first_seq(page: int) -> int:
    return (page - 1) * PAGE_SIZE + 1


def _relation(node: str, target: str, kind: str, value: str) -> list[tuple]:
    relation = ox.BlankNode()
    return [(_t(node), _t(TREE + "relation"), relation), (relation, _RDF_TYPE, _t(TREE + kind)),
            (relation, _t(TREE + "node"), _t(target)), (relation, _t(TREE + "path"), _PUBLISHED),
            (relation, _t(TREE + "value"), ox.Literal(value, datatype=_DATETIME))]


def _default(triples) -> list[ox.Quad]:
    return [ox.Quad(s, p, o, ox.DefaultGraph()) for s, p, o in triples]
