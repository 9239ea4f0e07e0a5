"""Oxigraph's reading of a public query, in helper processes (node.store.plan_worker), before a
remote SPARQL server sees it.

Planning in the web process was unsafe: a query of a few KB nested thousands of levels deep (a
chain of `+`, a long property path) overflowed the thread's stack and ended the whole web process,
and pyoxigraph evaluates an ASK, or a SELECT that aggregates or sorts, when it is planned — VALUES
blocks give it rows even on an empty store — with no way to stop it. A helper process is killed at
the query's deadline (503, as on the embedded store), and its end by a stack overflow is a refusal
(400); the web process lives on and starts another helper for the next query.
"""

from __future__ import annotations

import threading
import time

from node import errors
from node.errors import QueryError, QueryTimeout
from node.store import worker_process

PLAN_NICE = 5  # as the embedded store's query workers: pages never wait for a query's CPU


class PlanChecker:
    """At most one helper per query running at once (the caller bounds those), idle ones kept."""

    def __init__(self):
        self._idle: list[tuple] = []
        self._lock = threading.Lock()
        self._closed = False

    def check(self, sparql: str, base_iri: str | None, deadline: float) -> None:
        """Nothing when Oxigraph reads and plans `sparql`; its QueryError or QueryRefused otherwise."""
        helper = self._take()
        process, conn = helper
        try:
            conn.send((sparql, base_iri))
            if not conn.poll(max(0.0, deadline - time.monotonic())):
                worker_process.stop(process, conn)
                helper = None
                raise QueryTimeout("the query ran longer than this endpoint's time limit while it was "
                                   "being read and planned; narrow it and try again")
            reply = conn.recv()
        except (EOFError, OSError):
            worker_process.stop(process, conn)
            helper = None
            raise QueryError("the query is nested too deeply for this endpoint (a long chain of operators, "
                             "property path steps, triple patterns or OPTIONALs); split or simplify it") from None
        finally:
            if helper is not None:
                self._give_back(helper)
        if reply[0] == "error":
            raise _ERRORS.get(reply[1], QueryError)(reply[2])

    def warm_up(self) -> None:
        """One helper started ahead of the first query (an interpreter takes ~0.2 s to start)."""
        self._give_back(self._take())

    def _take(self) -> tuple:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return worker_process.spawn("node.store.plan_worker", str(PLAN_NICE))

    def _give_back(self, helper: tuple) -> None:
        with self._lock:
            if not self._closed:
                self._idle.append(helper)
                return
        worker_process.stop(*helper)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            helpers, self._idle = self._idle, []
        for helper in helpers:
            worker_process.stop(*helper)


_ERRORS = {cls.__name__: cls for cls in (errors.QueryError, errors.QueryRefused)}
