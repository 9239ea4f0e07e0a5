"""The remote store's planning processes (node.store.plan_check): what a deep query costs, and what
a repeated one does not."""

from __future__ import annotations

import time

import pytest

from node.errors import QueryError, TooManyRequests
from node.store import plan_check, worker_process

DEEP = "SELECT * { BIND(" + "+".join(["1"] * 5000) + " AS ?x) }"


def deadline() -> float:
    return time.monotonic() + 30


@pytest.fixture
def checker():
    planner = plan_check.PlanChecker()
    yield planner
    planner.close()


def test_a_query_that_planned_is_not_sent_to_a_planner_again(checker, monkeypatch):
    query = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"
    checker.check(query, "http://localhost:8080/sparql", deadline())
    checker.close()  # no planner left, and none can start: only the remembered verdict can answer

    def no_start(*args):
        raise AssertionError("a planner was started")

    monkeypatch.setattr(worker_process, "spawn", no_start)
    checker.check(query, "http://localhost:8080/sparql", deadline())
    with pytest.raises(AssertionError):
        checker.check(query, "http://other.example/sparql", deadline())  # another base: planned anew


def test_queries_that_end_planners_cannot_keep_the_machine_starting_new_ones(monkeypatch):
    monkeypatch.setattr(plan_check, "STARTS_BURST", 2)
    monkeypatch.setattr(plan_check, "STARTS_PER_SECOND", 0.01)
    planner = plan_check.PlanChecker()
    try:
        for _ in range(2):
            with pytest.raises(QueryError, match="nested too deeply"):
                planner.check(DEEP, None, deadline())
        with pytest.raises(TooManyRequests) as refused:
            planner.check(DEEP, None, deadline())
        assert refused.value.retry_after >= 1
    finally:
        planner.close()
