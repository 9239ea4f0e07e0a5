"""The W3C SPARQL 1.1 Protocol manifest, run against /sparql. Query tests must all pass; the
update tests that expect an update to succeed do not apply to a read-only endpoint, and are
checked to be refused with 403 instead."""

from urllib.parse import quote

import pyoxigraph as ox
import pytest
from rdflib import Graph, Namespace, RDF
from rdflib.collection import Collection

from tests.conftest import API_TOKEN
from tests.sparql.conftest import make_settings

pytestmark = pytest.mark.conformance
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"
AUTH = {"Authorization": f"Bearer {API_TOKEN}"}
NOT_APPLICABLE = {"update_dataset_default_graph", "update_dataset_default_graphs", "update_dataset_named_graphs",
                  "update_dataset_full", "update_post_form", "update_post_direct", "update_base_uri"}


def protocol_tests(manifest_path):
    graph = Graph().parse(manifest_path, format="turtle")
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    entries = Collection(graph, graph.value(manifest, MF.entries))
    return graph, [(str(entry).rsplit("#", 1)[-1], entry) for entry in entries]


@pytest.fixture(scope="module")
def manifest(ref):
    return protocol_tests(ref("w3c", "sparql", "sparql11", "protocol", "manifest.ttl"))


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from node.context import open_node
    from node.web.app import create_app

    ctx = open_node(make_settings(tmp_path_factory.mktemp("protocol") / "data", load_bundled_catalogue=False,
                                  sparql_union_default_graph=False))
    yield create_app(context=ctx).test_client()
    ctx.close()


def load_graph_data(client, graph, entry, folder):
    for data in graph.objects(entry, UT.graphData):
        name = str(graph.value(data, RDFS.label))
        body = (folder / str(graph.value(data, UT.graph)).rsplit("/", 1)[-1]).read_bytes()
        response = client.put(f"/store?graph={quote(name, safe='')}", data=body,
                              content_type="application/n-triples", headers=AUTH)
        assert response.status_code in (201, 204)


def send(client, graph, request):
    path = str(graph.value(request, HT.absolutePath)).replace("/sparql/", "/sparql", 1)
    headers = {}
    headers_list = graph.value(request, HT.headers)
    for header in (Collection(graph, headers_list) if headers_list else []):
        headers[str(graph.value(header, HT.fieldName))] = str(graph.value(header, HT.fieldValue))
    body_node = graph.value(request, HT.body)
    body = str(graph.value(body_node, CNT.chars)).encode("utf-8") if body_node else None
    if "UTF-16" in headers.get("content-type", ""):
        body = body.decode().encode("utf-16")
    method = str(graph.value(request, HT.methodName))
    return client.open(path, method=method, data=body, headers=headers,
                       content_type=headers.pop("content-type", None))


def check_response(graph, response_node, response, test):
    statuses = {str(s).removeprefix(HTS) for s in graph.objects(response_node, MF.expectedStatus)}
    assert f"{response.status_code // 100}xx" in statuses, (test, response.status_code, response.data[:300])
    fmt = graph.value(response_node, MF.expectedFormat)
    families = {"boolean": ("application/sparql-results",), "tabular": ("application/sparql-results", "text/csv",
                "text/tab-separated-values"), "RDF": ("text/turtle", "application/rdf+xml", "application/n-triples")}
    if fmt is not None:
        assert response.mimetype.startswith(families[str(fmt)]), (test, response.mimetype)
    expected_boolean = graph.value(response_node, MF.expectedBoolean)
    if expected_boolean is not None:
        fmt = ox.QueryResultsFormat.JSON if "json" in response.mimetype else ox.QueryResultsFormat.XML
        assert bool(ox.parse_query_results(response.data, fmt)) is expected_boolean.toPython(), test


def test_protocol_manifest(manifest, client, ref):
    graph, entries = manifest
    folder = ref("w3c", "sparql", "sparql11", "protocol")
    passed = []
    for name, entry in entries:
        load_graph_data(client, graph, entry, folder)
        requests = Collection(graph, graph.value(graph.value(entry, MF.action), HT.requests))
        for request in requests:
            response = send(client, graph, request)
            if name in NOT_APPLICABLE:
                assert response.status_code == 403 and "read-only" in response.json["message"], name
                break  # the follow-up ASK checks the update's effect, which was refused
            check_response(graph, graph.value(request, HT.resp), response, name)
        else:
            passed.append(name)
    print(f"\nW3C SPARQL 1.1 Protocol: {len(passed)} of {len(entries) - len(NOT_APPLICABLE)} applicable tests "
          f"pass; {len(NOT_APPLICABLE)} update tests do not apply (read-only endpoint: refused with 403)")
    assert len(passed) == len(entries) - len(NOT_APPLICABLE)
