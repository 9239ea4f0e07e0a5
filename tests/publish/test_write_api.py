"""The stewards' write API, as a steward's script would use it: PUT / DELETE /datasets/<id>."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, Namespace

from node.config import Settings
from tests.conftest import API_TOKEN, BASE_URL
from tests.publish.sample_records import HDAB, renamed, retitled, turtle, without

ADMS = Namespace("http://www.w3.org/ns/adms#")
CHANGE_TYPE = Namespace("http://purl.org/adms/changetype/")

AUTH = {"Authorization": f"Bearer {API_TOKEN}"}
TURTLE = {"Content-Type": "text/turtle", **AUTH}


def put(client, record_id, body: bytes, headers=TURTLE):
    return client.put(f"/datasets/{record_id}", data=body, headers=headers)


def served(client, record_id) -> Graph:
    response = client.get(f"/datasets/{record_id}", headers={"Accept": "application/n-triples"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return Graph().parse(data=response.get_data(), format="nt")


def bare_client(tmp_path, **overrides):
    """A node without the bundled catalogue: for requests refused before any validation."""
    from node.context import open_node
    from node.web.app import create_app

    settings = Settings(base_url=BASE_URL, data_dir=tmp_path / "bare", load_bundled_catalogue=False, **overrides)
    ctx = open_node(settings)
    return ctx, create_app(context=ctx).test_client()


def test_no_token_configured_means_writes_are_disabled(tmp_path):
    ctx, client = bare_client(tmp_path, api_token=None)
    try:
        for response in (put(client, "new", turtle(renamed("snds", "new"))), client.delete("/datasets/new", headers=AUTH)):
            assert response.status_code == 403
            assert "EHDS_NODE_API_TOKEN" in response.json["message"]
    finally:
        ctx.close()


def test_wrong_or_missing_token_is_401(client):
    body = turtle(renamed("snds", "new"))
    assert put(client, "new", body, {"Content-Type": "text/turtle", "Authorization": "Bearer nope"}).status_code == 401
    assert put(client, "new", body, {"Content-Type": "text/turtle"}).status_code == 401
    assert client.delete("/datasets/snds", headers={"Authorization": "Basic dGVzdA=="}).status_code == 401
    assert client.get("/datasets/snds").status_code == 200  # nothing was deleted


def test_bad_turtle_is_400_with_the_line(client):
    body = b"@prefix dcat: <http://www.w3.org/ns/dcat#> .\n<> a dcat:Dataset ;\n   dcat:keyword undeclared:term .\n"
    response = put(client, "broken", body)
    assert response.status_code == 400
    assert "line 3" in response.json["message"] and "undeclared" in response.json["message"], response.json
    assert client.get("/datasets/broken").status_code == 404


def test_unknown_content_type_is_415(client):
    response = put(client, "new", b"title: x", {"Content-Type": "application/yaml", **AUTH})
    assert response.status_code == 415
    assert "text/turtle" in response.json["message"]


def test_two_datasets_another_iri_or_no_dataset_is_422(client):
    two = turtle(renamed("snds", "pair") + renamed("oscour", "other"))
    response = put(client, "pair", two)
    assert response.status_code == 422 and "exactly one" in response.json["message"]
    foreign = turtle(renamed("snds", "elsewhere"))
    response = put(client, "here", foreign)
    assert response.status_code == 422 and "datasets/here" in response.json["message"]
    not_a_dataset = b'<> a <http://xmlns.com/foaf/0.1/Document> ; <http://purl.org/dc/terms/title> "x" .'
    response = put(client, "here", not_a_dataset)
    assert response.status_code == 422 and "found 0" in response.json["message"]
    assert client.get("/datasets/pair").status_code == 404 and client.get("/datasets/here").status_code == 404


def test_invalid_record_is_422_with_report_and_previous_version_kept(client):
    before = served(client, "snds")
    response = put(client, "snds", turtle(without(renamed("snds", "snds"), HDAB)))
    assert response.status_code == 422
    body = response.json
    assert "snds" in body["message"] and body.get("report"), body
    assert "hdab" in str(body["report"]), body["report"]
    assert isomorphic(served(client, "snds"), before)


def test_create_replace_delete_cycle(client):
    created = put(client, "copy-of-snds", turtle(renamed("snds", "copy-of-snds")))
    assert created.status_code == 201, created.get_data(as_text=True)
    assert created.headers["Location"] == BASE_URL + "datasets/copy-of-snds"
    dataset = URIRef(BASE_URL + "datasets/copy-of-snds")
    assert (dataset, DCTERMS.title, None) in served(client, "copy-of-snds")

    replaced = put(client, "copy-of-snds", turtle(retitled(renamed("snds", "copy-of-snds"), "Replaced title")))
    assert replaced.status_code == 200, replaced.get_data(as_text=True)
    titles = {str(t) for t in served(client, "copy-of-snds").objects(dataset, DCTERMS.title)}
    assert titles == {"Replaced title"}

    assert client.delete("/datasets/copy-of-snds", headers=AUTH).status_code == 204
    assert client.get("/datasets/copy-of-snds").status_code == 404
    assert client.delete("/datasets/copy-of-snds", headers=AUTH).status_code == 404
    catalogue = client.get("/catalog?per_page=100", headers={"Accept": "application/n-triples"})
    assert str(dataset).encode() not in catalogue.get_data()


def test_relative_iri_body_becomes_the_record(client):
    body = turtle(renamed("oscour", "relative")).replace(f"<{BASE_URL}datasets/relative>".encode(), b"<>")
    assert b"<>" in body
    response = put(client, "relative", body)
    assert response.status_code == 201, response.get_data(as_text=True)
    graph = served(client, "relative")
    assert (URIRef(BASE_URL + "datasets/relative"), DCTERMS.title, None) in graph


def served_lines(client, record_id) -> list[bytes]:
    response = client.get(f"/datasets/{record_id}", headers={"Accept": "application/n-triples"})
    return response.get_data().splitlines()


def test_a_triple_stated_many_times_is_stored_once(client):
    """A graph is a set: 2,000 repeats of a line in the body change nothing in the record."""
    body = turtle(renamed("oscour", "once"))
    assert put(client, "once", body).status_code == 201
    lines = served_lines(client, "once")
    daily = b"<http://publications.europa.eu/resource/authority/frequency/DAILY>"  # oscour's frequency
    repeated = b"\n" + (daily + b" a <http://purl.org/dc/terms/Frequency> .\n") * 2000
    assert put(client, "once", body + repeated).status_code == 200
    again = served_lines(client, "once")
    assert len(again) == len(set(again)) == len(lines)


def test_body_over_the_limit_is_413(tmp_path):
    ctx, client = bare_client(tmp_path, api_token=API_TOKEN, max_body_bytes=2_000)
    try:
        body = turtle(renamed("snds", "big"))
        assert len(body) > 2_000
        assert put(client, "big", body).status_code == 413
        assert client.get("/datasets/big").status_code == 404
    finally:
        ctx.close()


@pytest.fixture
def clock(monkeypatch):
    """Publication times under the test's control (the node stamps records with now_iso())."""
    times = {"now": "2030-01-01T00:00:00Z"}
    monkeypatch.setattr("node.records.now_iso", lambda: times["now"])
    return times


def test_modified_since_returns_only_later_records(client, clock):
    clock["now"] = "2030-01-02T10:00:00Z"
    assert put(client, "early", turtle(renamed("snds", "early"))).status_code == 201
    clock["now"] = "2030-01-03T10:00:00Z"
    assert put(client, "late", turtle(renamed("oscour", "late"))).status_code == 201

    def datasets_since(since):
        response = client.get(f"/catalog?per_page=100&modified_since={since}", headers={"Accept": "application/n-triples"})
        assert response.status_code == 200, response.get_data(as_text=True)
        graph = Graph().parse(data=response.get_data(), format="nt")
        return {str(d).rsplit("/", 1)[1] for d in graph.objects(URIRef(BASE_URL + "catalog"), DCAT.dataset)}

    assert datasets_since("2030-01-03") == {"late"}
    assert datasets_since("2030-01-02T13:00:00%2B02:00") == {"late"}  # 11:00Z: after "early" (10:00Z)
    assert datasets_since("2030-01-02T09:00:00Z") == {"early", "late"}
    assert datasets_since("2030-01-04") == set()
    assert len(datasets_since("2000-01-01")) == 8  # the six bundled records too


def test_an_update_in_the_second_of_the_creation_is_an_update(client, clock):
    """The catalogue record's change type (adms:status) once came from comparing its issued and
    modified dates, which have whole seconds: a PUT that replaced a record within the second it was
    created still said "Created"."""
    record = URIRef(BASE_URL + "datasets/same-second#record")
    assert put(client, "same-second", turtle(renamed("snds", "same-second"))).status_code == 201
    assert set(served(client, "same-second").objects(record, ADMS.status)) == {CHANGE_TYPE.Created}
    assert put(client, "same-second", turtle(retitled(renamed("snds", "same-second"), "Again"))).status_code == 200
    assert set(served(client, "same-second").objects(record, ADMS.status)) == {CHANGE_TYPE.Updated}


def test_any_rdf_syntax_is_accepted_but_remote_contexts_are_not_fetched(client):
    from node import rdfio

    body = rdfio.serialize(renamed("hydro", "hydro-jsonld"), "application/ld+json")
    response = put(client, "hydro-jsonld", body, {"Content-Type": "application/ld+json", **AUTH})
    assert response.status_code == 201, response.get_data(as_text=True)
    remote = b'{"@context": "https://example.org/context.jsonld", "@id": "", "@type": "Dataset"}'
    response = put(client, "remote", remote, {"Content-Type": "application/ld+json", **AUTH})
    assert response.status_code == 400 and "remote contexts" in response.json["message"], response.json


def test_pages_and_documents_answer_conditional_gets_until_they_change(client):
    """A harvester re-reading the catalogue with If-None-Match gets 304 and no body, until a write."""
    urls = ["/catalog", "/catalog?page=1&per_page=2", "/datasets/snds", "/datasets/snds.nt"]
    first = {url: client.get(url, headers={"Accept": "text/turtle"}) for url in urls}
    for url, response in first.items():
        assert response.status_code == 200 and response.headers["ETag"], url
        again = client.get(url, headers={"Accept": "text/turtle", "If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304 and again.get_data() == b"", url
    as_json = client.get("/datasets/snds", headers={"Accept": "application/ld+json",
                                                     "If-None-Match": first["/datasets/snds"].headers["ETag"]})
    assert as_json.status_code == 200  # another representation, another ETag
    body = served(client, "snds").serialize(format="turtle")
    assert "Système national des données" in body
    body = body.replace("Système national des données", "Système National des Données")
    assert put(client, "snds", body.encode()).status_code in (200, 201, 204)
    for url in ("/catalog", "/datasets/snds"):
        changed = client.get(url, headers={"Accept": "text/turtle", "If-None-Match": first[url].headers["ETag"]})
        assert changed.status_code == 200 and changed.headers["ETag"] != first[url].headers["ETag"], url


def test_of_racing_puts_that_create_a_record_one_says_created(node):
    """Eight PUTs of a new record at once all answered 201 "created", while the change log had one
    create and seven updates: each had looked for the record before any of them wrote it."""
    import threading

    import requests

    from node.web.app import create_app
    from tests.sparql.conftest import LiveServer

    server = LiveServer(create_app(context=node), threads=8)
    start, answers = threading.Barrier(8), []

    def put():
        start.wait()
        answers.append(requests.put(server.url + "datasets/race", data=turtle(renamed("snds", "race")), timeout=60,
                                    headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {API_TOKEN}"}))

    threads = [threading.Thread(target=put) for _ in range(8)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        server.stop()
    kinds = [e.kind for e in node.store.changes(1, node.store.last_sequence())
             if e.graph == node.naming.local_graph("race")]
    assert sorted(a.status_code for a in answers) == [200] * 7 + [201], [a.status_code for a in answers]
    assert [a.json()["created"] for a in answers].count(True) == kinds.count("create") == 1


@pytest.mark.parametrize("suffix", ["ttl", "nt", "jsonld", "rdf"])
def test_a_new_record_cannot_take_the_address_of_another_records_document(client, suffix):
    """/datasets/snds.ttl is snds's Turtle, linked from its page: a record 'snds.ttl' would answer there."""
    response = put(client, f"snds.{suffix}", turtle(renamed("oscour", f"snds.{suffix}")))
    assert response.status_code == 422, response.get_data(as_text=True)
    assert f"'.{suffix}'" in response.get_json()["message"]
    document = client.get(f"/datasets/snds.{suffix}").get_data()
    syntax = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdf": "xml"}[suffix]
    datasets = set(Graph().parse(data=document, format=syntax).subjects(DCTERMS.title, None))
    assert URIRef(BASE_URL + "datasets/snds") in datasets
    assert URIRef(BASE_URL + f"datasets/snds.{suffix}") not in datasets
