"""Real SPARQL clients against a served node: SPARQLWrapper and rdflib's SPARQLStore, used as their
documentation shows, in every result format they offer."""

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

DCAT = "http://www.w3.org/ns/dcat#"
SELECT = f"""PREFIX dcat: <{DCAT}> PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?d ?id WHERE {{ ?d a dcat:Dataset ; dct:identifier ?id }} ORDER BY ?id"""
ASK = f"ASK {{ ?d a <{DCAT}Dataset> }}"
CONSTRUCT = f"CONSTRUCT {{ ?d a <{DCAT}Dataset> }} WHERE {{ ?d a <{DCAT}Dataset> }}"


@pytest.fixture(scope="module")
def identifiers(sparql_node):
    rows = sparql_node.store.select(SELECT)
    assert len(rows) == 6
    return [row["id"].value for row in rows]


def wrapper(live_server, query, fmt):
    sparql = SPARQLWrapper(live_server.endpoint)
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    return sparql.query()


def test_sparqlwrapper_select_json_and_xml(live_server, identifiers):
    rows = wrapper(live_server, SELECT, JSON).convert()["results"]["bindings"]
    assert [row["id"]["value"] for row in rows] == identifiers
    document = wrapper(live_server, SELECT, XML).convert()
    values = [node.firstChild.data for node in document.getElementsByTagName("literal")]
    assert values == identifiers


@pytest.mark.parametrize("fmt, separator", [(CSV, ","), (TSV, "\t")])
def test_sparqlwrapper_select_csv_and_tsv(live_server, identifiers, fmt, separator):
    text = wrapper(live_server, SELECT, fmt).convert().decode()
    lines = text.strip().splitlines()
    assert lines[0].replace("?", "").split(separator) == ["d", "id"]
    assert [line.split(separator)[1].strip('"') for line in lines[1:]] == identifiers


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_sparqlwrapper_ask(live_server, fmt):
    result = wrapper(live_server, ASK, fmt).convert()
    answer = result["boolean"] if fmt == JSON else result.getElementsByTagName("boolean")[0].firstChild.data == "true"
    assert answer is True


@pytest.mark.parametrize("fmt", [RDFXML, TURTLE, N3, JSONLD])
def test_sparqlwrapper_construct(live_server, fmt):
    graph = wrapper(live_server, CONSTRUCT, fmt).convert()
    if not isinstance(graph, Graph):  # Turtle/N3/JSON-LD come back as bytes to parse
        graph = Graph().parse(data=graph, format={TURTLE: "turtle", N3: "n3", JSONLD: "json-ld"}[fmt])
    assert len(graph) == 6
    assert all(str(o) == DCAT + "Dataset" for o in graph.objects())


@pytest.mark.parametrize("return_format", ["json", "xml", "csv", "tsv"])
def test_rdflib_sparqlstore(live_server, identifiers, return_format):
    graph = Graph(store=SPARQLStore(live_server.endpoint, returnFormat=return_format))
    rows = list(graph.query(SELECT))
    assert [str(row.id) for row in rows] == identifiers
    assert all(isinstance(row.d, URIRef) for row in rows)
    if return_format in ("json", "xml"):
        assert graph.query(ASK).askAnswer is True


def test_rdflib_sparqlstore_construct_and_triples(live_server):
    graph = Graph(store=SPARQLStore(live_server.endpoint))
    constructed = graph.query(CONSTRUCT).graph
    assert len(constructed) == 6
    titles = list(graph.triples((None, URIRef("http://purl.org/dc/terms/identifier"), Literal("HDH-SNDS"))))
    assert len(titles) == 1
