"""A query with a BASE of its own is sent without the endpoint's (a second BASE is legal SPARQL, but
Virtuoso refuses it: SP030); a relative BASE still resolves against the endpoint."""

import json

import pytest

from node.sparql.analysis import analyze

ENDPOINT = "http://localhost:8080/sparql"


@pytest.mark.parametrize("query, own", [
    ("BASE <http://example.org/> SELECT * WHERE { ?s ?p ?o }", True),
    ("base <http://example.org/a/>\nPREFIX x: <y#> SELECT * WHERE { ?s ?p ?o }", True),
    ("BASE <relative/> SELECT * WHERE { ?s ?p ?o }", False),
    ("SELECT * WHERE { ?s <http://example.org/BASE> ?o }", False),
    ("PREFIX b: <http://example.org/> SELECT * WHERE { ?s ?p ?o }", False),
])
def test_an_absolute_base_of_the_query_is_its_own(query, own):
    assert analyze(query, ENDPOINT).own_base is own


def test_relative_iris_resolve_against_the_query_base_or_the_endpoint(client):
    def first_value(query: str) -> str:
        response = client.post("/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"})
        assert response.status_code == 200, response.get_data(as_text=True)
        return json.loads(response.get_data())["results"]["bindings"][0]["x"]["value"]

    assert first_value("BASE <http://example.org/> SELECT ?x WHERE { BIND(<a> AS ?x) }") == "http://example.org/a"
    assert first_value("SELECT ?x WHERE { BIND(<a> AS ?x) }") == "http://localhost:8080/a"
