"""The admin Graph Store Protocol (tests/sparql/test_graph_store.py) again with the node on a remote store,
and the default graph proper, which Virtuoso does not have (node.store.remote_dialect keeps it in a
named graph of the node's)."""

import pytest

from tests.remote.conftest import remote_settings
from tests.sparql.test_graph_store import (  # noqa: F401  (collected here, with this module's fixtures)
    AUTH,
    test_bad_input_is_refused_and_nothing_is_written,
    test_put_post_get_delete_a_graph_and_query_it,
    test_record_graphs_are_managed_by_the_node,
    test_writes_and_reads_need_the_token,
)

LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"


@pytest.fixture(scope="module")
def sparql_node(tmp_path_factory, oxigraph_server):
    from node.context import open_node

    oxigraph_server.clear()
    ctx = open_node(remote_settings(oxigraph_server, tmp_path_factory.mktemp("store") / "data"))
    yield ctx
    ctx.close()


@pytest.fixture(scope="module")
def sparql_client(sparql_node):
    from node.web.app import create_app

    return create_app(context=sparql_node).test_client()


def labels(client) -> list[str]:
    query = f"SELECT ?l WHERE {{ <http://vocab.example/d1> <{LABEL}> ?l }}"
    return sorted(r["l"]["value"] for r in client.get("/sparql", query_string={"query": query}).json["results"]["bindings"])


def test_the_default_graph_is_written_replaced_and_read(sparql_client):
    one = f'<http://vocab.example/d1> <{LABEL}> "One" .'.encode()
    two = f'<http://vocab.example/d1> <{LABEL}> "Two" .'.encode()
    assert sparql_client.put("/store?default", data=one, content_type="application/n-triples", headers=AUTH).status_code in (201, 204)
    assert sparql_client.post("/store?default", data=two, content_type="application/n-triples", headers=AUTH).status_code == 204
    got = sparql_client.get("/store?default", headers={**AUTH, "Accept": "application/n-triples"})
    assert got.status_code == 200 and b'"One"' in got.data and b'"Two"' in got.data
    assert labels(sparql_client) == ["One", "Two"]  # the union default graph of /sparql includes it
    assert sparql_client.put("/store?default", data=two, content_type="application/n-triples", headers=AUTH).status_code == 204
    assert labels(sparql_client) == ["Two"]
    assert b'"One"' not in sparql_client.get("/store?default", headers={**AUTH, "Accept": "application/n-triples"}).data
