"""Literals and sizes that a SPARQL server may not keep as written (Virtuoso converts XSD values to its
own forms and refuses some, node.store.remote_dialect): a record goes in and comes out exactly, on the
record's page, through /sparql and in the change log's version."""

from __future__ import annotations

import pyoxigraph as ox

from tests.conftest import BASE_URL
from tests.publish.sample_records import renamed, turtle
from tests.publish.test_write_api import put

XSD = "http://www.w3.org/2001/XMLSchema#"
PROPERTY = "https://example.org/ns#value"
AWKWARD = [("P1D", "duration"), ("PT1H", "dayTimeDuration"), ("P1Y", "yearMonthDuration"), ("1.50", "decimal"),
           ("1", "decimal"), ("12.0", "decimal"), ("007", "integer"), ("-0", "integer"), ("1", "long"),
           ("12345678901234567890123", "integer"), ("abc", "integer"), ("1e3", "double"), ("1.5E0", "float"),
           ("1", "boolean"), ("false", "boolean"), ("10:00:00", "time"), ("2024-01-01T10:00:00.000Z", "dateTime"),
           ("-0001", "gYear"), ("1.123456789012345678901234", "decimal"), ("2024-01-01", "date"), ("42", "integer"),
           ("2024-01-01T10:00:00Z", "dateTime"), ("true", "boolean")]


def record_with(values) -> list[ox.Triple]:
    triples = renamed("snds", "odd")
    dataset = ox.NamedNode(BASE_URL + "datasets/odd")
    return triples + [ox.Triple(dataset, ox.NamedNode(PROPERTY), value) for value in values]


def literals() -> set[ox.Literal]:
    return {ox.Literal(value, datatype=ox.NamedNode(XSD + datatype)) for value, datatype in AWKWARD}


def as_values(terms) -> set:
    """The literals as Oxigraph holds them (its canonical form of each value: "1.50" and "1.5" alike)."""
    store = ox.Store()
    store.extend(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), term) for term in terms)
    return {quad.object for quad in store}


def test_every_literal_comes_back_as_written(node, client):
    assert put(client, "odd", turtle(record_with(literals()))).status_code == 201
    page = client.get("/datasets/odd", headers={"Accept": "application/n-triples"})
    assert page.status_code == 200
    served = {t.object for t in ox.parse(page.get_data(), format=ox.RdfFormat.N_TRIPLES) if t.predicate.value == PROPERTY}
    assert served == literals()
    answer = client.get("/sparql", query_string={"query": f"SELECT ?v WHERE {{ ?d <{PROPERTY}> ?v }}"})
    assert answer.status_code == 200, answer.get_data()
    rows = ox.parse_query_results(answer.get_data(), format=ox.QueryResultsFormat.JSON)
    assert as_values({row["v"] for row in rows}) == as_values(literals())  # Oxigraph answers canonical forms
    version = node.store.change(node.store.last_sequence())
    assert all(str(literal) in version.payload for literal in literals())


def test_a_record_of_thousands_of_triples_is_written_in_one_request(node, client):
    many = {ox.Literal(f"value {n}") for n in range(6000)}
    assert put(client, "odd", turtle(record_with(many))).status_code == 201
    page = client.get("/datasets/odd", headers={"Accept": "application/n-triples"})
    served = {t.object for t in ox.parse(page.get_data(), format=ox.RdfFormat.N_TRIPLES) if t.predicate.value == PROPERTY}
    assert served == many



def test_a_write_larger_than_a_request_may_be_is_written_whole_with_its_entries(node):
    """Virtuoso refuses update requests much over 8 MB and parses long literals slowly: 8 records of
    0.4 MB (0.8 MB with their change-log entries) go in several requests, each record with its entry."""
    from node.store.base import GraphChange

    def record(n: int) -> GraphChange:
        dataset = ox.NamedNode(f"{BASE_URL}datasets/big{n}")
        text = f"record {n} " + "z" * 400_000 + "é\"\\"  # with characters N-Triples escapes
        return GraphChange(node.naming.local_graph(f"big{n}"), (
            ox.Triple(dataset, ox.NamedNode("http://purl.org/dc/terms/description"), ox.Literal(text)),))

    before = node.store.last_sequence()
    entries = node.store.apply([record(n) for n in range(8)])
    assert [e.sequence for e in entries] == list(range(before + 1, before + 9))
    for n in range(8):
        stored = node.store.change(before + 1 + n)
        assert stored.graph == node.naming.local_graph(f"big{n}") and str(record(n).triples[0]) in stored.payload
