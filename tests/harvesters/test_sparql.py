"""The sparql harvester against a real SPARQL endpoint (Oxigraph behind the loopback server)."""

from __future__ import annotations

from datetime import datetime, timezone

import pyoxigraph as ox
import pytest

from harvesters.records import split_records
from node.errors import HarvestError
from node.rdfio import parse_triples
from tests.harvesters.catalogues import catalogue_turtle, dataset_iri
from tests.harvesters.conftest import harvest
from tests.harvesters.partner_server import Reply


def harvest_sparql(url, **kwargs):
    return harvest(url, "sparql", **kwargs)


def sparql_endpoint(partner, turtle: str) -> str:
    store = ox.Store()
    store.load(turtle.encode(), format=ox.RdfFormat.TURTLE)

    def endpoint(request):
        try:
            result = store.query(request.form["query"])
        except SyntaxError as err:
            return Reply(str(err).encode(), content_type="text/plain", status=400)
        return Reply(ox.serialize(result, format=ox.RdfFormat.N_TRIPLES), content_type="application/n-triples")

    return partner.handle("/sparql", endpoint)


def test_pages_of_constructed_datasets_match_the_source_graph(partner):
    turtle = catalogue_turtle(range(1, 26))
    url = sparql_endpoint(partner, turtle)
    pages = harvest_sparql(url, page_size=10)
    assert [len(p.records) for p in pages] == [10, 10, 5]
    assert all(hit.method == "POST" and "CONSTRUCT" in hit.form["query"] for hit in partner.hits)
    assert "application/n-triples" in partner.hits[0].headers["Accept"]
    harvested = {r.dataset_iri: r for p in pages for r in p.records}
    assert sorted(harvested) == sorted(dataset_iri(n) for n in range(1, 26))
    direct, _ = split_records(parse_triples(turtle.encode(), "text/turtle"), url, source="partner")
    for expected in direct:
        got = harvested[expected.dataset_iri]
        assert len(got.triples) == len(expected.triples) == 19
        assert got.identifiers == expected.identifiers and got.modified == expected.modified


def test_modified_since_filters_on_dct_modified(partner):
    turtle = catalogue_turtle([1, 2]) + f"""<{dataset_iri(3)}> a dcat:Dataset ; dct:title "Three" ;
      dct:modified "2024-09-01T12:00:00Z"^^xsd:dateTime .
    <{dataset_iri(4)}> a dcat:Dataset ; dct:title "Four, no date" ."""
    url = sparql_endpoint(partner, turtle)
    pages = harvest_sparql(url, modified_since=datetime(2024, 6, 1, tzinfo=timezone.utc))
    assert sorted(r.dataset_iri for p in pages for r in p.records) == [dataset_iri(3), dataset_iri(4)]
    assert pages[0].incremental


def test_blank_node_datasets_are_harvested_with_skolem_iris(partner):
    url = sparql_endpoint(partner, catalogue_turtle([]) + '[] a dcat:Dataset ; dct:identifier "anon-1" ; '
                                   'dcat:distribution [ dct:title "D" ] .')
    record = harvest_sparql(url)[0].records[0]
    assert record.dataset_iri.startswith("urn:uuid:") and record.identifiers == ("anon-1",)
    assert len(record.triples) == 4


def test_endpoint_error_is_a_harvest_error(partner):
    partner.serve("/sparql", b"Virtuoso 37000 Error", content_type="text/plain", status=400)
    with pytest.raises(HarvestError, match="HTTP 400"):
        harvest_sparql(partner.url("/sparql"))
