"""The embedded store: Oxigraph on disk (RocksDB), or in memory for tests.

Queries are passed to Oxigraph as strings so they run in its native engine, and results are
serialised by Oxigraph. Writes go through `apply`, one SPARQL Update per call, which Oxigraph
runs as a single transaction: a record is never half-written.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Iterable, Iterator

import pyoxigraph as ox

from node.errors import ConfigError, QueryError, StoreError, StoreLocked
from node.store.base import GraphChange, QueryResult, ValueCopy
from node.store.sparql_update import check_iri, default_graph_update, graph_update
from node.store.fairness import FairnessPolicy
from node.store.query_exec import GRAPH_FORMATS, QueryJob, execute
from node.store.query_runner import QueryRunner

_NO_TIMEOUT = 365 * 24 * 3600.0


class OxigraphStore:
    """Store on pyoxigraph. `path=None` keeps everything in memory."""

    def __init__(self, path: str | Path | None = None, query_policy: FairnessPolicy | None = None,
                 *, read_only: bool = False):
        self.path = Path(path) if path else None
        self._query_policy = query_policy or FairnessPolicy()
        self.read_only = read_only
        try:
            if self.path and read_only:  # beside a running `serve`: RocksDB admits any number of readers
                if not self.path.is_dir():
                    raise ConfigError(f"no node store in {self.path.parent} (give --data or the config's data_dir)")
                self._store = ox.Store.read_only(str(self.path))
            elif self.path:
                self.path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(self.path))
            else:
                self._store = ox.Store()
        except OSError as err:
            locked = "lock" in str(err).lower()  # RocksDB says so only in its message
            raise (StoreLocked if locked else StoreError)(_open_error_message(self.path, err)) from None
        self._write_lock = threading.Lock()
        self._runner: QueryRunner | None = None
        self.generation = 0
        self._touched: list[tuple[int, frozenset[str] | None]] = []  # (generation, graphs; None = unknown)

    # -- writes -------------------------------------------------------------------------------

    def apply(self, changes: Iterable[GraphChange], copies: Iterable[ValueCopy] = ()) -> None:
        if self.read_only:
            raise StoreError("the store is open read-only (a command that only reads, beside `ehds-node serve`)")
        changes, copies = list(changes), list(copies)
        if changes and not copies and all(c.fresh and c.triples for c in changes):
            return self._insert_new_graphs(changes)
        request = graph_update(changes, copies)
        if not request:
            return
        with self._write_lock:
            try:
                self._store.update(request)
            except OSError as err:
                raise StoreError(f"store write failed: {err}") from None
            self._written(frozenset(c.name for c in changes))

    def _insert_new_graphs(self, changes: list[GraphChange]) -> None:
        """Graphs that do not exist yet: one native transactional insert (no SPARQL text to parse)."""
        quads = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(check_iri(c.name)))
                 for c in changes for t in c.triples]
        with self._write_lock:
            try:
                self._store.extend(quads)
            except OSError as err:
                raise StoreError(f"store write failed: {err}") from None
            self._written(frozenset(c.name for c in changes))

    def update(self, sparql_update: str) -> None:
        with self._write_lock:
            try:
                self._store.update(sparql_update)
            except SyntaxError as err:
                raise QueryError(f"SPARQL Update syntax error: {err}") from None
            except OSError as err:
                raise StoreError(f"store write failed: {err}") from None
            self._written(None)

    def write_default_graph(self, triples: list[ox.Triple], *, replace: bool) -> None:
        request = default_graph_update(triples, replace=replace)
        if request:
            self.update(request)

    def load_quads(self, data: bytes | Iterable[ox.Quad], *, graph: str | None = None,
                   media_type: str = "application/n-triples", touched: Iterable[str] | None = None) -> None:
        """Bulk load (not transactional): harvest applies, operators' Graph Store uploads, benchmarks.
        `touched` names the graphs written, when the caller knows them (keeps caches incremental)."""
        with self._write_lock:
            if isinstance(data, bytes):
                fmt = GRAPH_FORMATS.get(media_type, ox.RdfFormat.N_TRIPLES)
                target = ox.NamedNode(graph) if graph else ox.DefaultGraph()
                self._store.bulk_load(data, format=fmt, to_graph=target)
            else:
                self._store.bulk_extend(data)
            self._written(frozenset(touched) if touched is not None else None)  # a frozenset is not copied

    def _written(self, graphs: frozenset[str] | None) -> None:
        self.generation += 1
        self._touched.append((self.generation, graphs))
        del self._touched[:-1000]

    def changed_graphs(self, since_generation: int) -> frozenset[str] | None:
        """Graphs written after `since_generation`, or None when that is not known (go read it all)."""
        if since_generation < 0 or not self._touched or self._touched[0][0] > since_generation + 1:
            return None
        changed: set[str] = set()
        for generation, graphs in self._touched:
            if generation > since_generation:
                if graphs is None:
                    return None
                changed |= graphs
        return frozenset(changed)

    # -- reads --------------------------------------------------------------------------------

    def graph_triples(self, name: str) -> list[ox.Triple]:
        return [q.triple for q in self._store.quads_for_pattern(None, None, None, ox.NamedNode(name))]

    def has_graph(self, name: str) -> bool:
        return self._store.contains_named_graph(ox.NamedNode(name))

    def graph_names(self, prefix: str = "") -> Iterator[str]:
        for graph in self._store.named_graphs():
            if isinstance(graph, ox.NamedNode) and graph.value.startswith(prefix):
                yield graph.value

    def quads(self, subject=None, predicate=None, obj=None, graph=None) -> Iterator[ox.Quad]:
        return self._store.quads_for_pattern(subject, predicate, obj, graph)

    def select(self, sparql: str, *, timeout: float | None = None) -> list[dict[str, object]]:
        return list(self.iter_select(sparql))

    def iter_select(self, sparql: str) -> Iterator[dict[str, object]]:
        """An internal SELECT, streamed row by row (for scans whose results must not all be in memory)."""
        try:
            solutions = self._store.query(sparql, use_default_graph_as_union=True)
        except SyntaxError as err:
            raise QueryError(f"internal query is invalid: {err}") from None
        names = [v.value for v in solutions.variables]
        for row in solutions:
            yield {name: row[name] for name in names}

    def query(self, sparql: str, media_type: str, *, union_default_graph: bool = True,
              default_graphs: tuple[str, ...] = (), named_graphs: tuple[str, ...] = (),
              timeout: float | None = None, max_rows: int | None = None,
              prefixes: tuple[tuple[str, str], ...] = (),
              base_iri: str | None = None, sealed: bool = False, client: str = "local") -> QueryResult:
        """The public endpoint's queries. On disk they run in killable worker processes
        (node.store.query_runner), shared fairly between clients (`client`: who asks, see
        node.store.fairness); an in-memory store answers in this thread, stopping at the
        deadline only between result chunks."""
        job = QueryJob(sparql, media_type, union_default_graph, tuple(default_graphs), tuple(named_graphs),
                       max_rows, tuple(prefixes), base_iri, sealed)
        if self.path is None:  # in this process, which must keep its network (harvests): never sealed
            deadline = time.monotonic() + timeout if timeout else None
            return execute(self._store, replace(job, sealed=False), deadline)
        return self._query_runner().run(job, timeout or _NO_TIMEOUT, client)

    def query_refusal(self, client: str, timeout: float):
        """The 429 `client` is due now for being over its share of the query workers, or None."""
        if self.path is None or self._runner is None:  # in memory, or no query yet: nobody is over a share
            return None
        return self._runner.refusal(client, timeout)

    def _query_runner(self) -> QueryRunner:
        with self._write_lock:
            if self._runner is None:
                self._runner = QueryRunner(self._store, self.path, lambda: self.generation, self._query_policy)
            return self._runner

    def flush(self) -> None:
        """RocksDB's memtables to disk: transactional writes otherwise fill them up to their cap."""
        if self.path is not None and not self.read_only:
            with self._write_lock:
                self._store.flush()

    def backup(self, destination) -> None:
        """A RocksDB checkpoint of every graph (hard links on the same file system), taken between writes."""
        if self.path is None or self.read_only:
            raise StoreError("only the process holding the on-disk store can back it up")
        with self._write_lock:
            try:
                self._store.flush()
                self._store.backup(str(destination))
            except (OSError, RuntimeError) as err:
                raise StoreError(f"cannot write the backup to {destination}: {err}") from None

    def triple_count(self) -> int:
        return len(self._store)

    def close(self) -> None:
        if self._runner is not None:
            self._runner.close()
            self._runner = None
        if not self.read_only:
            try:
                self._store.flush()
            except (OSError, AttributeError):
                pass
        self._store = None


def _open_error_message(path: Path | None, err: OSError) -> str:
    text = str(err)
    if "lock" in text.lower():
        return (f"the store in {path} is in use by another ehds-node process (RocksDB lock); "
                "stop it, or send the work to the running server")
    return f"cannot open the store in {path}: {text}"
