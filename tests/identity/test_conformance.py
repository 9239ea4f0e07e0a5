"""A second node's whole published catalogue, and a rebased HDH node's, conform to the official
DCAT-AP 3.0.1 shapes (shapes.ttl + range.ttl from ../shared): every page, every dataset document
and the export (issue 14, "Done means")."""

from __future__ import annotations

import pytest
from rdflib import Graph

from tests.conformance_publish.crawl import fetch, flask_get, follow_pages, listed_datasets
from tests.identity.conftest import SECOND_BASE, run_cli
from tests.support import official_shapes

pytestmark = pytest.mark.conformance


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
