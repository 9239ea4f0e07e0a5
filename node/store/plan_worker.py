"""A planning process: `python -m node.store.plan_worker FD NICE` (started by node.store.plan_check).

Reads (query, base IRI) from the socket FD; answers ("ok",) once Oxigraph has read and planned the
query on an empty store, or ("error", NodeError class name, message). Planning runs on a thread
with a stack of PLAN_STACK_BYTES: a query nested deeper than that stack holds (long chains of
operators, property paths, triple patterns, OPTIONALs) overflows it and ends this process, which
the web process reports as a refusal. The bound is Oxigraph's own reading of the query, so no
spelling hides the nesting from it, and it sits far below where an Oxigraph server (a few MB of
stack) crashes on the same query.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from multiprocessing.connection import Connection

import pyoxigraph as ox

from node.errors import QueryError, QueryRefused
from node.sparql.analysis import analyze
from node.store.worker_process import answer_jobs

PLAN_STACK_BYTES = 1024 * 1024
_CHECK_VARIABLE = "ehds_node_planned_as_select"


def check_with_oxigraph(store: ox.Store, sparql: str, base_iri: str | None) -> None:
    """The query as Oxigraph reads it, before any server sees it: a syntax error is Oxigraph's message
    (with its position, as on the embedded store), and a call of a function SPARQL 1.1 does not define
    is refused. A server's extension functions are not part of a read-only public endpoint: Virtuoso's
    <bif:http_get> fetches any URL from the server's host (past the SERVICE allow-list), its
    <bif:sequence_next> writes. Oxigraph refuses a function it does not know when it plans the query,
    before evaluating anything, on an empty store; an ASK (evaluated at once) is planned as the SELECT
    of the same pattern."""
    planned = _planned(store, sparql, base_iri)
    if isinstance(planned, ox.QueryBoolean):  # an ASK, evaluated at once: plan its pattern as a SELECT
        analysis = analyze(sparql)
        if analysis.form != "ASK" or analysis.form_at is None:
            raise QueryError("the query's form could not be read; write the query form keyword (SELECT, ASK…) "
                             "after the prologue")
        at = analysis.form_at
        _planned(store, f"{sparql[:at]}SELECT (1 AS ?{_CHECK_VARIABLE}){sparql[at + 3:]}", base_iri)


def _planned(store: ox.Store, sparql: str, base_iri: str | None):
    try:
        return store.query(sparql, base_iri=base_iri)
    except SyntaxError as err:
        raise QueryError(f"SPARQL syntax error: {err}") from None
    except (RuntimeError, ValueError) as err:
        if "custom function" in str(err):
            raise QueryRefused(f"this endpoint calls only the functions of SPARQL 1.1 and the XSD casts: "
                               f"{str(err)[:200]}") from None
        raise QueryError(f"the query cannot be evaluated: {str(err)[:200]}") from None


def serve(conn: Connection) -> None:
    """Answer checks until the web process closes the connection."""
    empty = ox.Store()  # in memory, never written: queries are only planned against it

    def check(sparql: str, base_iri: str | None) -> tuple:
        check_with_oxigraph(empty, sparql, base_iri)
        return ()

    answer_jobs(conn, check)


def main(fd: int, nice: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server handles Ctrl-C and stops us
    os.nice(nice)
    threading.stack_size(PLAN_STACK_BYTES)
    planner = threading.Thread(target=serve, args=(Connection(fd),), name="planner")
    planner.start()
    planner.join()


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 0)
