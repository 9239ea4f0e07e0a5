"""PUT and `load` treat the same file the same way (issue 14, finding 7): a dataset IRI outside the node's
base is the publisher's and is kept; one under the base must be the record's own."""

import pyoxigraph as ox

from node.context import load_records
from tests.conftest import API_TOKEN
from tests.publish.sample_records import bundled_record, turtle

FOREIGN = "https://registry.example.org/datasets/cancer-2024"


def foreign_record() -> bytes:
    old = next(t.subject for t in bundled_record("snds") if t.subject.value.endswith("/datasets/snds"))
    new = ox.NamedNode(FOREIGN)

    def swap(term):
        return new if term == old else term

    return turtle([ox.Triple(swap(t.subject), t.predicate, swap(t.object)) for t in bundled_record("snds")])


def test_put_keeps_a_foreign_dataset_iri_like_load(client, node):
    response = client.put("/datasets/cancer-2024", data=foreign_record(), headers={
        "Authorization": f"Bearer {API_TOKEN}", "Content-Type": "text/turtle"})
    assert response.status_code == 201, response.json
    assert response.json["dataset"] == FOREIGN
    page = client.get("/datasets/cancer-2024", headers={"Accept": "application/n-triples"}).data.decode()
    assert f"<{FOREIGN}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/ns/dcat#Dataset>" in page
    from node import rdfio

    (loaded,) = load_records(node, rdfio.parse_triples(foreign_record(), "text/turtle"), source="file.ttl")
    assert loaded.dataset_iri == FOREIGN
