"""Admin Graph Store Protocol at /store: token, PUT/POST/GET/DELETE, and the node's record graphs kept out."""

from tests.conftest import API_TOKEN

AUTH = {"Authorization": f"Bearer {API_TOKEN}"}
GRAPH = "/store?graph=http%3A%2F%2Fvocab.example%2Fthemes"
TURTLE = b"@prefix skos: <http://www.w3.org/2004/02/skos/core#> . <http://vocab.example/t1> skos:prefLabel 'One' ."


def test_writes_and_reads_need_the_token(sparql_client):
    assert sparql_client.get(GRAPH).status_code == 401
    assert sparql_client.put(GRAPH, data=TURTLE, content_type="text/turtle",
                             headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_put_post_get_delete_a_graph_and_query_it(sparql_client):
    assert sparql_client.put(GRAPH, data=TURTLE, content_type="text/turtle", headers=AUTH).status_code == 201
    more = b"<http://vocab.example/t2> <http://www.w3.org/2004/02/skos/core#prefLabel> \"Two\" ."
    assert sparql_client.post(GRAPH, data=more, content_type="application/n-triples", headers=AUTH).status_code == 204
    got = sparql_client.get(GRAPH, headers={**AUTH, "Accept": "application/n-triples"})
    assert got.status_code == 200 and got.data.count(b"\n") == 2
    query = "SELECT ?l { GRAPH <http://vocab.example/themes> { ?t <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } }"
    rows = sparql_client.get("/sparql", query_string={"query": query}).json["results"]["bindings"]
    assert sorted(r["l"]["value"] for r in rows) == ["One", "Two"]
    assert sparql_client.put(GRAPH, data=TURTLE, content_type="text/turtle", headers=AUTH).status_code == 204
    assert sparql_client.get(GRAPH, headers={**AUTH, "Accept": "application/n-triples"}).data.count(b"\n") == 1
    assert sparql_client.delete(GRAPH, headers=AUTH).status_code == 204
    assert sparql_client.get(GRAPH, headers=AUTH).status_code == 404
    assert sparql_client.get("/sparql", query_string={"query": query}).json["results"]["bindings"] == []


def test_bad_input_is_refused_and_nothing_is_written(sparql_client):
    bad = sparql_client.put(GRAPH, data=b"<http://a> <http://b> .", content_type="text/turtle", headers=AUTH)
    assert bad.status_code == 400 and "turtle" in bad.json["message"]
    assert sparql_client.get(GRAPH, headers=AUTH).status_code == 404
    assert sparql_client.put("/store", data=TURTLE, content_type="text/turtle", headers=AUTH).status_code == 400
    assert sparql_client.put("/store?graph=relative", data=TURTLE, content_type="text/turtle",
                             headers=AUTH).status_code == 400


def test_record_graphs_are_managed_by_the_node(sparql_client, sparql_node):
    graph = sparql_node.naming.local_graph("snds")
    response = sparql_client.delete(f"/store?graph={graph}", headers=AUTH)
    assert response.status_code == 403 and "PUT /datasets" in response.json["message"]
    assert sparql_client.get(f"/store?graph={graph}", headers=AUTH).status_code == 200
