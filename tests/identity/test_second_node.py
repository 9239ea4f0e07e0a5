"""A second node configured for another institution publishes its own catalogue (issue 14)."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from tests.identity.conftest import SECOND_BASE

CATALOG = URIRef(SECOND_BASE + "catalog")
LANG = "http://publications.europa.eu/resource/authority/language/"


def catalog_graph(client, path="/catalog") -> Graph:
    response = client.get(path, headers={"Accept": "text/turtle"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return Graph().parse(data=response.get_data(as_text=True), format="turtle")


def test_the_catalogue_is_the_configured_institution(second_client):
    graph = catalog_graph(second_client)
    assert (CATALOG, RDF.type, DCAT.Catalog) in graph
    titles = set(graph.objects(CATALOG, DCTERMS.title))
    assert titles == {Literal("Belgian registry network catalogue", lang="en"),
                      Literal("Catalogue du réseau belge des registres", lang="fr")}
    assert Literal("Populatieregisters van het Belgische registernetwerk.", lang="nl") in set(
        graph.objects(CATALOG, DCTERMS.description))
    (publisher,) = graph.objects(CATALOG, DCTERMS.publisher)
    assert graph.value(publisher, FOAF.name) == Literal("Belgian Registry Network")
    assert set(graph.objects(CATALOG, DCTERMS.language)) == {URIRef(LANG + c) for c in ("ENG", "FRA", "NLD")}
    assert graph.value(CATALOG, DCTERMS.license) == URIRef(
        "http://publications.europa.eu/resource/authority/licence/CC0")
    assert set(graph.objects(CATALOG, DCAT.dataset)) == {URIRef(SECOND_BASE + "datasets/cancer-registry")}


def test_nothing_of_the_hdh_is_served(second_client):
    for path in ("/catalog", "/datasets/cancer-registry"):
        text = second_client.get(path, headers={"Accept": "text/turtle"}).get_data(as_text=True)
        assert "Health Data Hub" not in text and "health-data-hub" not in text and "agents/hdh" not in text
    assert second_client.get("/datasets/snds").status_code == 404
    html = second_client.get("/catalog", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "Belgian registry network catalogue" in html and "Health Data Hub" not in html


def test_serve_empty_without_configuration_still_describes_the_catalogue(tmp_path):
    """`serve --empty`: no records, but a dcat:Catalog with a title and a publisher (the HDH's)."""
    from node.config import Settings
    from node.context import open_node
    from node.web.app import create_app

    ctx = open_node(Settings(data_dir=tmp_path / "data", load_bundled_catalogue=False))
    try:
        graph = catalog_graph(create_app(context=ctx).test_client())
    finally:
        ctx.close()
    catalog = URIRef("http://localhost:8080/catalog")
    assert (catalog, RDF.type, DCAT.Catalog) in graph
    assert graph.value(catalog, DCTERMS.title) is not None and graph.value(catalog, DCTERMS.publisher) is not None
    assert not set(graph.objects(catalog, DCAT.dataset))


def test_the_node_own_catalogue_records_raise_no_warnings(client):
    """The dcat:CatalogRecord the node adds says its profile and change type (no warnings of its own)."""
    report = client.get("/datasets/snds/validation").json
    on_record = [r for r in report["results"] if str(r["focus_node"]).endswith("#record")]
    assert on_record == []
    assert report["conforms"] is True
