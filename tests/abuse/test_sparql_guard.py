"""No query reaches the network unless its endpoint is allow-listed, whatever its spelling (issue 10,
finding 2). A real TCP listener on loopback counts every connection it receives."""

from __future__ import annotations

import socket
import threading

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from node.errors import NodeError
from node.sparql.guard import check_query
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


def spellings(port: int) -> list[str]:
    """SERVICE towards the listener, written in the ways a parser accepts (and a regex may not)."""
    url = f"http://127.0.0.1:{port}/x"
    escaped = "".join(f"\\u{ord(c):04X}" for c in url)
    return [
        f"SELECT * WHERE {{ BIND(<http://x/\\u0041#> AS ?v) SERVICE <{url}> {{ ?s ?p ?o }} }}",  # the finding
        f"SELECT * {{ SERVICE <{escaped}> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"select * {{ service silent <{url}> {{ ?s ?p ?o }} }}",
        f"PREFIX e: <http://127.0.0.1:{port}/> SELECT * {{ SERVICE e:x {{ ?s ?p ?o }} }}",
        f"BASE <http://127.0.0.1:{port}/> SELECT * {{ SERVICE <x> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        f"SELECT * {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}> {{ ?a ?b ?c }} }} }}",
        f"SELECT * {{ OPTIONAL {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * {{ {{ SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} UNION {{ ?s ?p ?o }} }}",
        f"SELECT * {{ ?s ?p ?o MINUS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * {{ ?s <http://e/p#> ?o .\n SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ # a comment <\n SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"ASK {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    ]


def _ask(client, query: str, method: str):
    if method == "get":
        return client.get("/sparql", query_string={"query": query}, headers={"Accept": JSON})
    return client.post("/sparql", data=query.encode(), headers={"Content-Type": "application/sparql-query",
                                                                "Accept": JSON})


@pytest.mark.parametrize("method", ["get", "post"])
def test_no_spelling_of_service_reaches_a_listener(client, listener, method):
    for query in spellings(listener.port):
        response = _ask(client, query, method)
        assert 400 <= response.status_code < 500, (query, response.status_code, response.data[:200])
        assert response.get_json()["message"]
    assert listener.accepted == 0


_FILLERS = st.sampled_from(["", " ", "\n", "# c\n", "\t", " ?s ?p ?o . ", "FILTER(true) ", "BIND(1 AS ?z) "])
_KEYWORDS = st.sampled_from(["SERVICE", "service", "Service", "\\u0053ERVICE", "S\\u0045RVICE", "SERVICE SILENT"])
_WRAPPERS = st.sampled_from(["{}", "OPTIONAL {{ {} }}", "{{ {} }} UNION {{ ?a ?b ?c }}", "MINUS {{ {} }}",
                             "FILTER NOT EXISTS {{ {} }}", "{{ SELECT * {{ {} }} }}", "GRAPH ?g {{ {} }}"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=_FILLERS, keyword=_KEYWORDS, wrapper=_WRAPPERS, escape_iri=st.booleans(), after=_FILLERS)
def test_generated_spellings_never_connect(client, listener, before, keyword, wrapper, escape_iri, after):
    url = f"http://127.0.0.1:{listener.port}/q"
    iri = "".join(f"\\u{ord(c):04x}" for c in url) if escape_iri else url
    pattern = wrapper.format(f"{keyword} <{iri}> {{ ?s ?p ?o }}")
    response = _ask(client, f"SELECT * WHERE {{ {before}{pattern} {after}}}", "get")
    assert response.status_code < 500
    assert listener.accepted == 0


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


def test_an_allow_listed_endpoint_is_still_judged_by_the_parse(listener):
    allowed = f"http://127.0.0.1:{listener.port}/sparql"
    checked = check_query(f"SELECT * {{ ?s ?p ?o . SERVICE <{allowed}> {{ ?s ?p ?o }} }}", max_bytes=10_000,
                          max_rows=10, service_allowlist=(allowed,))
    assert checked.form == "SELECT"
    with pytest.raises(NodeError, match="allow-list"):
        check_query(f"SELECT * {{ SERVICE <{allowed}/other> {{ ?s ?p ?o }} }}", max_bytes=10_000, max_rows=10,
                    service_allowlist=(allowed,))


@pytest.mark.parametrize("params", [{"default-graph-uri": "bad iri"}, {"named-graph-uri": "\x00"},
                                    {"default-graph-uri": "relative"}])
def test_dataset_iris_are_checked_before_the_engine(client, params):
    response = client.get("/sparql", query_string={"query": "SELECT * { ?s ?p ?o } LIMIT 1", **params},
                          headers={"Accept": JSON})
    assert response.status_code == 400
    assert "must be an absolute IRI" in response.get_json()["message"]


def test_a_post_form_without_a_query_is_400(client):
    response = client.post("/sparql", data={"default-graph-uri": "http://e/g"})
    assert response.status_code == 400
    assert "needs a query" in response.get_json()["message"]


def test_query_job_is_sealed_by_default_only_when_asked():
    assert QueryJob("ASK {}", JSON).sealed is False
