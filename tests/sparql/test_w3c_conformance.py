"""W3C SPARQL 1.0 + 1.1 query-evaluation tests: data loaded through /store (Graph Store Protocol),
queries asked through /sparql, against pyoxigraph called directly on the same data in the same run.
The endpoint must pass every test pyoxigraph passes."""

from urllib.parse import quote

import pyoxigraph as ox
import pytest

from tests.conftest import API_TOKEN
from tests.sparql import w3c_suite as suite
from tests.sparql.conftest import make_settings

pytestmark = pytest.mark.conformance
AUTH = {"Authorization": f"Bearer {API_TOKEN}"}
ACCEPT = {"Accept": "application/sparql-results+json, application/n-triples"}


@pytest.fixture(scope="module")
def w3c_tests(ref):
    root = ref("w3c", "sparql")
    tests = (suite.evaluation_tests(root / "sparql10" / "manifest-evaluation.ttl")
             + suite.evaluation_tests(root / "sparql11" / "manifest-sparql11-query.ttl"))
    assert len(tests) > 450
    return tests


@pytest.fixture(scope="module")
def empty_node_client(tmp_path_factory):
    from node.context import open_node
    from node.web.app import create_app

    ctx = open_node(make_settings(tmp_path_factory.mktemp("w3c") / "data", load_bundled_catalogue=False,
                                  sparql_union_default_graph=False))
    yield create_app(context=ctx).test_client()
    ctx.close()


def direct(test: suite.EvaluationTest):
    store = ox.Store()
    for path in test.data:
        store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in suite.read_triples(path))
    for path in test.graph_data:
        graph = ox.NamedNode(suite.iri(path))
        store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in suite.read_triples(path))
    return suite.actual_answer(store.query(test.query.read_text("utf-8"), base_iri=suite.iri(test.query)))


def through_endpoint(client, test: suite.EvaluationTest):
    targets = [("default", test.data)] + [(f"graph={quote(suite.iri(p), safe='')}", (p,)) for p in test.graph_data]
    for target, paths in targets:
        triples = [t for path in paths for t in suite.read_triples(path)]
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        response = client.put(f"/store?{target}", data=body, content_type="application/n-triples", headers=AUTH)
        assert response.status_code in (201, 204), response.data
    try:
        query = f"BASE <{suite.iri(test.query)}>\n" + test.query.read_text("utf-8")
        response = client.post("/sparql", data={"query": query}, headers=ACCEPT)
        if response.status_code != 200:
            raise ValueError(response.json["message"])
        if response.mimetype == "application/n-triples":
            return list(ox.parse(response.data, format=ox.RdfFormat.N_TRIPLES))
        return suite.actual_answer(ox.parse_query_results(response.data, format=ox.QueryResultsFormat.JSON))
    finally:
        for target, _ in targets:
            client.delete(f"/store?{target}", headers=AUTH)


def passes(run, test) -> bool:
    try:
        return suite.same_answer(suite.expected_answer(test.result), run(test))
    except (SyntaxError, ValueError, OSError, TypeError):
        return False


def test_endpoint_passes_every_evaluation_test_pyoxigraph_passes(w3c_tests, empty_node_client):
    direct_passed = {t.name for t in w3c_tests if passes(direct, t)}
    ours_passed = {t.name for t in w3c_tests if passes(lambda test: through_endpoint(empty_node_client, test), t)}
    print(f"\nW3C SPARQL 1.0+1.1 query evaluation: {len(w3c_tests)} tests; pyoxigraph direct passes "
          f"{len(direct_passed)}, /sparql passes {len(ours_passed)}")
    print(f"only through /sparql: {sorted(ours_passed - direct_passed)}")
    missing = sorted(direct_passed - ours_passed)
    assert not missing, f"{len(missing)} tests pass with pyoxigraph but not through /sparql: {missing[:20]}"
    assert len(ours_passed) >= len(direct_passed)
