"""A record's history through the web: versions listed, each retrievable, two compared, after a PUT,
an update and a DELETE through the write API."""

from __future__ import annotations

import json

import pyoxigraph as ox
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF

from tests.conftest import BASE_URL
from tests.publish.sample_records import renamed, retitled, turtle
from tests.publish.test_write_api import AUTH, put

AS = Namespace("https://www.w3.org/ns/activitystreams#")
BROWSER = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"
OLD_TITLE = "French National Health Data System (historical SNDS)"
VCARD_EMAIL = "http://www.w3.org/2006/vcard/ns#hasEmail"
CHANGE_TYPE = "http://purl.org/adms/changetype/"


def put_update_delete(client) -> None:
    assert put(client, "copy", turtle(renamed("snds", "copy"))).status_code == 201
    assert put(client, "copy", turtle(retitled(renamed("snds", "copy"), "Un autre titre"))).status_code == 200
    assert client.delete("/datasets/copy", headers=AUTH).status_code == 204


def history_graph(client, record_id: str) -> Graph:
    response = client.get(f"/datasets/{record_id}/history", headers={"Accept": "text/turtle"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return Graph().parse(data=response.get_data(as_text=True), format="turtle")


def test_the_history_lists_create_update_delete_newest_first(node, client):
    start = node.store.last_sequence()
    put_update_delete(client)
    assert client.get("/datasets/copy").status_code == 404  # the record is gone …
    page = client.get("/datasets/copy/history", headers={"Accept": BROWSER})  # … its history is not
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.index("deleted") < html.index("updated") < html.index("created")
    assert f"datasets/copy/history/{start + 1}" in html and "This record was deleted" in html
    assert "400 days" in html  # how far back it goes (change_retention_days)
    graph = history_graph(client, "copy")
    kinds = {int(graph.value(a, URIRef("https://w3id.org/ehds-node/ns#sequence"))): graph.value(a, RDF.type)
             for a in graph.subjects(AS.object, URIRef(BASE_URL + "datasets/copy"))}
    assert kinds == {start + 1: AS.Create, start + 2: AS.Update, start + 3: AS.Delete}
    assert all(graph.value(a, AS.published) is not None for a in graph.subjects(AS.object, None))
    assert not list(graph.objects(None, PROV.wasGeneratedBy))  # local writes: no harvest run


def test_each_version_is_retrievable_as_published(node, client):
    start = node.store.last_sequence()
    put_update_delete(client)
    dataset = URIRef(BASE_URL + "datasets/copy")
    titles = []
    for sequence in (start + 1, start + 2):
        response = client.get(f"/datasets/copy/history/{sequence}", headers={"Accept": "application/n-triples"})
        assert response.status_code == 200
        titles.append({str(t) for t in Graph().parse(data=response.get_data(as_text=True), format="nt")
                       .objects(dataset, DCTERMS.title)})
    assert OLD_TITLE in titles[0] and "Un autre titre" not in titles[0]
    assert titles[1] == {"Un autre titre"}
    deletion = client.get(f"/datasets/copy/history/{start + 3}.ttl")
    assert (AS.Delete in set(Graph().parse(data=deletion.get_data(as_text=True), format="turtle").objects(None, RDF.type)))
    html = client.get(f"/datasets/copy/history/{start + 1}", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert OLD_TITLE in html and "created" in html


def test_the_diff_names_the_real_titles_added_and_removed(node, client):
    start = node.store.last_sequence()
    assert put(client, "copy", turtle(renamed("snds", "copy"))).status_code == 201
    assert put(client, "copy", turtle(retitled(renamed("snds", "copy"), "Un autre titre"))).status_code == 200
    body = client.get("/datasets/copy/history/diff").get_json()  # default: previous vs current
    assert (body["from"]["sequence"], body["to"]["sequence"]) == (start + 1, start + 2)
    title = next(f for f in body["fields"] if f["field"] == "Title")
    assert title["added"] == ["Un autre titre @en"]
    assert f"{OLD_TITLE} @en" in title["removed"] and len(title["removed"]) == 2  # the English and French titles
    own = [f["field"] for f in body["fields"] if not f["field"].startswith("Catalogue record")]
    assert own == ["Title"]  # besides the node's catalogue record: its change type, and its date if a second passed
    status = next(f for f in body["fields"] if f["field"] == "Catalogue record → adms:status")
    assert (status["added"], status["removed"]) == ([CHANGE_TYPE + "Updated"], [CHANGE_TYPE + "Created"])
    assert (body["added"], body["removed"]) == (sum(len(f["added"]) for f in body["fields"]),
                                                sum(len(f["removed"]) for f in body["fields"]))
    html = client.get(f"/datasets/copy/history/diff?from={start + 1}&to={start + 2}",
                      headers={"Accept": BROWSER, "Accept-Language": "fr"}).get_data(as_text=True)
    assert "Titre" in html and "Un autre titre" in html and OLD_TITLE in html


def test_after_a_delete_the_default_diff_removes_everything(node, client):
    put_update_delete(client)
    body = client.get("/datasets/copy/history/diff").get_json()
    assert body["to"]["kind"] == "delete" and body["added"] == 0
    assert any(f["field"] == "Title" and f["removed"] == ["Un autre titre @en"] for f in body["fields"])


def test_blank_node_parts_are_named_by_their_path_not_their_id(node, client):
    record = renamed("snds", "copy")
    changed = [ox.Triple(t.subject, t.predicate, ox.NamedNode("mailto:steward@example.org"))
               if t.predicate.value == VCARD_EMAIL else t for t in record]
    assert put(client, "copy", turtle(record)).status_code == 201
    assert put(client, "copy", turtle(changed)).status_code == 200
    body = client.get("/datasets/copy/history/diff", headers={"Accept": "application/json"}).get_json()
    emails = [f for f in body["fields"] if f["path"][-1] == VCARD_EMAIL]
    assert [(f["field"], f["removed"], f["added"]) for f in emails] == [
        ("Contact → email", ["mailto:contact@health-data-hub.fr"], ["mailto:steward@example.org"])]
    assert "_:" not in json.dumps(body)
    html = client.get("/datasets/copy/history/diff", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "Contact → email" in html and "steward@example.org" in html


def test_a_sequence_that_is_not_a_version_of_this_record_is_404(node, client):
    assert put(client, "copy", turtle(renamed("snds", "copy"))).status_code == 201
    snds_first = node.store.graph_history(BASE_URL + "graph/local/snds")[0].sequence
    response = client.get(f"/datasets/copy/history/{snds_first}")
    assert response.status_code == 404 and "not a version of dataset 'copy'" in response.get_json()["message"]
    assert client.get(f"/datasets/copy/history/diff?from={snds_first}").status_code == 404
    assert client.get("/datasets/copy/history/99999999").status_code == 404
    for bad in ("/datasets/copy/history/abc", "/datasets/copy/history/-1", "/datasets/copy/history/diff?to=1e3",
                "/datasets/copy/history/" + "9" * 40):
        response = client.get(bad)
        assert response.status_code == 400 and "sequence number" in response.get_json()["message"], bad
    assert client.get("/datasets/never-was/history").status_code == 404
    assert client.get("/datasets/copy/history.nope").status_code == 404


def test_the_dataset_page_links_its_history(client):
    html = client.get("/datasets/snds", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert 'href="datasets/snds/history"' in html
    assert client.get("/datasets/snds/history", headers={"Accept": BROWSER}).status_code == 200


def test_a_record_with_its_changes_pruned_answers_with_an_empty_history(node, client):
    node.store.prune_changes("9999-01-01T00:00:00.000Z")
    response = client.get("/datasets/snds/history", headers={"Accept": BROWSER})
    assert response.status_code == 200 and "No change of this record is kept" in response.get_data(as_text=True)
    graph = history_graph(client, "snds")
    assert graph.value(URIRef(BASE_URL + "datasets/snds/history"), AS.totalItems) == Literal(0)
    assert client.get("/datasets/snds/history/diff").status_code == 404
