"""What an EU harvester sees: Hydra-paged catalogue pages, negotiated, complete and stable."""

from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, RDF, XSD

from tests.conftest import BASE_URL
from vocab.namespaces import EHDS, HEALTHDCATAP, HYDRA

SYNTAXES = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/rdf+xml": "xml",
            "application/n-triples": "nt"}
BUNDLED = {"snds", "oscour", "bone-marrow-register", "angioplasties-500k", "i-share", "hydro"}


def fetch_graph(client, url, accept="text/turtle") -> Graph:
    response = client.get(url.replace(BASE_URL, "/"), headers={"Accept": accept})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == accept
    return Graph().parse(data=response.get_data(), format=SYNTAXES[accept])


def follow_next(client, start, link=HYDRA.next):
    seen, url, pages = [], start, 0
    while url:
        graph = fetch_graph(client, url)
        pages += 1
        seen += [str(d) for d in graph.objects(URIRef(BASE_URL + "catalog"), DCAT.dataset)]
        nexts = list(graph.objects(URIRef(url), link))
        assert len(nexts) <= 1
        url = str(nexts[0]) if nexts else None
    return seen, pages


def test_following_next_collects_every_dataset_exactly_once(client):
    first = BASE_URL + "catalog?page=1&per_page=2"
    seen, pages = follow_next(client, first)
    assert pages == 3
    assert sorted(seen) == sorted(BASE_URL + "datasets/" + i for i in BUNDLED)
    legacy_seen, _ = follow_next(client, first, link=HYDRA.nextPage)
    assert legacy_seen == seen  # same stable order through the legacy hydra:nextPage


def test_page_describes_its_hydra_view(client):
    graph = fetch_graph(client, "/catalog?page=2&per_page=2")
    catalog = URIRef(BASE_URL + "catalog")
    view = URIRef(BASE_URL + "catalog?page=2&per_page=2")
    assert (catalog, RDF.type, DCAT.Catalog) in graph
    assert (catalog, HYDRA.view, view) in graph
    assert (view, RDF.type, HYDRA.PartialCollectionView) in graph
    assert (view, RDF.type, HYDRA.PagedCollection) in graph
    assert graph.value(catalog, HYDRA.totalItems).toPython() == 6
    for relation, page in ((HYDRA.first, 1), (HYDRA.previous, 1), (HYDRA.next, 3), (HYDRA.last, 3)):
        assert graph.value(view, relation) == URIRef(f"{BASE_URL}catalog?page={page}&per_page=2")
    assert not list(graph.triples((None, URIRef(str(EHDS) + "token"), None)))  # index terms stay private


def test_every_dataset_has_a_catalog_record(client):
    graph = fetch_graph(client, "/catalog?per_page=100")
    for dataset in graph.objects(URIRef(BASE_URL + "catalog"), DCAT.dataset):
        records = list(graph.subjects(URIRef("http://xmlns.com/foaf/0.1/primaryTopic"), dataset))
        assert len(records) == 1
        assert (records[0], RDF.type, DCAT.CatalogRecord) in graph
        assert graph.value(records[0], DCTERMS.modified).datatype == XSD.dateTime


def test_past_the_end_and_bad_paging_are_clear_errors(client):
    response = client.get("/catalog?page=4&per_page=2")
    assert response.status_code == 404 and "past the end" in response.json["message"]
    assert client.get("/catalog?page=0").status_code == 400
    assert "whole number" in client.get("/catalog?page=two").json["message"]
    clamped = fetch_graph(client, "/catalog?per_page=100000")
    view = next(clamped.objects(URIRef(BASE_URL + "catalog"), HYDRA.view))
    assert clamped.value(view, HYDRA.itemsPerPage).toPython() == 500


def test_all_syntaxes_of_a_page_and_a_dataset_are_isomorphic(client):
    for url in ("/catalog?per_page=3", "/datasets/snds"):
        graphs = [fetch_graph(client, url, accept) for accept in SYNTAXES]
        assert len(graphs[0]) > 50
        for other in graphs[1:]:
            assert isomorphic(graphs[0], other), url


def test_suffixes_pick_the_syntax(client):
    for suffix, media_type in (("ttl", "text/turtle"), ("jsonld", "application/ld+json"),
                               ("rdf", "application/rdf+xml"), ("nt", "application/n-triples")):
        for url in (f"/catalog.{suffix}", f"/datasets/oscour.{suffix}"):
            response = client.get(url, headers={"Accept": "text/html"})
            assert response.status_code == 200 and response.mimetype == media_type, url
    assert client.get("/datasets/oscour.pdf").status_code == 404


def test_negotiation_by_accept_with_q_values(client):
    def served(accept):
        headers = {"Accept": accept} if accept is not None else {}
        return client.get("/datasets/snds", headers=headers)

    assert served(None).mimetype == "text/turtle"
    assert served("application/rdf+xml;q=0.5, application/ld+json;q=0.9").mimetype == "application/ld+json"
    assert served("text/html,application/xhtml+xml,*/*;q=0.8").mimetype == "text/html"
    refused = served("application/pdf")
    assert refused.status_code == 406 and "text/turtle" in refused.json["message"]
    head = client.head("/datasets/snds", headers={"Accept": "text/turtle"})
    assert head.status_code == 200 and head.data == b"" and int(head.headers["Content-Length"]) > 1000


def test_declared_integer_datatypes_survive_the_store(client):
    graph = fetch_graph(client, "/datasets/snds")
    values = list(graph.objects(URIRef(BASE_URL + "datasets/snds"), HEALTHDCATAP.numberOfUniqueIndividuals))
    assert values and all(v.datatype == XSD.nonNegativeInteger for v in values)
    assert Literal(65_000_000, datatype=XSD.nonNegativeInteger) in values


def test_keyword_search_and_facets_filter_with_paging_preserved(client):
    graph = fetch_graph(client, "/catalog?q=urgences&per_page=5")
    catalog = URIRef(BASE_URL + "catalog")
    assert {str(d) for d in graph.objects(catalog, DCAT.dataset)} == {BASE_URL + "datasets/oscour"}
    view = next(graph.objects(catalog, HYDRA.view))
    assert "q=urgences" in str(view) and "per_page=5" in str(view)
    theme = "http://publications.europa.eu/resource/authority/data-theme/HEAL"
    by_theme = fetch_graph(client, f"/catalog?theme={theme}&per_page=100")
    assert len(list(by_theme.objects(catalog, DCAT.dataset))) == 6
    none = fetch_graph(client, "/catalog?q=zzzunknownword")
    assert list(none.objects(catalog, DCAT.dataset)) == []
    assert none.value(catalog, HYDRA.totalItems).toPython() == 0


def test_unknown_dataset_is_404_with_message(client):
    response = client.get("/datasets/no-such-thing")
    assert response.status_code == 404
    assert "no-such-thing" in response.json["message"]


def test_page_offers_an_incremental_search_template_harvesters_detect(client):
    from harvesters.dcat import modified_since_template
    from node import rdfio

    body = client.get("/catalog", headers={"Accept": "text/turtle"}).data
    template = modified_since_template(rdfio.parse_triples(body, "text/turtle"))
    # every filter the server accepts is in the template (the old one listed only two: issue 15)
    assert template == (BASE_URL + "catalog{?modified_since,q,theme,publisher,access_rights,health_category,"
                                   "source,page,per_page}", "modified_since")


def test_modified_since_returns_only_later_records(client, node):
    from node.records import publish

    snds = client.get("/datasets/snds.nt").data.decode().replace("/datasets/snds", "/datasets/snds-copy")
    from node import rdfio

    triples = rdfio.parse_triples(snds.encode(), "application/n-triples")
    triples = [t for t in triples if "#record" not in str(t.subject) and "/catalog>" not in str(t.subject)]
    publish(node.store, node.naming, "snds-copy", triples, node.validate, now="2030-01-01T00:00:00Z")
    graph = fetch_graph(client, "/catalog?modified_since=2029-12-31T23:00:00%2B00:00")
    datasets = {str(d) for d in graph.objects(URIRef(BASE_URL + "catalog"), DCAT.dataset)}
    assert datasets == {BASE_URL + "datasets/snds-copy"}
    assert client.get("/catalog?modified_since=yesterday").status_code == 400
