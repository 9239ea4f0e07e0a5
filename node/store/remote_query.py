"""The public /sparql endpoint on a remote store: the guarded query forwarded to the SPARQL server.

node.sparql's guard has already parsed the query (read-only, SERVICE allow-list, size). Here the
server evaluates it; we keep the time limit (the whole answer must arrive before the deadline), a
byte cap on what we read, and the row cap (counted in the parsed answer unless the answer is too
short to exceed it), and re-serialise in the format the client asked for with pyoxigraph, as the
embedded store does. An answer already in that format (JSON results) is passed on as the server
wrote it once the dialect has read it, and, when it was streamed (no Content-Length), read whole as
JSON (~1 ms for 250 KB): the Oxigraph server reports an error met while it streams (a SERVICE
partner failing, its own time limit) by writing the error's text into the answer it has begun,
under status 200. What the server itself may do while evaluating (its own
time limit, SERVICE calls, memory) is its configuration: docs/deployment.md.
"""

from __future__ import annotations

import json
import time

import pyoxigraph as ox
from urllib3.exceptions import HTTPError
from urllib3.exceptions import TimeoutError as HttpTimeout

from node.errors import QueryError, QueryRefused, QueryTimeout, StoreError
from node.store.base import QueryResult
from node.store.plan_check import PlanChecker
from node.store.query_exec import GRAPH_FORMATS, RESULT_FORMATS
from node.store.remote_dialect import StandardDialect, read_triples
from node.store.remote_http import SparqlHttp

_RESULTS_JSON = "application/sparql-results+json"
_NO_TIMEOUT = 365 * 24 * 3600.0


def run_public_query(http: SparqlHttp, plans: PlanChecker, sparql: str, media_type: str, *, default_graphs=(),
                     named_graphs=(), timeout: float | None, max_rows: int | None, prefixes=(),
                     base_iri: str | None, max_bytes: int, dialect: StandardDialect = StandardDialect()) -> QueryResult:
    deadline = time.monotonic() + (timeout or _NO_TIMEOUT)
    plans.check(sparql, base_iri, deadline)  # Oxigraph's reading first (node.store.plan_worker)
    text = f"BASE <{base_iri}>\n{sparql}" if base_iri else sparql  # a prologue may hold several BASE
    form = [("query", text)] + [("default-graph-uri", g) for g in default_graphs] + \
        [("named-graph-uri", g) for g in named_graphs] + dialect.time_limit(timeout)
    graph_form = media_type in GRAPH_FORMATS  # the web layer chose it from the parsed query's form
    try:
        response = http.read("POST", http.endpoints.query_url, data=form, timeout=timeout or _NO_TIMEOUT,
                             stream=True, headers={"Accept": "application/n-triples" if graph_form else _RESULTS_JSON},
                             users_query=True)
    except QueryError as err:
        cleaned = QueryError(_without_query(err.message))
        cleaned.internal_addresses = err.internal_addresses
        raise cleaned from None
    streamed = bool(response.chunked)  # no Content-Length: the server wrote the answer as it found it
    body = _read_before(response, deadline, max_bytes)
    if graph_form:
        return _graph_result(body, media_type, max_rows, prefixes, dialect)
    return _results(_unreadable_answer_guard(lambda: dialect.json_results(body)), media_type, max_rows, streamed)


def _without_query(message: str) -> str:
    """A server's rejection without the query text it may quote (Virtuoso repeats the whole query,
    with the node's own additions, after "SPARQL query:")."""
    return message.split("SPARQL query:", 1)[0].rstrip(" :") or message


def _read_before(response, deadline: float, max_bytes: int) -> bytes:
    chunks, size, whole = [], 0, False
    try:
        for chunk in response.stream(64 * 1024):
            size += len(chunk)
            if size > max_bytes:
                raise QueryRefused(f"the answer is larger than {max_bytes} bytes; add a LIMIT")
            if time.monotonic() > deadline:
                raise QueryTimeout("the query ran longer than the time limit")
            chunks.append(chunk)
        whole = True
    except HttpTimeout:
        raise QueryTimeout("the SPARQL server stopped sending its answer within the time limit") from None
    except HTTPError as err:
        raise StoreError(f"the SPARQL server's answer was cut short: {type(err).__name__}") from None
    finally:
        if whole:
            response.release_conn()  # read to its end: the connection serves the next query
        else:
            response.close()  # the rest is not wanted: never read it
    return b"".join(chunks)


def _results(body: bytes, media_type: str, max_rows: int | None, streamed: bool = True) -> QueryResult:
    """`streamed`: the answer came without a Content-Length, so the server may have met an error after
    its first bytes (the Oxigraph server then writes the error's text into it, status 200); an answer
    whose length was sent first was whole before the status was."""
    fmt = RESULT_FORMATS.get(media_type)
    if fmt is None:
        raise QueryError(f"a SELECT/ASK result cannot be written as {media_type}")
    counted = max_rows is not None and not _fewer_rows_than(body, max_rows + 1)
    if streamed and not counted and fmt == ox.QueryResultsFormat.JSON:
        _unreadable_answer_guard(lambda: json.loads(body))  # whole, before it is passed on (below)
    parsed = _parse_results(body)  # lazily: the head now, each row when it is read
    if isinstance(parsed, ox.QueryBoolean):
        return QueryResult(parsed.serialize(format=fmt), media_type, "boolean")
    if counted:
        rows = _unreadable_answer_guard(lambda: sum(1 for _ in parsed))  # reads it all
        if rows > max_rows:
            raise _too_many(max_rows, "rows")
    if fmt == ox.QueryResultsFormat.JSON:
        return QueryResult(body, media_type, "solutions")  # already what was asked for
    return QueryResult(_unreadable_answer_guard(lambda: _parse_results(body).serialize(format=fmt)),
                       media_type, "solutions")


def _fewer_rows_than(body: bytes, rows: int) -> bool:
    """True when a JSON results document this long cannot hold `rows` solutions: each is an object,
    at least `{}`, with a comma between two, so n rows take at least 3n - 1 bytes. Counting the rows
    of a 1,000-row answer with the parser cost ~1.7 ms, as much as forwarding the query; answers that
    could be over the cap (~300 KB with the default 100,000 rows) are still counted."""
    return len(body) < 3 * rows - 1


def _parse_results(body: bytes):
    """`body`: JSON results the dialect has already read (run_public_query)."""
    return _unreadable_answer_guard(lambda: ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON))


def parse_json_results(body: bytes, dialect: StandardDialect = StandardDialect()):
    """SPARQL JSON results as pyoxigraph terms, after the server's deviations are undone
    (node.store.remote_dialect: Virtuoso's blank node labels, booleans, marked literals)."""
    return ox.parse_query_results(dialect.json_results(body), format=ox.QueryResultsFormat.JSON)


def _unreadable_answer_guard(action):
    """The server's answer, read: one it wrote wrong is the store failing (503), not the client."""
    try:
        return action()
    except (SyntaxError, ValueError, RecursionError) as err:
        raise StoreError(f"the SPARQL server's answer could not be read: {str(err)[:200]}") from None
    except MemoryError as err:  # pyoxigraph's reader: "Reached the buffer maximal size of 16777216"
        raise QueryRefused("the answer holds a value larger than this endpoint reads from its store (16 MiB); "
                           f"ask for less of it (SUBSTR, LIMIT) ({str(err)[:80]})") from None


def _graph_result(body: bytes, media_type: str, max_rows: int | None, prefixes, dialect) -> QueryResult:
    fmt = GRAPH_FORMATS.get(media_type)
    if fmt is None:
        raise QueryError(f"a CONSTRUCT/DESCRIBE result cannot be written as {media_type}")
    triples = _unreadable_answer_guard(lambda: read_triples(dialect, ox.parse(body, format=ox.RdfFormat.N_TRIPLES)))
    if max_rows is not None and len(triples) > max_rows:
        raise _too_many(max_rows, "triples")
    if fmt != ox.RdfFormat.N_TRIPLES and prefixes:
        return QueryResult(ox.serialize(triples, format=fmt, prefixes=dict(prefixes)), media_type, "graph")
    return QueryResult(ox.serialize(triples, format=fmt), media_type, "graph")


def _too_many(limit: int, what: str) -> QueryRefused:
    return QueryRefused(f"the answer has more than {limit} {what}, the most this endpoint returns at once; "
                        f"add LIMIT {limit} (or less) and page with OFFSET")
