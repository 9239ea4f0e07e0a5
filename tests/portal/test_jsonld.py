"""JSON-LD answers carry a compact @context (DCAT-AP terms) and parse back to the same graph."""

import json

from rdflib import Graph
from rdflib.compare import isomorphic


def test_compact_jsonld_round_trips_to_the_same_graph(client):
    for url in ("/catalog?per_page=100", "/datasets/snds", "/agents/cnam", "/datasets/snds/distributions/portal"):
        compacted = client.get(url, headers={"Accept": "application/ld+json"})
        document = json.loads(compacted.data)
        assert document["@context"]["title"] == "dct:title" and document["@context"]["dct"] == "http://purl.org/dc/terms/", url
        assert "http://purl.org/dc/terms/title" not in compacted.get_data(as_text=True), url  # terms, not full IRIs
        reference = client.get(url, headers={"Accept": "application/n-triples"}).data
        assert isomorphic(Graph().parse(data=compacted.data, format="json-ld"),
                          Graph().parse(data=reference, format="nt")), url
