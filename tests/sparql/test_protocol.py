"""/sparql through the SPARQL 1.1 Protocol: methods, dataset parameters, formats, errors, CORS."""

import json

import pyoxigraph as ox
import pytest

from node.sparql.examples import EXAMPLES

DATASETS = "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a <http://www.w3.org/ns/dcat#Dataset> }"
FORM = "application/x-www-form-urlencoded"


def count(response) -> int:
    assert response.status_code == 200, response.data
    return int(response.json["results"]["bindings"][0]["n"]["value"])


def test_get_form_post_and_direct_post_give_the_same_answer(sparql_client):
    by_get = sparql_client.get("/sparql", query_string={"query": DATASETS})
    by_form = sparql_client.post("/sparql", data={"query": DATASETS})
    direct = sparql_client.post("/sparql", data=DATASETS.encode(), content_type="application/sparql-query")
    assert count(by_get) == count(by_form) == count(direct) == 6
    assert by_get.content_type == "application/sparql-results+json"


def test_the_default_graph_is_the_union_of_records_and_graph_picks_one(sparql_client, sparql_node):
    graph = sparql_node.naming.local_graph("snds")
    one = sparql_client.get("/sparql", query_string={
        "query": "SELECT (COUNT(DISTINCT ?d) AS ?n) { GRAPH <%s> { ?d a <http://www.w3.org/ns/dcat#Dataset> } }" % graph})
    assert count(one) == 1
    scoped = sparql_client.get("/sparql", query_string={"query": DATASETS, "default-graph-uri": graph})
    assert count(scoped) == 1


def test_a_from_clause_names_the_default_graph_instead_of_the_union(sparql_client, sparql_node):
    """SPARQL 1.1 §13.2: the union default graph overrode FROM (6 datasets, for a graph holding 1)."""
    graph = sparql_node.naming.local_graph("snds")
    one = DATASETS.replace("WHERE", f"FROM <{graph}> WHERE")
    assert count(sparql_client.post("/sparql", data={"query": one})) == 1
    nothing = DATASETS.replace("WHERE", "FROM <http://example.org/no-such-graph> WHERE")
    assert count(sparql_client.post("/sparql", data={"query": nothing})) == 0
    named_only = "SELECT (COUNT(*) AS ?n) FROM NAMED <%s> WHERE { GRAPH ?g { ?d a ?t } }" % graph
    assert count(sparql_client.post("/sparql", data={"query": named_only})) > 0


@pytest.mark.parametrize("accept, media_type", [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("application/json", "application/sparql-results+json"),
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
    (None, "application/sparql-results+json"),
])
def test_select_result_formats_by_accept(sparql_client, accept, media_type):
    headers = {"Accept": accept} if accept else {}
    response = sparql_client.get("/sparql", query_string={"query": DATASETS}, headers=headers)
    assert response.status_code == 200 and response.mimetype == media_type
    if media_type in ("text/csv", "text/tab-separated-values"):
        assert response.data.decode().splitlines()[1].strip().startswith(("6", '"6"'))
    else:
        fmt = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
               "application/sparql-results+xml": ox.QueryResultsFormat.XML}[media_type]
        assert [s["n"].value for s in ox.parse_query_results(response.data, fmt)] == ["6"]


@pytest.mark.parametrize("fmt, media_type", [("turtle", "text/turtle"), ("jsonld", "application/ld+json"),
                                             ("rdfxml", "application/rdf+xml"), ("ntriples", "application/n-triples")])
def test_construct_formats_by_format_parameter_parse_to_the_same_graph(sparql_client, fmt, media_type):
    query = "CONSTRUCT { ?d a <http://www.w3.org/ns/dcat#Dataset> } WHERE { ?d a <http://www.w3.org/ns/dcat#Dataset> }"
    response = sparql_client.get("/sparql", query_string={"query": query, "format": fmt})
    assert response.status_code == 200 and response.mimetype == media_type
    triples = list(ox.parse(response.data, format=ox.RdfFormat.from_media_type(media_type)))
    assert len(triples) == 6


def test_ask_and_describe(sparql_client, sparql_node):
    ask = sparql_client.get("/sparql", query_string={"query": "ASK { ?d a <http://www.w3.org/ns/dcat#Dataset> }"})
    assert ask.json == {"head": {}, "boolean": True}
    describe = sparql_client.get("/sparql", query_string={"query": f"DESCRIBE <{sparql_node.naming.dataset('snds')}>"},
                                 headers={"Accept": "application/n-triples"})
    assert describe.status_code == 200 and b"SNDS" in describe.data


def test_errors_are_clear_and_never_500(sparql_client):
    syntax = sparql_client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p "})
    assert syntax.status_code == 400 and "syntax error" in syntax.json["message"] and "at the end of the query" in syntax.json["message"]
    not_acceptable = sparql_client.get("/sparql", query_string={"query": DATASETS}, headers={"Accept": "image/png"})
    assert not_acceptable.status_code == 406
    wrong_type = sparql_client.post("/sparql", data=b"ASK {}", content_type="text/plain")
    assert wrong_type.status_code == 415
    two = sparql_client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert two.status_code == 400 and "exactly one" in two.json["message"]
    utf16 = sparql_client.post("/sparql", data="ASK {}".encode("utf-16"),
                               content_type="application/sparql-query; charset=UTF-16")
    assert utf16.status_code == 415
    assert sparql_client.put("/sparql", data={"query": "ASK {}"}).status_code == 405


def test_update_by_any_route_is_403(sparql_client):
    for response in (
        sparql_client.get("/sparql", query_string={"update": "CLEAR ALL"}),
        sparql_client.post("/sparql", data={"update": "CLEAR ALL"}),
        sparql_client.post("/sparql", data=b"CLEAR ALL", content_type="application/sparql-update"),
        sparql_client.post("/sparql", data={"query": "CLEAR ALL"}),
    ):
        assert response.status_code == 403 and "read-only" in response.json["message"]
    assert count(sparql_client.get("/sparql", query_string={"query": DATASETS})) == 6


def test_cors_preflight_and_head(sparql_client):
    preflight = sparql_client.options("/sparql", headers={"Origin": "https://yasgui.example",
                                                          "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    head = sparql_client.head("/sparql", query_string={"query": DATASETS})
    assert head.status_code == 200 and head.data == b"" and head.headers["Access-Control-Allow-Origin"] == "*"
    error = sparql_client.get("/sparql", query_string={"query": "SELECT"})
    assert error.headers["Access-Control-Allow-Origin"] == "*"


def test_service_description_and_void(sparql_client):
    description = sparql_client.get("/sparql", headers={"Accept": "text/turtle"})
    assert description.status_code == 200 and description.mimetype == "text/turtle"
    graph = list(ox.parse(description.data, format=ox.RdfFormat.TURTLE))
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert any(t.predicate.value == sd + "endpoint" and t.object.value.endswith("/sparql") for t in graph)
    assert any(t.object.value == sd + "UnionDefaultGraph" for t in graph)
    void = sparql_client.get("/.well-known/void", headers={"Accept": "application/n-triples"})
    entities = [t for t in ox.parse(void.data, format=ox.RdfFormat.N_TRIPLES)
                if t.predicate.value == "http://rdfs.org/ns/void#entities"]
    assert [t.object.value for t in entities] == ["6"]


def test_html_page_lists_examples_without_external_scripts(sparql_client):
    page = sparql_client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.data.decode()
    assert "Datasets by health category" in html and "static/sparql.js" in html
    assert "https://cdn" not in html and "<script src=\"http" not in html
    assert sparql_client.get("/static/sparql.js").status_code == 200


@pytest.mark.parametrize("title, query", EXAMPLES, ids=[title for title, _ in EXAMPLES])
def test_every_example_query_answers_rows(sparql_client, title, query):
    response = sparql_client.post("/sparql", data={"query": query})
    assert response.status_code == 200, response.data
    assert response.json["results"]["bindings"], f"example '{title}' returned no rows on the HDH catalogue"


def test_the_index_terms_filter_of_the_docs_leaves_out_every_ehds_term(sparql_client):
    """Records carry ehds: index terms, one of them the record's whole published form; the FILTER
    that docs/sparql.md and the example page give keeps generic queries readable."""
    example = dict(EXAMPLES)["Catalogue records, without the node's index terms"]
    unfiltered = example.replace('FILTER (!STRSTARTS(STR(?property), "https://w3id.org/ehds-node/ns#"))', "")
    assert unfiltered != example

    def properties(query):
        response = sparql_client.post("/sparql", data={"query": query.replace("LIMIT 200", "")})
        assert response.status_code == 200, response.data
        return {row["property"]["value"] for row in response.json["results"]["bindings"]}

    ehds = "https://w3id.org/ehds-node/ns#"
    assert ehds + "publishedForm" in properties(unfiltered)
    kept = properties(example)
    assert "http://purl.org/dc/terms/modified" in kept and not any(p.startswith(ehds) for p in kept)


@pytest.mark.parametrize("accept, name", [("text/csv", "results.csv"), ("text/tab-separated-values", "results.tsv")])
def test_csv_and_tsv_answers_are_named_downloads(client, accept, name):
    response = client.get("/sparql", query_string={"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"},
                          headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="{name}"'
    json_answer = client.get("/sparql", query_string={"query": "ASK {}"},
                             headers={"Accept": "application/sparql-results+json"})
    assert "Content-Disposition" not in json_answer.headers
