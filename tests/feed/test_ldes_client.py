"""A real LDES client nobody here wrote replicates the feed (issue 11 done-means).

`ldes-client` (npm, the reference LDES client) runs against a node served on loopback: from the start,
and again from a point in time. After a PUT, an update and a DELETE, applying what it collected in order
(creates and updates upsert the payload graph, deletes remove) gives exactly the catalogue: the same
datasets, each with the same triples as its /datasets/<id> document. `.ci/run` installs the client and
sets EHDS_LDES_CLIENT; this test fails (never skips) without it.
"""

from __future__ import annotations

import os
import subprocess
import time

import pyoxigraph as ox
import pytest
import requests
from rdflib import Graph
from rdflib.compare import isomorphic

from tests.publish.running_server import running_node

pytestmark = pytest.mark.conformance
AS = "https://www.w3.org/ns/activitystreams#"
TOKEN = "ldes-test-token"


def ldes_client(url: str, *options: str) -> list[ox.Quad]:
    client = os.environ.get("EHDS_LDES_CLIENT")
    assert client and os.path.exists(client), "set EHDS_LDES_CLIENT to the ldes-client binary (.ci/run installs it)"
    done = subprocess.run([client, "-o", "ascending", *options, url], capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    return [quad for line in done.stdout.decode().splitlines() if line.strip() for quad in _quads(line)]


def _quads(line: str) -> list[ox.Quad]:
    """The client prints one quad a line, N-Quads but for Turtle's bare numbers and booleans (N3.js's
    writer). A line N-Quads refuses has such a bare object, so no term has a space: split, and let the
    Turtle parser read the bare literal."""
    try:
        return list(ox.parse(line.encode(), format=ox.RdfFormat.N_QUADS))
    except SyntaxError:
        subject, predicate, bare, *graph = line.rstrip(" .").split(" ")
        literal = next(iter(ox.parse(f"<x:s> <x:p> {bare} .".encode(), format=ox.RdfFormat.TURTLE))).object
        parsed = next(iter(ox.parse(f"{subject} {predicate} <x:o> {' '.join(graph)} .".encode(),
                                    format=ox.RdfFormat.N_QUADS)))
        return [ox.Quad(parsed.subject, parsed.predicate, literal, parsed.graph_name)]


def replay(collected: list[ox.Quad], state: dict[str, set] | None = None) -> dict[str, set]:
    """Apply the members in as:published order: dataset IRI -> its triples (as N-Triples lines)."""
    state = dict(state or {})
    activities = {}
    for quad in collected:
        if isinstance(quad.graph_name, ox.DefaultGraph) and quad.predicate.value == AS + "published":
            activities.setdefault(quad.subject.value, {})["published"] = quad.object.value
        if isinstance(quad.graph_name, ox.DefaultGraph) and quad.predicate.value == AS + "object":
            activities.setdefault(quad.subject.value, {})["object"] = quad.object.value
        if quad.predicate.value.endswith("#type") and quad.object.value.startswith(AS) \
                and isinstance(quad.graph_name, ox.DefaultGraph):
            activities.setdefault(quad.subject.value, {})["kind"] = quad.object.value.removeprefix(AS)
    for iri, activity in sorted(activities.items(), key=lambda a: (a[1]["published"], int(a[0].rsplit("/", 1)[1]))):
        if activity["kind"] == "Delete":
            state.pop(activity["object"], None)
        else:
            state[activity["object"]] = {ox.Triple(q.subject, q.predicate, q.object) for q in collected
                                         if q.graph_name == ox.NamedNode(iri)}
    return state


def catalogue(root: str) -> dict[str, Graph]:
    page = requests.get(root + "catalog?per_page=100", headers={"Accept": "application/n-triples"}, timeout=30)
    datasets = {q.object.value for q in ox.parse(page.content, format=ox.RdfFormat.N_TRIPLES)
                if q.predicate.value == "http://www.w3.org/ns/dcat#dataset"}
    return {iri: Graph().parse(data=requests.get(iri, headers={"Accept": "application/n-triples"}, timeout=30).content,
                               format="nt") for iri in datasets}


def as_graph(triples: set) -> Graph:
    return Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")


def matches(state: dict[str, set], expected: dict[str, Graph]) -> None:
    assert set(state) == set(expected)
    for iri, graph in expected.items():
        assert isomorphic(as_graph(state[iri]), graph), iri


def test_ldes_client_replicates_the_feed_from_the_start_and_from_a_point_in_time(tmp_path, monkeypatch):
    monkeypatch.setenv("EHDS_NODE_API_TOKEN", TOKEN)
    auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/turtle"}
    with running_node(tmp_path / "data") as node:
        root = node.root
        body = requests.get(root + "datasets/hydro.ttl", timeout=30).text.replace("/datasets/hydro", "/datasets/copy")
        assert requests.put(root + "datasets/copy", data=body.encode(), headers=auth, timeout=30).status_code == 201
        first = replay(ldes_client(root + "feed"))
        matches(first, catalogue(root))

        time.sleep(0.01)
        point = requests.get(root + "catalog/changes?since=0", timeout=30).json()["changes"][-1]["published"]
        time.sleep(0.01)
        changed = body.replace('"@en', ' (revised)"@en')
        assert requests.put(root + "datasets/copy", data=changed.encode(), headers=auth, timeout=30).status_code == 200
        assert requests.delete(root + "datasets/snds", headers=auth, timeout=30).status_code == 204

        again = replay(ldes_client(root + "feed"))
        expected = catalogue(root)
        matches(again, expected)
        assert root + "datasets/snds" not in again

        since_point = ldes_client(root + "feed", "--after", point)
        kinds = {q.object.value.removeprefix(AS) for q in since_point
                 if q.predicate.value.endswith("#type") and q.object.value.startswith(AS)}
        assert kinds == {"Update", "Delete"}  # only what happened after the point
        matches(replay(since_point, first), expected)
