"""The second wall (node/store/sealing.py): with no SERVICE endpoint allowed, query workers cannot open an
internet socket, whatever the guard in front of them understood (issue 10, finding 2). A real TCP
listener on loopback counts every connection it receives."""

from __future__ import annotations

import socket
import threading

import pytest

from node.errors import NodeError
from node.store.oxigraph import OxigraphStore
from node.store.query_exec import QueryJob

JSON = "application/sparql-results+json"


class Listener:
    """Accepts and counts connections on 127.0.0.1 until closed."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(50)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            conn.close()


@pytest.fixture
def listener():
    listening = Listener()
    yield listening
    listening.sock.close()


def test_a_sealed_worker_cannot_connect_even_if_the_guard_were_fooled(node, listener):
    """The second wall: bypass the guard and hand the engine a SERVICE query directly."""
    query = f"SELECT * {{ SERVICE <http://127.0.0.1:{listener.port}/x> {{ ?s ?p ?o }} }}"
    with pytest.raises(NodeError):
        node.store.query(query, JSON, timeout=10, sealed=True)
    assert listener.accepted == 0
    try:  # the same query in an unsealed engine does connect: the listener can see it (this test can fail)
        OxigraphStore().query(query, JSON, timeout=3)
    except NodeError:
        pass  # the listener answers nothing SPARQL can read
    assert listener.accepted >= 1


def test_query_job_is_sealed_by_default_only_when_asked():
    assert QueryJob("ASK {}", JSON).sealed is False
