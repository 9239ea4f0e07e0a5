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
from collections import OrderedDict

from node.errors import QueryError, QueryTimeout, TooManyRequests
from node.store import worker_process

PLAN_NICE = 5  # as the embedded store's query workers: pages never wait for a query's CPU
REMEMBERED, REMEMBERED_CHARS = 1024, 8192  # queries that planned, kept: at most ~8 MB of text
STARTS_PER_SECOND, STARTS_BURST = 2.0, 8  # helper processes started (see PlanChecker._spend_a_start)


class PlanChecker:
    """At most one helper per query running at once (the caller bounds those), idle ones kept.

    A query that planned is remembered (its text and base, up to REMEMBERED queries of at most
    REMEMBERED_CHARS characters): the verdict depends on nothing else, and a dashboard, a harvester
    or a partner node sends the same queries again and again. The round trip to a helper cost
    ~0.5 ms on a 2-vCPU virtual machine (two processes woken), more than planning itself."""

    def __init__(self):
        self._idle: list[tuple] = []
        self._lock = threading.Lock()
        self._closed = False
        self._planned: OrderedDict[tuple[str, str | None], None] = OrderedDict()
        self._starts, self._starts_at = float(STARTS_BURST), time.monotonic()

    def check(self, sparql: str, base_iri: str | None, deadline: float) -> None:
        """Nothing when Oxigraph reads and plans `sparql`; its QueryError or QueryRefused otherwise."""
        key = (sparql, base_iri)
        with self._lock:
            if key in self._planned:
                self._planned.move_to_end(key)
                return
        self._check(sparql, base_iri, deadline)
        if len(sparql) <= REMEMBERED_CHARS:
            with self._lock:
                self._planned[key] = None
                if len(self._planned) > REMEMBERED:
                    self._planned.popitem(last=False)

    def _check(self, sparql: str, base_iri: str | None, deadline: float) -> None:
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
        worker_process.result_of(reply)

    def warm_up(self) -> None:
        """One helper started ahead of the first query (an interpreter takes ~0.2 s to start)."""
        self._give_back(self._take())

    def _take(self) -> tuple:
        with self._lock:
            if self._idle:
                return self._idle.pop()
            self._spend_a_start()
        return worker_process.spawn("node.store.plan_worker", str(PLAN_NICE))

    def _spend_a_start(self) -> None:
        """A helper costs ~0.08 s of CPU to start, and a too-deep query ends one: starts are budgeted
        (STARTS_PER_SECOND, bursts of STARTS_BURST), so a flood of such queries cannot keep the
        machine busy starting interpreters. Called with the lock held."""
        now = time.monotonic()
        self._starts = min(STARTS_BURST, self._starts + (now - self._starts_at) * STARTS_PER_SECOND)
        self._starts_at = now
        if self._starts < 1:
            raise TooManyRequests("this node's query planners are being restarted after queries that ended "
                                  "them (nested too deeply); retry in a moment", retry_after=1)
        self._starts -= 1

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
