"""PUT and load treat the same file the same way: one rule for the dataset IRI (issue 14, finding 7)."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, RDF

from tests.identity.conftest import CANCER_REGISTRY, SECOND_BASE, run_cli

FOREIGN = "https://registry.example.org/datasets/cancer"
FOREIGN_FILE = CANCER_REGISTRY.replace("<> a dcat:Dataset", f"<{FOREIGN}> a dcat:Dataset")
HEADERS = {"Content-Type": "text/turtle", "Authorization": "Bearer second-token"}


def test_put_keeps_a_publisher_own_dataset_iri(second_client):
    response = second_client.put("/datasets/cancer", data=FOREIGN_FILE.encode(), headers=HEADERS)
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.json["dataset"] == FOREIGN
    served = Graph().parse(data=second_client.get("/datasets/cancer", headers={"Accept": "text/turtle"})
                           .get_data(as_text=True), format="turtle")
    assert (URIRef(FOREIGN), RDF.type, DCAT.Dataset) in served


def test_put_refuses_the_iri_of_another_record_and_a_second_record_of_one_dataset(second_client):
    other = CANCER_REGISTRY.replace("<> a dcat:Dataset", f"<{SECOND_BASE}datasets/elsewhere> a dcat:Dataset")
    response = second_client.put("/datasets/here", data=other.encode(), headers=HEADERS)
    assert response.status_code == 422 and "datasets/here" in response.json["message"]
    assert second_client.put("/datasets/cancer", data=FOREIGN_FILE.encode(), headers=HEADERS).status_code == 201
    again = second_client.put("/datasets/cancer-copy", data=FOREIGN_FILE.encode(), headers=HEADERS)
    assert again.status_code == 422 and "already published as record 'cancer'" in again.json["message"]


def test_load_keeps_the_same_iri_as_put(second_config, tmp_path):
    path = tmp_path / "cancer.ttl"
    path.write_text(FOREIGN_FILE)
    result = run_cli("load", "--config", str(second_config), str(path))
    assert result.returncode == 0, result.stderr
    assert f"<{FOREIGN}>" in result.stdout
    again = run_cli("load", "--config", str(second_config), str(path))  # the same record, replaced
    assert again.returncode == 0 and "replaced" in again.stdout, again.stderr


def test_load_writes_records_that_share_a_blank_node(second_config, tmp_path):
    """One file, two datasets sharing a blank-node contact point: both written, in one transaction
    (Oxigraph refuses one update whose graphs share a blank node: each record gets its own)."""
    head, tail = CANCER_REGISTRY.split("<http://registries.example.be/agents/bcr> a foaf:Agent")
    dataset = head.replace("dcat:contactPoint <http://registries.example.be/agents/bcr/contact>",
                           "dcat:contactPoint _:desk")
    first = dataset.replace("<> a dcat:Dataset", "<https://registry.example.org/ds/a> a dcat:Dataset")
    second = dataset.split("\n<> a")[1].replace('"be-cancer-registry"', '"be-second"')
    two = (first + "\n<https://registry.example.org/ds/b> a" + second
           + "<http://registries.example.be/agents/bcr> a foaf:Agent" + tail
           + '_:desk a vcard:Kind ; vcard:fn "Desk" ; vcard:hasEmail <mailto:desk@registries.example.be> .\n')
    path = tmp_path / "two.ttl"
    path.write_text(two)
    result = run_cli("load", "--config", str(second_config), str(path))
    assert result.returncode == 0, result.stderr + two
    assert result.stdout.count("added") == 2, result.stdout
