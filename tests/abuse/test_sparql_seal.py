"""The second wall (node/store/sealing.py): with no SERVICE endpoint allowed, query workers cannot open an
internet socket, whatever the guard in front of them understood (issue 10, finding 2). A real TCP
listener on loopback counts every connection it receives."""

from __future__ import annotations

import pytest

from node.errors import NodeError
from node.store.oxigraph import OxigraphStore
from node.store.query_exec import QueryJob
from tests.support.listeners import CountingListener

JSON = "application/sparql-results+json"


@pytest.fixture
def listener():
    counting = CountingListener()
    yield counting
    counting.close()


def test_a_sealed_worker_cannot_connect_even_if_the_guard_were_fooled(node, listener):
    """The second wall: bypass the guard and hand the engine a SERVICE query directly."""
    query = f"SELECT * {{ SERVICE <http://127.0.0.1:{listener.port}/x> {{ ?s ?p ?o }} }}"
    with pytest.raises(NodeError):
        node.store.query(query, JSON, timeout=10, sealed=True)
    assert listener.connections() == 0
    try:  # the same query in an unsealed engine does connect: the listener can see it (this test can fail)
        OxigraphStore().query(query, JSON, timeout=3)
    except NodeError:
        pass  # the listener answers nothing SPARQL can read
    assert listener.connections() >= 1


def test_query_job_is_sealed_by_default_only_when_asked():
    assert QueryJob("ASK {}", JSON).sealed is False
