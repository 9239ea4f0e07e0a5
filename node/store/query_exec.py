"""Run one public SPARQL query on an Oxigraph store and serialise its answer natively.

Used in the query worker processes (node.store.query_runner) and, for in-memory stores, in the
calling thread. Solutions are written by Oxigraph's own serialisers into a writer that checks the
deadline on every chunk; graph results stream through a Python generator that counts triples.
"""

from __future__ import annotations

import io
import itertools
import re
import time
from dataclasses import dataclass

import pyoxigraph as ox

from node.errors import QueryError, QueryRefused, QueryTimeout, StoreError
from node.store.base import QueryResult
from node.store.sealing import seal_network

RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
}
# The smallest a solution can be in each format (a row with no bindings): below
# (max_rows + 1) × this many bytes, an answer cannot hold more than max_rows rows.
_MIN_ROW_BYTES = {"application/sparql-results+json": 3, "application/sparql-results+xml": 17,
                  "text/csv": 2, "text/tab-separated-values": 1}
MAX_ANSWER_BYTES = 256 * 2 ** 20  # as much as the remote store reads of a server's answer
_STORE_FAILURE = re.compile(r"corrupt|rocksdb|storage|i/o", re.IGNORECASE)


@dataclass(frozen=True)
class QueryJob:
    """Everything a worker needs to answer one query (picklable)."""

    text: str
    media_type: str
    union_default_graph: bool = True
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    max_rows: int | None = None       # refuse answers with more rows/triples than this
    prefixes: tuple[tuple[str, str], ...] = ()  # for readable Turtle/RDF-XML/JSON-LD output
    base_iri: str | None = None       # for relative IRIs in the query (the endpoint's own URL)
    sealed: bool = False              # run in a process that cannot open internet sockets (no SERVICE allowed)


def execute(store: ox.Store, job: QueryJob, deadline: float | None = None) -> QueryResult:
    """Answer `job`. Called in a query worker process (for in-memory stores, in the caller's)."""
    if job.sealed:
        seal_network()  # where seccomp is missing this logs why, and the guard's parse stays the defence
    result = _evaluate(store, job)
    if isinstance(result, ox.QueryTriples):
        return _graph_result(result, job, deadline)
    fmt = RESULT_FORMATS.get(job.media_type)
    if fmt is None:
        raise QueryError(f"a SELECT/ASK result cannot be written as {job.media_type}")
    if isinstance(result, ox.QueryBoolean):
        return QueryResult(result.serialize(format=fmt), job.media_type, "boolean")
    writer = _DeadlineWriter(deadline)
    _guarded(lambda: result.serialize(writer, format=fmt))
    body = writer.getvalue()
    # counted whatever LIMIT the query has: the guard's row cap rewrites the LIMIT its tokenizer
    # finds, and a disguised query can show it a top-level LIMIT that is a subquery's
    if job.max_rows is not None and _row_count_over(store, body, job):
        raise _too_many(job.max_rows, "rows")
    return QueryResult(body, job.media_type, "solutions")


def _evaluate(store: ox.Store, job: QueryJob):
    kwargs: dict = {"use_default_graph_as_union": job.union_default_graph and not job.default_graphs,
                    "base_iri": job.base_iri}
    if job.default_graphs:
        kwargs["default_graph"] = _graph_nodes(job.default_graphs, "default-graph-uri")
    if job.named_graphs:
        kwargs["named_graphs"] = _graph_nodes(job.named_graphs, "named-graph-uri")
    return _guarded(lambda: store.query(job.text, **kwargs))


def _graph_nodes(iris: tuple[str, ...], name: str) -> list[ox.NamedNode]:
    """A bad graph IRI is the client's error (400), never an exception that ends the worker."""
    try:
        return [ox.NamedNode(iri) for iri in iris]
    except ValueError as err:
        raise QueryError(f"{name}: not an absolute IRI ({err})") from None


def _guarded(action):
    """Oxigraph's errors as NodeErrors: syntax → 400, evaluation → 400, I/O → 503.
    pyoxigraph raises RuntimeError both for queries it cannot evaluate (an unknown custom
    function) and for a corrupt store: only the latter is the store's fault."""
    try:
        return action()
    except SyntaxError as err:
        raise QueryError(f"SPARQL syntax error: {err}") from None
    except (ValueError, TypeError) as err:
        raise QueryError(f"the query cannot be evaluated: {err}") from None
    except ConnectionError as err:
        raise QueryError(f"a SERVICE call failed: {err}") from None
    except RuntimeError as err:
        if _STORE_FAILURE.search(str(err)):
            raise StoreError(f"store read failed: {err}") from None
        raise QueryError(f"the query cannot be evaluated: {err}") from None
    except OSError as err:
        raise StoreError(f"store read failed: {err}") from None


def _graph_result(triples: ox.QueryTriples, job: QueryJob, deadline: float | None) -> QueryResult:
    fmt = GRAPH_FORMATS.get(job.media_type)
    if fmt is None:
        raise QueryError(f"a CONSTRUCT/DESCRIBE result cannot be written as {job.media_type}")
    limit = job.max_rows

    def capped():
        for count, triple in enumerate(triples, 1):
            if limit is not None and count > limit:
                raise _too_many(limit, "triples")
            if deadline is not None and count % 1024 == 0 and time.monotonic() > deadline:
                raise QueryTimeout("the query ran longer than the time limit")
            yield triple

    prefixes = dict(job.prefixes) if fmt != ox.RdfFormat.N_TRIPLES else None
    body = _guarded(lambda: ox.serialize(capped(), format=fmt, prefixes=prefixes) if prefixes
                    else ox.serialize(capped(), format=fmt))
    return QueryResult(body, job.media_type, "graph")


def _row_count_over(store: ox.Store, body: bytes, job: QueryJob) -> bool:
    """Whether the answer holds more than max_rows solutions. Small answers cannot; for large
    ones, evaluating again and counting (no serialisation) costs less than parsing the answer."""
    limit = job.max_rows
    if len(body) < (limit + 1) * _MIN_ROW_BYTES[job.media_type]:
        return False
    return sum(1 for _ in itertools.islice(_evaluate(store, job), limit + 1)) > limit


def _too_many(limit: int, what: str) -> QueryRefused:
    return QueryRefused(f"the answer has more than {limit} {what}, the most this endpoint returns at once; "
                        f"add LIMIT {limit} (or less) and page with OFFSET")


class _DeadlineWriter(io.BytesIO):
    """Oxigraph writes its serialisation in chunks: past the deadline, or past MAX_ANSWER_BYTES, the next
    chunk stops it. The byte bound holds whatever the guard read in the query: its row cap rewrites a
    LIMIT found by a tokenizer, which a disguised query could mislead."""

    def __init__(self, deadline: float | None, max_bytes: int | None = None):
        super().__init__()
        self.deadline, self.max_bytes = deadline, max_bytes or MAX_ANSWER_BYTES

    def write(self, data) -> int:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise QueryTimeout("the query ran longer than the time limit")
        if self.tell() + len(data) > self.max_bytes:
            raise QueryRefused(f"the answer is larger than {self.max_bytes} bytes, the most this endpoint "
                               "returns at once; add a LIMIT")
        return super().write(data)
