"""The DCAT-AP Feed (/feed) and /catalog/changes, read as a harvester and a browser would."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from node import feed as feed_module
from tests.publish.sample_records import renamed, retitled, turtle
from tests.publish.test_write_api import AUTH, put

AS = "https://www.w3.org/ns/activitystreams#"
TREE = "https://w3id.org/tree#"
BASE = "http://localhost:8080/"


def quads(client, path, accept="application/trig") -> list[ox.Quad]:
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "Accept" in response.headers["Vary"]
    fmt = {"application/trig": ox.RdfFormat.TRIG, "application/ld+json": ox.RdfFormat.JSON_LD,
           "application/n-quads": ox.RdfFormat.N_QUADS}[accept]
    return list(ox.parse(response.get_data(), format=fmt))


def members(found: list[ox.Quad]) -> dict[str, str]:
    """activity IRI -> its ActivityStreams type."""
    return {q.subject.value: q.object.value.removeprefix(AS) for q in found
            if q.predicate.value.endswith("#type") and q.object.value.startswith(AS)
            and isinstance(q.graph_name, ox.DefaultGraph)}


def relations(found: list[ox.Quad], node: str) -> list[str]:
    heads = {q.object for q in found if q.subject.value == node and q.predicate.value == TREE + "relation"}
    return sorted({q.object.value for q in found if q.subject in heads and q.predicate.value == TREE + "node"})


def test_the_root_describes_the_stream_and_leads_to_the_pages(client):
    root = quads(client, "/feed")
    stream = ox.NamedNode(BASE + "feed")
    assert ox.Quad(stream, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                   ox.NamedNode("https://w3id.org/ldes#EventStream")) in root
    assert ox.Quad(stream, ox.NamedNode("https://w3id.org/ldes#timestampPath"), ox.NamedNode(AS + "published")) in root
    assert relations(root, BASE + "feed/root") == [BASE + "feed/index/1"]
    assert relations(quads(client, "/feed/index/1"), BASE + "feed/index/1") == [BASE + "feed/page/1"]


@pytest.mark.parametrize("accept", ["application/trig", "application/ld+json", "application/n-quads"])
def test_a_page_holds_create_update_delete_with_payloads_in_the_activity_graphs(client, accept):
    assert put(client, "copy", turtle(renamed("snds", "copy"))).status_code == 201
    assert put(client, "copy", turtle(retitled(renamed("snds", "copy"), "Nouveau titre"))).status_code == 200
    assert client.delete("/datasets/copy", headers=AUTH).status_code == 204
    page = quads(client, "/feed/page/1", accept)
    found = members(page)
    assert list(found.values()) == ["Create"] * 6 + ["Create", "Update", "Delete"] or \
        sorted(found.values()) == sorted(["Create"] * 7 + ["Update", "Delete"])
    update = next(a for a, kind in found.items() if kind == "Update")
    payload = [q for q in page if q.graph_name == ox.NamedNode(update)]
    assert any(q.object.value == "Nouveau titre" for q in payload)
    delete = next(a for a, kind in found.items() if kind == "Delete")
    assert {q.subject.value for q in page if q.graph_name == ox.NamedNode(delete)} == {BASE + "datasets/copy"}


def test_full_pages_are_immutable_and_link_to_the_next_the_newest_is_not(client, monkeypatch):
    monkeypatch.setattr(feed_module, "PAGE_SIZE", 4)
    for n in range(3):
        assert put(client, f"c{n}", turtle(renamed("snds", f"c{n}"))).status_code == 201
    first = client.get("/feed/page/1")
    assert "immutable" in first.headers["Cache-Control"]
    assert relations(quads(client, "/feed/index/1"), BASE + "feed/index/1") == [
        BASE + f"feed/page/{n}" for n in (1, 2, 3)]
    assert relations(quads(client, "/feed/page/1"), BASE + "feed/page/1") == []  # reached once, from its index
    newest = client.get("/feed/page/3")
    assert "immutable" not in newest.headers["Cache-Control"] and "max-age=10" in newest.headers["Cache-Control"]
    assert len(members(quads(client, "/feed/page/3"))) == 1  # entries 9 of 9
    assert client.get("/feed/page/4").status_code == 404


def test_relations_carry_time_bounds_so_a_client_can_skip_ranges(client, monkeypatch):
    monkeypatch.setattr(feed_module, "PAGE_SIZE", 2)
    index = quads(client, "/feed/index/1")
    kinds = {q.object.value.removeprefix(TREE) for q in index if q.predicate.value.endswith("#type")
             and q.object.value.startswith(TREE) and "Relation" in q.object.value}
    assert kinds == {"GreaterThanOrEqualToRelation", "LessThanOrEqualToRelation"}
    assert all(q.object.datatype.value.endswith("#dateTime") for q in index if q.predicate.value == TREE + "value")


def test_changes_list_deletions_after_a_sequence_or_a_time(client, node):
    last = node.store.last_sequence()
    assert client.delete("/datasets/hydro", headers=AUTH).status_code == 204
    body = client.get(f"/catalog/changes?since={last}").get_json()
    assert [(c["kind"], c["dataset"]) for c in body["changes"]] == [("delete", BASE + "datasets/hydro")]
    when = body["changes"][0]["published"]
    assert [c["sequence"] for c in client.get(f"/catalog/changes?since={when}").get_json()["changes"]] == [last + 1]
    assert client.get("/catalog/changes?since=2999-01-01T00:00:00Z").get_json()["changes"] == []
    html = client.get(f"/catalog/changes?since={last}", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "datasets/hydro" in html


@pytest.mark.parametrize("since", ["", "yesterday", "2026-13-45", "-1", "9" * 30])
def test_a_bad_since_is_400_with_a_message(client, since):
    response = client.get(f"/catalog/changes?since={since}")
    assert response.status_code == 400
    assert "since" in response.get_json()["message"]


def test_the_feed_in_a_browser_is_a_page(client):
    response = client.get("/feed/page/1", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "datasets/snds/history" in response.get_data(as_text=True)
    assert json.loads(client.get("/catalog/changes?since=0").get_data())["feed"] == BASE + "feed"


def test_the_catalogue_and_the_service_description_link_the_feed(client):
    feed = ox.NamedNode(BASE + "feed")
    see_also = "http://www.w3.org/2000/01/rdf-schema#seeAlso"
    page = list(ox.parse(client.get("/catalog", headers={"Accept": "application/n-triples"}).get_data(),
                         format=ox.RdfFormat.N_TRIPLES))
    assert any(q.subject.value == BASE + "catalog" and q.predicate.value == see_also and q.object == feed for q in page)
    description = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert description.status_code == 200
    assert any(q.predicate.value == see_also and q.object == feed
               for q in ox.parse(description.get_data(), format=ox.RdfFormat.TURTLE))
