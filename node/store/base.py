"""The Store interface: named graphs of Oxigraph triples, plus SPARQL.

One named graph per record (local or harvested). Replace, delete and "everything from source X"
are graph operations; a SPARQL query over the union default graph sees the whole catalogue.
Everything outside node/store/ goes through this interface, never through pyoxigraph's Store.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator, Protocol

import pyoxigraph as ox


@dataclass(frozen=True)
class GraphChange:
    """Replace graph `name` with `triples` (None: delete the graph). `fresh`: the writer knows the
    graph does not exist yet, so nothing needs dropping first (change-log entries)."""

    name: str
    triples: tuple[ox.Triple, ...] | None
    fresh: bool = False


@dataclass(frozen=True)
class ValueCopy:
    """In the same transaction, after the graph changes: `<subject> <as_predicate> ?v` in `graph` for
    the value `?v` of `predicate` in `from_graph`. A writer repeats a large literal (a record's published
    form in its change-log entry) without sending or parsing it twice."""

    from_graph: str
    predicate: str
    subject: str
    as_predicate: str
    graph: str


@dataclass(frozen=True)
class QueryResult:
    """A SPARQL result already serialised by the store."""

    body: bytes
    media_type: str
    kind: str  # "solutions" | "boolean" | "graph"


class Store(Protocol):
    generation: int
    """Increases with every write; caches derived from the store key on it."""

    def apply(self, changes: Iterable[GraphChange], copies: Iterable[ValueCopy] = ()) -> None:
        """Apply graph replacements and deletions, then value copies, atomically (all or nothing)."""

    def graph_triples(self, name: str) -> list[ox.Triple]:
        """The triples of one named graph (empty list when the graph does not exist)."""

    def has_graph(self, name: str) -> bool: ...

    def graph_names(self, prefix: str = "") -> Iterator[str]: ...

    def quads(self, subject=None, predicate=None, obj=None, graph=None) -> Iterator[ox.Quad]:
        """Quads matching a pattern (None = any), for index lookups."""

    def select(self, sparql: str, *, timeout: float | None = None) -> list[dict[str, object]]:
        """An internal SELECT: rows of variable → Oxigraph term."""

    def iter_select(self, sparql: str) -> Iterator[dict[str, object]]:
        """The same, streamed row by row."""

    def query(self, sparql: str, media_type: str, *, union_default_graph: bool = True,
              default_graphs: tuple[str, ...] = (), named_graphs: tuple[str, ...] = (),
              timeout: float | None = None, max_rows: int | None = None,
              prefixes: tuple[tuple[str, str], ...] = (), base_iri: str | None = None,
              sealed: bool = False, client: str = "local") -> QueryResult:
        """The public endpoint: run a query and serialise its result natively, within the timeout and
        row cap (QueryTimeout / QueryRefused beyond them) and `client`'s share of the query workers
        (TooManyRequests beyond it, see node.store.fairness). `sealed`: run where no internet socket can
        be opened (node.store.sealing), for nodes that allow no SERVICE endpoint."""

    def query_refusal(self, client: str, timeout: float):
        """The TooManyRequests `client` is due now for being over its share, or None (checked before routing)."""

    def update(self, sparql_update: str) -> None:
        """Run a SPARQL Update (admin only; never from the public endpoint)."""

    def write_default_graph(self, triples: list[ox.Triple], *, replace: bool) -> None:
        """Replace or merge the triples of the default graph proper (not a record: never logged)."""

    def load_quads(self, data, *, graph: str | None = None, media_type: str = "application/n-triples",
                   touched=None) -> None:
        """Bulk load (not transactional); `touched` names the graphs written when known."""

    def changed_graphs(self, since_generation: int) -> frozenset[str] | None:
        """Graphs written since a generation, or None when unknown (caches then re-read everything)."""

    def flush(self) -> None:
        """Write out what the backend buffers in memory (called between blocks of a long apply)."""

    def triple_count(self) -> int: ...

    def close(self) -> None: ...
