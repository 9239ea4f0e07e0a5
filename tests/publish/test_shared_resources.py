"""Shared resources stay single (issue 14, finding 3): records that share an agent whose contact point
is a blank node publish one agent with one contact point, so the union of records validates as each
record does; a record that changes a shared agent changes it in every local record."""

from __future__ import annotations

import json

import pyoxigraph as ox
from rdflib import Graph, URIRef

from node.skolem import GENID
from tests.conftest import API_TOKEN, BASE_URL
from tests.publish.sample_records import renamed, turtle

CV = "http://data.europa.eu/m8g/"
CNAM = BASE_URL + "agents/cnam"
CONTACT_POINT = ox.NamedNode(CNAM + "/contact-point")
PUT_HEADERS = {"Content-Type": "text/turtle", "Authorization": f"Bearer {API_TOKEN}"}


def with_blank_contact_point(triples: list[ox.Triple], email: str | None = None) -> list[ox.Triple]:
    """A record whose publisher's contact point is a blank node (as a steward's file often has it)."""
    blank = ox.BlankNode()
    out = []
    for t in triples:
        subject = blank if t.subject == CONTACT_POINT else t.subject
        obj = blank if t.object == CONTACT_POINT else t.object
        out.append(ox.Triple(subject, t.predicate, obj))
    if email:
        out.append(ox.Triple(blank, ox.NamedNode(CV + "email"), ox.Literal(email)))
    return out


def put(client, record_id: str, triples: list[ox.Triple]):
    return client.put(f"/datasets/{record_id}", data=turtle(triples), headers=PUT_HEADERS)


def turtle_of(client, path: str) -> Graph:
    response = client.get(path, headers={"Accept": "text/turtle"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return Graph().parse(data=response.get_data(as_text=True), format="turtle")


def contact_points(graph: Graph) -> list:
    return list(graph.objects(URIRef(CNAM), URIRef(CV + "contactPoint")))


def test_two_records_with_equal_blank_contact_points_publish_one(client, node):
    for record_id in ("shared-a", "shared-b"):
        assert put(client, record_id, with_blank_contact_point(renamed("snds", record_id))).status_code == 201
    page = turtle_of(client, "/catalog?per_page=100")
    [point] = contact_points(page)
    assert str(point).startswith(BASE_URL + GENID)
    report = node.validate(list(_oxigraph(page)))
    assert not [v for v in report.violations if "contact" in v.message.lower()], report.violations


def test_the_union_of_the_records_conforms_like_each_record(client, node):
    for record_id in ("union-a", "union-b"):
        put(client, record_id, with_blank_contact_point(renamed("snds", record_id)))
    alone = node.validate(list(_oxigraph(turtle_of(client, "/datasets/union-a"))))
    union = node.validate(list(_oxigraph(turtle_of(client, "/catalog?per_page=100"))))
    assert alone.conforms and union.conforms, union.violations


def test_a_changed_shared_contact_point_updates_every_local_record(client, node):
    put(client, "first", with_blank_contact_point(renamed("snds", "first"), "old@cnam.example"))
    response = put(client, "second", with_blank_contact_point(renamed("snds", "second"), "new@cnam.example"))
    assert response.status_code == 201
    assert json.loads(response.get_data())["updated"] == ["first", "snds"]
    first = turtle_of(client, "/datasets/first")
    [point] = contact_points(first)
    assert {str(e) for e in first.objects(point, URIRef(CV + "email"))} == {"new@cnam.example"}
    [point] = contact_points(turtle_of(client, "/catalog?per_page=100"))
    changes = [e for e in node.store.changes(1, node.store.last_sequence()) if e.record_id == "first"]
    assert [e.kind for e in changes][-1] == "update"  # the feed tells harvesters the record changed


def test_an_unchanged_shared_agent_rewrites_no_other_record(client, node):
    put(client, "quiet-a", with_blank_contact_point(renamed("snds", "quiet-a")))
    before = node.store.last_sequence()
    response = put(client, "quiet-b", with_blank_contact_point(renamed("snds", "quiet-b")))
    assert "updated" not in json.loads(response.get_data())
    assert node.store.last_sequence() == before + 1


def test_the_skolem_iri_of_a_contact_point_dereferences(client):
    put(client, "deref", with_blank_contact_point(renamed("snds", "deref"), "desk@cnam.example"))
    [point] = contact_points(turtle_of(client, "/datasets/deref"))
    path = str(point)[len(BASE_URL) - 1:]
    described = turtle_of(client, path)
    assert (point, URIRef(CV + "email"), None) in described
    page = client.get(path, headers={"Accept": "text/html"})
    assert page.status_code == 200 and "desk@cnam.example" in page.get_data(as_text=True)
    assert "<h1>Contact point — French National Health Insurance Fund" in page.get_data(as_text=True)
    french = client.get(path, headers={"Accept": "text/html", "Accept-Language": "fr"}).get_data(as_text=True)
    assert "Point de contact — Caisse nationale de l&#39;Assurance Maladie" in french
    assert client.get("/.well-known/genid/0000", headers={"Accept": "text/html"}).status_code == 404


def _oxigraph(graph: Graph):
    return ox.parse(graph.serialize(format="nt"), format=ox.RdfFormat.N_TRIPLES)
