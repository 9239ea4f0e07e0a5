"""A store backend on any SPARQL 1.1 server (Oxigraph server, Virtuoso, ...), standard protocols only.

Writes: `apply` sends ONE SPARQL Update request (DROP SILENT GRAPH + INSERT DATA per graph, then the
value copies as INSERT ... WHERE), which the server runs as one request: a record and its change-log
entry are written together or not at all. Reads are SELECT/ASK/CONSTRUCT queries (results parsed by
pyoxigraph), retried on transient failures (node.store.remote_http).

What a server does differently (Virtuoso: literals it converts, request limits, no default graph of its
own) is its dialect, found at start (node.store.remote_dialect). Record writes of several processes are
serialised by a lease kept in the store (node.store.remote_lease), so change-log numbers stay unique.

The server must answer queries over the union of its named graphs by default (Oxigraph:
`oxigraph serve --union-default-graph`; Virtuoso does so by default): open_node checks it at start.

Caches across processes (`generation`, `changed_graphs`): several processes (web workers, the CLI)
write to one server, so a local write counter cannot tell a worker what others wrote. Every record
write appends to the change log in the store, so generation = (last change-log sequence) × 2³² +
(this process's own writes). The last sequence is re-read at most every `poll_seconds` (one ASK for
"is there an entry after the last one I know?", galloping forward when there are more), so another
worker's write is seen within that time. changed_graphs(since) = the record graphs of the entries
after since's sequence (one SELECT), plus the graphs this process wrote itself since. Non-record
writes made by another process (the catalogue's own description) are not followed: they change no
cached record entry.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Iterable, Iterator

import pyoxigraph as ox

from node.errors import Conflict, QueryError, StoreError, TooManyRequests
from node.store import changelog
from node.store.base import GraphChange, QueryResult, ValueCopy
from node.store.query_exec import MAX_ANSWER_BYTES
from node.store.remote_dialect import StandardDialect, dialect_of, insert_statements, read_triples
from node.store.sparql_update import bounded_updates, check_iri, default_graph_update
from node.store.remote_http import Endpoints, SparqlHttp
from node.store.remote_lease import held
from node.store.plan_check import PlanChecker
from node.store.remote_query import parse_json_results, run_public_query

_SEQUENCE_SPAN = 2 ** 32
_RESULTS_JSON = "application/sparql-results+json"
_MAX_CHANGED_RANGE = 5000  # more entries than this since a generation: caches re-read everything


class RemoteStore:
    """Store on a SPARQL 1.1 server. `base_url`: the node's, to find its change log."""

    shared = True  # other processes write to the same store (RecordStore re-reads the last sequence)

    def __init__(self, endpoints: Endpoints, base_url: str, *, poll_seconds: float = 0.25,
                 max_queries: int = 6, max_response_bytes: int = MAX_ANSWER_BYTES):
        self.endpoints = endpoints
        self.http = SparqlHttp(endpoints)
        self.base_url = base_url
        self.poll_seconds = poll_seconds
        self.max_response_bytes = max_response_bytes
        self._queries = threading.BoundedSemaphore(max_queries)
        self.plans = PlanChecker()  # public queries read by Oxigraph first, in helper processes
        self._lock = threading.Lock()
        self._local = 0
        self._touched: list[tuple[int, frozenset[str] | None]] = []  # (local counter, graphs; None = unknown)
        self._known_sequence = 0
        self._polled_at = float("-inf")
        self.dialect: StandardDialect = StandardDialect()  # found by check() (node.store.remote_dialect)

    # -- start-up -------------------------------------------------------------------------------

    def check(self) -> None:
        """The server answers queries and accepts updates (an empty one) with our credentials; which
        server it is decides the dialect (node.store.remote_dialect)."""
        response = self.http.read("POST", self.endpoints.query_url, data={"query": "ASK { }"},
                                  headers={"Accept": _RESULTS_JSON})
        self.dialect = dialect_of(response.headers.get("Server", ""))
        self.ask("ASK { }")
        self._send_update("INSERT DATA { }")

    def check_union_default_graph(self, graph: str) -> None:
        """Queries without GRAPH see the named graphs (what every internal query relies on)."""
        graph = check_iri(graph)
        if self.has_graph(graph) and not self.ask(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} FILTER EXISTS {{ ?s ?p ?o }} }}"):
            raise StoreError("the SPARQL server's default graph is not the union of its named graphs; "
                             "start it so (oxigraph serve --union-default-graph; Virtuoso does by default)")

    # -- writes ---------------------------------------------------------------------------------

    def apply(self, changes: Iterable[GraphChange], copies: Iterable[ValueCopy] = ()) -> None:
        changes = list(changes)
        requests = bounded_updates(changes, list(copies), self._insert, self.dialect.max_request_bytes)
        for request in requests:
            self._send_update(request)
        if requests:
            self._written(frozenset(c.name for c in changes))

    def update(self, sparql_update: str) -> None:
        self._send_update(sparql_update)
        self._written(None)

    def control_update(self, sparql_update: str) -> None:
        """An update of the store's own bookkeeping (leases): no record changes, caches stay valid."""
        self._send_update(sparql_update)

    # -- cross-process locks (node.store.remote_lease) --------------------------------------------

    def lease(self, name: str, *, seconds: float, wait: float = 0.0, renew: bool = False):
        """A lock shared by every process on this store (a context manager; Conflict when held)."""
        return held(self, name, seconds=seconds, wait=wait, renew=renew)

    @contextmanager
    def exclusive_writes(self):
        """One record write at a time across processes: the change log's next number is read and used
        under it. Held for one write; expires after twice the request timeout if its process dies."""
        seconds = 2 * self.endpoints.timeout + 5
        try:
            with held(self, "writes", seconds=seconds, wait=seconds + 5):
                yield
        except Conflict:
            raise StoreError(f"another process has held the store's write lock for over {seconds + 5:g} s") from None

    def _send_update(self, text: str) -> None:
        text = self.dialect.update_prologue + text
        self.http.write(self.endpoints.update_url, data=text.encode(),
                        headers={"Content-Type": "application/sparql-update; charset=utf-8"})

    def _written(self, graphs: frozenset[str] | None) -> None:
        with self._lock:
            self._local += 1
            self._touched.append((self._local, graphs))
            del self._touched[:-1000]
            self._polled_at = float("-inf")  # our own write may have added entries: look at once

    def _insert(self, graph: str, triples) -> str:
        return insert_statements(self.dialect, graph, triples)

    def write_default_graph(self, triples: list[ox.Triple], *, replace: bool) -> None:
        """The default graph proper (the catalogue's own description): replaced or merged, one request.
        On a server without one (Virtuoso), a named graph the union default graph includes."""
        own = self.dialect.default_graph(self.base_url)
        request = default_graph_update(triples, replace=replace, graph=own and f"<{own}>", insert=self._insert)
        if request:
            self.update(request)

    # -- generation: the change log's last sequence and this process's writes ---------------------

    @property
    def generation(self) -> int:
        with self._lock:
            if time.monotonic() - self._polled_at >= self.poll_seconds:
                self._known_sequence = self.last_sequence_from(self._known_sequence)
                self._polled_at = time.monotonic()
            return self._known_sequence * _SEQUENCE_SPAN + self._local

    def last_sequence_from(self, known: int) -> int:
        """The last change-log entry, searched forward from one known to exist (or 0): one ASK when
        nothing was written since; otherwise galloping then bisecting, O(log n) ASKs."""
        if not self._entry_exists(known + 1):
            return known
        return changelog.last_entry_from(known + 1, self._entry_exists)

    def _entry_exists(self, sequence: int) -> bool:
        return sequence > 0 and self.has_graph(changelog.entry_iri(self.base_url, sequence))

    def changed_graphs(self, since_generation: int) -> frozenset[str] | None:
        if since_generation < 0:
            return None
        since_sequence, since_local = divmod(since_generation, _SEQUENCE_SPAN)
        with self._lock:
            sequence, touched = self._known_sequence, list(self._touched)
        if sequence - since_sequence > _MAX_CHANGED_RANGE:
            return None
        changed: set[str] = set()
        if touched and touched[0][0] > since_local + 1:
            return None
        for counter, graphs in touched:
            if counter > since_local:
                if graphs is None:
                    return None
                changed |= graphs
        if sequence > since_sequence:
            changed |= self._graphs_of_entries(since_sequence + 1, sequence)
        return frozenset(changed)

    def _graphs_of_entries(self, first: int, last: int) -> set[str]:
        values = " ".join(f"<{changelog.entry_iri(self.base_url, n)}>" for n in range(first, last + 1))
        rows = self.select(f"SELECT ?graph WHERE {{ VALUES ?entry {{ {values} }} "
                           f"GRAPH ?entry {{ ?entry <{changelog.GRAPH.value}> ?graph }} }}")
        return {row["graph"].value for row in rows if row.get("graph") is not None}

    # -- reads ----------------------------------------------------------------------------------

    def graph_triples(self, name: str) -> list[ox.Triple]:
        query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{check_iri(name)}> {{ ?s ?p ?o }} }}"
        response = self.http.read("POST", self.endpoints.query_url, data={"query": query},
                                  headers={"Accept": "application/n-triples"})
        return read_triples(self.dialect, (q.triple for q in ox.parse(response.data, format=ox.RdfFormat.N_TRIPLES)))

    def has_graph(self, name: str) -> bool:
        return self.ask(f"ASK {{ GRAPH <{check_iri(name)}> {{ ?s ?p ?o }} }}")

    def graph_names(self, prefix: str = "") -> Iterator[str]:
        literal = ox.Literal(prefix)
        rows = self.select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                           f"FILTER(STRSTARTS(STR(?g), {literal})) }}")
        return iter([row["g"].value for row in rows if isinstance(row.get("g"), ox.NamedNode)])

    def quads(self, subject=None, predicate=None, obj=None, graph=None) -> Iterator[ox.Quad]:
        """The matching quads of the named graphs (graph=None), of one graph, or of the default graph
        proper (DefaultGraph: the triples in no named graph, since the server's default is the union)."""
        terms = [str(self.dialect.stored(t)) if t is not None else f"?{name}"
                 for t, name in ((subject, "s"), (predicate, "p"), (obj, "o"))]
        pattern = " ".join(terms)
        own_default = self.dialect.default_graph(self.base_url)
        if isinstance(graph, ox.DefaultGraph) and own_default:
            where = f"{{ GRAPH <{own_default}> {{ {pattern} }} }}"
        elif isinstance(graph, ox.DefaultGraph):
            where = f"{{ {pattern} MINUS {{ GRAPH ?any {{ {pattern} }} }} }}"
        else:
            where = f"{{ GRAPH {str(graph) if graph is not None else '?g'} {{ {pattern} }} }}"
        rows = self.iter_select(f"SELECT * WHERE {where}")
        return (ox.Quad(_bound(subject, row, "s"), _bound(predicate, row, "p"), _bound(obj, row, "o"),
                        _bound(graph, row, "g")) for row in rows)

    def ask(self, query: str) -> bool:
        result = self._results(query)
        if not isinstance(result, ox.QueryBoolean):
            raise QueryError("the SPARQL server answered an ASK query with solutions")
        return bool(result)

    def select(self, sparql: str, *, timeout: float | None = None) -> list[dict[str, object]]:
        return list(self.iter_select(sparql, timeout=timeout))

    def iter_select(self, sparql: str, *, timeout: float | None = None) -> Iterator[dict[str, object]]:
        solutions = self._results(sparql, timeout=timeout)
        if isinstance(solutions, ox.QueryBoolean):
            raise QueryError("internal query is not a SELECT")
        names = [v.value for v in solutions.variables]
        read = self.dialect.read
        try:  # the answer is parsed lazily, row by row
            return iter([{name: read(row[name]) for name in names} for row in solutions])
        except (SyntaxError, ValueError, MemoryError) as err:
            raise StoreError(f"the SPARQL server's answer is not SPARQL JSON results: {err}") from None

    def _results(self, query: str, *, timeout: float | None = None):
        response = self.http.read("POST", self.endpoints.query_url, data={"query": query},
                                  headers={"Accept": _RESULTS_JSON}, timeout=timeout)
        try:
            return parse_json_results(response.data, self.dialect)
        except (SyntaxError, ValueError, MemoryError) as err:
            raise StoreError(f"the SPARQL server's answer is not SPARQL JSON results: {err}") from None

    # -- the public endpoint --------------------------------------------------------------------

    def query(self, sparql: str, media_type: str, *, union_default_graph: bool = True,
              default_graphs: tuple[str, ...] = (), named_graphs: tuple[str, ...] = (),
              timeout: float | None = None, max_rows: int | None = None,
              prefixes: tuple[tuple[str, str], ...] = (), base_iri: str | None = None,
              sealed: bool = False, client: str = "local") -> QueryResult:
        """Forwarded to the server (node.store.remote_query); at most `max_queries` at once here."""
        if not self._queries.acquire(blocking=False):
            raise TooManyRequests("every SPARQL slot of this web worker is busy; retry shortly", retry_after=1)
        try:
            return run_public_query(self.http, self.plans, sparql, media_type, default_graphs=default_graphs,
                                    named_graphs=named_graphs, timeout=timeout, max_rows=max_rows,
                                    prefixes=prefixes, base_iri=base_iri,
                                    max_bytes=self.max_response_bytes, dialect=self.dialect)
        finally:
            self._queries.release()

    def query_refusal(self, client: str, timeout: float):
        return None  # per-client shares are the server's (or the reverse proxy's) job: docs/deployment.md

    def flush(self) -> None:
        """Nothing is buffered here: each update request is committed by the server."""

    def triple_count(self) -> int:
        rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(rows[0]["n"].value) if rows and rows[0].get("n") is not None else 0

    def close(self) -> None:
        self.plans.close()
        self.http.close()


def _bound(fixed, row: dict, name: str):
    return fixed if fixed is not None else row[name]


def open_remote(settings) -> RemoteStore:
    """The remote store of `settings` (store = "sparql"), checked: it answers and takes updates."""
    from node.store.remote_http import Endpoints

    endpoints = Endpoints(settings.store_query_url, settings.store_update_url or settings.store_query_url,
                          settings.store_graph_store_url, settings.store_user, settings.store_password,
                          settings.store_token, timeout=settings.store_timeout,
                          pool_size=max(4, settings.threads))
    store = RemoteStore(endpoints, settings.base_url, max_queries=settings.sparql_workers)
    try:
        store.check()
    except StoreError as err:
        store.close()
        raise StoreError(f"the SPARQL store is not usable: {err.message}") from None
    except QueryError as err:
        store.close()
        raise StoreError(f"the SPARQL store is not usable: {err.message} (is it a SPARQL 1.1 endpoint?)") from None
    return store
