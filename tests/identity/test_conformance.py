"""A second node's whole published catalogue, and a rebased HDH node's, conform to the official
DCAT-AP 3.0.1 shapes (shapes.ttl + range.ttl from ../shared): every page, every dataset document
and the export (issue 14, "Done means")."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef

from tests.conformance_publish.crawl import fetch, flask_get, follow_pages, listed_datasets
from tests.identity.conftest import SECOND_BASE, run_cli
from tests.support import official_shapes

pytestmark = pytest.mark.conformance
CV_CONTACT_POINT = URIRef("http://data.europa.eu/m8g/contactPoint")


@pytest.fixture(scope="module")
def dcat_ap_301(ref) -> Graph:
    return official_shapes.load_dcat_ap_301(ref)


def assert_conforms(graph: Graph, shapes: Graph, what: str) -> None:
    outcome = official_shapes.validate(graph, shapes)
    assert not outcome.violations, f"{what}:\n{outcome.report('Violation')}"


def check_published(client, root: str, shapes: Graph, expected: int) -> None:
    get = flask_get(client, root)
    pages = follow_pages(get, root, 2)
    datasets = listed_datasets(root, pages)
    assert len(datasets) == expected
    for page in pages:
        assert_conforms(page.graph, shapes, f"page {page.url}")
    for dataset in datasets:
        assert_conforms(fetch(get, str(dataset)).graph, shapes, str(dataset))


def test_the_second_node_conforms(second_client, second_config, dcat_ap_301, tmp_path):
    check_published(second_client, SECOND_BASE, dcat_ap_301, 1)
    catalogue = fetch(flask_get(second_client, SECOND_BASE), SECOND_BASE + "catalog").graph
    assert "Health Data Hub" not in catalogue.serialize(format="nt")


def test_the_second_node_export_conforms(second_client, second_config, dcat_ap_301, tmp_path):
    second_client.application.config["NODE"].close()  # the CLI opens the store itself
    result = run_cli("export", "--config", str(second_config), "-o", str(tmp_path / "all.ttl"))
    assert result.returncode == 0, result.stderr
    assert_conforms(Graph().parse(tmp_path / "all.ttl"), dcat_ap_301, "export")


def test_a_rebased_node_conforms(tmp_path, dcat_ap_301):
    from node.config import Settings
    from node.context import open_node
    from node.web.app import create_app

    open_node(Settings(data_dir=tmp_path / "data")).close()
    new = "https://hdh.example.fr/ehds/"
    assert run_cli("rebase", new, "--data", str(tmp_path / "data")).returncode == 0
    ctx = open_node(Settings(data_dir=tmp_path / "data", base_url=new))
    try:
        check_published(create_app(context=ctx).test_client(), new, dcat_ap_301, 6)
    finally:
        ctx.close()


SHARED_AGENT_RECORD = """
@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> . @prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix cv: <http://data.europa.eu/m8g/> .
<> a dcat:Dataset ; dct:title "Registry {n}"@en ; dct:description "Registry {n} of the CHU."@en ;
  dct:publisher <https://example.org/agents/chu> ;
  dcat:contactPoint [ a vcard:Kind ; vcard:fn "Registry desk" ; vcard:hasEmail <mailto:registry@chu.example> ] .
<https://example.org/agents/chu> a foaf:Organization ; foaf:name "CHU"@en ;
  cv:contactPoint [ a cv:ContactPoint ; cv:email "desk@chu.example" ] .
"""


def test_records_sharing_an_agent_with_a_blank_contact_point_conform_together(second_client, second_config,
                                                                              dcat_ap_301, tmp_path):
    """Finding 3: each record alone and every page and the export, with an agent shared by records."""
    headers = {"Content-Type": "text/turtle", "Authorization": "Bearer second-token"}
    for n in (1, 2):
        response = second_client.put(f"/datasets/chu-{n}", data=SHARED_AGENT_RECORD.format(n=n).encode(),
                                     headers=headers)
        assert response.status_code == 201, response.get_data(as_text=True)
    check_published(second_client, SECOND_BASE, dcat_ap_301, 3)
    page = fetch(flask_get(second_client, SECOND_BASE), SECOND_BASE + "catalog?per_page=10").graph
    assert len(set(page.objects(URIRef("https://example.org/agents/chu"), CV_CONTACT_POINT))) == 1
    second_client.application.config["NODE"].close()
    result = run_cli("export", "--config", str(second_config), "-o", str(tmp_path / "all.ttl"))
    assert result.returncode == 0, result.stderr
    export = Graph().parse(tmp_path / "all.ttl")
    assert_conforms(export, dcat_ap_301, "export")
    assert len(set(export.objects(URIRef("https://example.org/agents/chu"), CV_CONTACT_POINT))) == 1
