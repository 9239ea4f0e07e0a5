"""What harvesters are served conforms to the official shapes (issue 3, "Done means").

Every page of /catalog (followed through hydra:next, 2 datasets a page) and every dataset IRI,
dereferenced through the Flask test client and through a real `ehds-node serve`:
- each page and each dataset document against DCAT-AP 3.0.1 shapes.ttl + range.ttl;
- each dataset's record graph against the HealthDCAT-AP Release 8 shapes of its access level
  (+ R8 ranges + the DCAT-AP 3.0.0 shapes R8 imports, repaired in memory by
  tests/support/official_shapes.py), and each whole page (catalogue, catalogue records, datasets)
  against the R8 shapes of its datasets' level (the bundled records are all NON_PUBLIC).
Left out (they need the EU vocabulary files as data, which are not vendored): DCAT-AP
mdr-vocabularies.shape.ttl, i.e. the membership of dct:accessRights, dct:format, dcat:mediaType,
dct:language, dcat:theme, dct:accrualPeriodicity, dct:spatial, dct:license, adms:status... in their
EU NALs; and deprecateduris.ttl (warnings on DCAT-AP 1.x/2.x terms). R8's sh:in lists and class
ranges are inline in its files and do run.
"""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, RDF

from tests.conftest import BASE_URL
from tests.conformance_publish.crawl import fetch, flask_get, follow_pages, http_get, listed_datasets
from tests.publish.sample_records import BUNDLED_IDS
from tests.support import official_shapes

pytestmark = pytest.mark.conformance
PER_PAGE = 2


def assert_conforms(graph: Graph, shapes: Graph, what: str) -> None:
    outcome = official_shapes.validate(graph, shapes)
    assert not outcome.violations, f"{what}:\n{outcome.report('Violation')}"


def page_access_level(graph: Graph) -> str:
    """The one access level of a page's datasets (the R8 shapes of one level target every dataset)."""
    levels = {official_shapes.access_level(graph, d) for d in graph.subjects(RDF.type, DCAT.Dataset)}
    assert len(levels) == 1, f"a page mixes access levels {levels}: validate its records per level instead"
    return levels.pop()


def check_node(get, root: str, dcat_ap_301: Graph, r8_shapes) -> None:
    pages = follow_pages(get, root, PER_PAGE)
    datasets = listed_datasets(root, pages)
    assert sorted(datasets) == sorted(URIRef(f"{root}datasets/{i}") for i in BUNDLED_IDS), "each dataset once"
    assert len(pages) == -(-len(BUNDLED_IDS) // PER_PAGE)
    for page in pages:
        assert (URIRef(root + "catalog"), RDF.type, DCAT.Catalog) in page.graph
        assert_conforms(page.graph, dcat_ap_301, f"DCAT-AP 3.0.1, page {page.url}")
        level = page_access_level(page.graph)
        assert_conforms(page.graph, r8_shapes(level), f"HealthDCAT-AP R8 {level}, page {page.url}")
    for dataset in datasets:
        served = fetch(get, str(dataset))  # the dataset IRI itself dereferences
        assert (dataset, RDF.type, DCAT.Dataset) in served.graph
        assert_conforms(served.graph, dcat_ap_301, f"DCAT-AP 3.0.1, {dataset}")
        record = official_shapes.record_graph(served.graph, dataset)
        level = official_shapes.access_level(record, dataset)
        assert_conforms(record, r8_shapes(level), f"HealthDCAT-AP R8 {level}, {dataset}")


def test_pages_and_datasets_through_the_flask_client(client, dcat_ap_301, r8_shapes):
    check_node(flask_get(client, BASE_URL), BASE_URL, dcat_ap_301, r8_shapes)


def test_pages_and_datasets_through_a_running_server(live_node, http, dcat_ap_301, r8_shapes):
    check_node(http_get(http), live_node.root, dcat_ap_301, r8_shapes)


def test_the_shapes_catch_a_broken_page(client, dcat_ap_301):
    """The check above can fail: a page whose catalogue lost its title is rejected."""
    page = fetch(flask_get(client, BASE_URL), BASE_URL + "catalog?per_page=2").graph
    page.remove((URIRef(BASE_URL + "catalog"), URIRef("http://purl.org/dc/terms/title"), None))
    outcome = official_shapes.validate(page, dcat_ap_301)
    assert any("title" in v.path for v in outcome.violations), outcome.report()


def test_the_r8_shapes_catch_a_dataset_without_hdab(client, r8_shapes):
    dataset = URIRef(BASE_URL + "datasets/snds")
    served = fetch(flask_get(client, BASE_URL), str(dataset)).graph
    served.remove((None, URIRef("http://healthdataportal.eu/ns/health#hdab"), None))
    outcome = official_shapes.validate(official_shapes.record_graph(served, dataset), r8_shapes("non-public"))
    assert any("hdab" in v.path for v in outcome.violations), outcome.report()
