"""Round trip: what /datasets/<id> serves is exactly what the bundled file says about the dataset.

The bundled file is parsed with rdflib (base http://localhost:8080/, as the node loads it); each
dataset's description is cut with the test support's own record_graph (not the node's code). The
served document, minus the dcat:CatalogRecord and the catalogue links the node adds, must be
isomorphic to it in every syntax, so datatypes such as xsd:nonNegativeInteger survive the store.
"""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import DCAT, DCTERMS, XSD

from tests.conftest import BASE_URL
from tests.conformance_publish.crawl import RDFLIB_FORMATS
from tests.publish.sample_records import BUNDLED_IDS, bundled_bytes
from tests.support.official_shapes import record_graph
from vocab.namespaces import ADMS

pytestmark = pytest.mark.conformance
CATALOG = URIRef(BASE_URL + "catalog")


@pytest.fixture(scope="module")
def bundled() -> Graph:
    return Graph().parse(data=bundled_bytes(), format="turtle", publicID=BASE_URL)


def without_node_additions(graph: Graph, record_id: str) -> Graph:
    record = URIRef(f"{BASE_URL}datasets/{record_id}#record")
    # the record's profile (dct:conformsTo) and change type (adms:status) are described by the node too
    described = set(graph.objects(record, DCTERMS.conformsTo)) | set(graph.objects(record, ADMS.status))
    kept = Graph()
    for triple in graph:
        subject, predicate, _ = triple
        if subject == record or subject in described or (subject == CATALOG and predicate in (DCAT.dataset, DCAT.record)):
            continue
        kept.add(triple)
    return kept


def difference(expected: Graph, got: Graph) -> str:
    _, only_expected, only_got = graph_diff(to_isomorphic(expected), to_isomorphic(got))
    lines = [f"- {t}" for t in sorted(only_expected)][:10] + [f"+ {t}" for t in sorted(only_got)][:10]
    return "\n".join(lines)


@pytest.mark.parametrize("record_id", BUNDLED_IDS)
def test_served_dataset_is_the_bundled_description(client, bundled, record_id):
    expected = record_graph(bundled, URIRef(f"{BASE_URL}datasets/{record_id}"))
    assert len(expected) > 40
    for media_type, rdflib_format in RDFLIB_FORMATS.items():
        response = client.get(f"/datasets/{record_id}", headers={"Accept": media_type})
        assert response.status_code == 200
        got = without_node_additions(Graph().parse(data=response.get_data(), format=rdflib_format), record_id)
        assert isomorphic(expected, got), f"{record_id} as {media_type}:\n{difference(expected, got)}"


def test_the_round_trip_covers_derived_integer_datatypes(bundled):
    """The comparison above is only a guard if the bundled file uses the types Oxigraph rewrites."""
    typed = {o.datatype for o in bundled.objects() if getattr(o, "datatype", None)}
    assert XSD.nonNegativeInteger in typed
