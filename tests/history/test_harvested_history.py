"""A harvested record's history names the harvest run that wrote each version, and survives its deletion."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import PROV

from node.web.app import create_app
from tests.harvest_runs.test_runs import harvest, source
from tests.harvesters.catalogues import catalogue_turtle, dataset_iri

BROWSER = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"


def test_harvested_versions_name_their_run_and_link_its_page(partner, central):
    url = partner.serve("/a.ttl", catalogue_turtle([1, 2]))
    first = harvest(central, source(url))
    graph = next(e.graph for e in central.index.entries() if e.dataset == dataset_iri(1))
    record_id = central.naming.record_id_for_graph(graph)
    assert record_id.startswith("partner.")
    partner.serve("/a.ttl", catalogue_turtle([2, 3]))
    second = harvest(central, source(url, max_delete_share=0.5))
    assert first.run_id != second.run_id
    client = create_app(context=central).test_client()
    assert client.get(f"/datasets/{record_id}").status_code == 404  # deleted by the second run
    rdf = client.get(f"/datasets/{record_id}/history", headers={"Accept": "text/turtle"})
    generated = set(Graph().parse(data=rdf.get_data(as_text=True), format="turtle").objects(None, PROV.wasGeneratedBy))
    assert generated == {URIRef(f"http://central.test/harvest/runs/{first.run_id}"),
                         URIRef(f"http://central.test/harvest/runs/{second.run_id}")}
    html = client.get(f"/datasets/{record_id}/history", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert html.index(f'href="harvest/runs/{second.run_id}"') < html.index(f'href="harvest/runs/{first.run_id}"')
    assert 'href="sources/partner"' in html
    assert client.get(f"/harvest/runs/{first.run_id}", headers={"Accept": BROWSER}).status_code == 200
