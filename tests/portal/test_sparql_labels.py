"""The SPARQL page's result tables show labels with links: /sparql/labels gives, for the IRIs of the rows
shown, the label the node knows (reader's language first) and the node's own page, in one bounded lookup."""

import json

import pytest

from node.web import sparql_labels

BASE = "http://localhost:8080/"


def labels(client, iris, language="en"):
    response = client.post("/sparql/labels", data=json.dumps({"iris": iris}), content_type="application/json",
                           headers={"Accept-Language": language})
    assert response.status_code == 200
    return response.json


def dataset_rows(client):
    query = "SELECT ?d ?p WHERE { ?d a <http://www.w3.org/ns/dcat#Dataset> ; <http://purl.org/dc/terms/publisher> ?p }"
    response = client.post("/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"})
    return response.json["results"]["bindings"]


def test_dataset_and_publisher_get_labels_and_the_nodes_pages(client, settings):
    row = dataset_rows(client)[0]
    dataset, publisher = row["d"]["value"], row["p"]["value"]
    found = labels(client, [dataset, publisher, "http://example.org/unknown"])
    assert found[dataset]["href"].startswith("datasets/") and found[dataset]["label"]
    assert found[publisher]["label"] and found[publisher]["href"] in (publisher, publisher.removeprefix(settings.base_url))
    assert "http://example.org/unknown" not in found
    assert client.get(found[dataset]["href"].join(("/", "")), headers={"Accept": "text/html"}).status_code == 200


def test_the_readers_language_comes_first(client):
    dataset = dataset_rows(client)[0]["d"]["value"]
    english, french = labels(client, [dataset], "en")[dataset], labels(client, [dataset], "fr")[dataset]
    assert english["lang"] == "en" and french["lang"] == "fr" and english["label"] != french["label"]


def test_one_lookup_query_for_all_iris(client, monkeypatch):
    iris = [row["d"]["value"] for row in dataset_rows(client)] + [f"http://example.org/x{i}" for i in range(50)]
    calls = []
    real = sparql_labels.lookup

    def counting(ctx, asked, language):
        original = ctx.store.select

        def select(query, **kw):
            calls.append(query)
            return original(query, **kw)

        monkeypatch.setattr(ctx.store, "select", select)
        return real(ctx, asked, language)

    monkeypatch.setattr(sparql_labels, "lookup", counting)
    labels(client, iris)
    assert len(calls) == 1


def test_bounded_and_hostile_input(client):
    many = [f"http://example.org/x{i}" for i in range(5000)]
    assert labels(client, many) == {}
    for body in (b"not json", b'{"iris": "x"}', b"[1,2]"):
        response = client.post("/sparql/labels", data=body, content_type="application/json")
        assert response.status_code == 400, body
    assert client.post("/sparql/labels", data=b"x" * 600_000, content_type="application/json").status_code in (400, 413)
    injected = ["http://example.org/a> } ; DROP ALL ; SELECT * { <b", "javascript:alert(1)", 42, None]
    assert labels(client, injected) == {}


@pytest.mark.parametrize("tag,rank", [("fr", 0), ("fr-CA", 0), ("en", 1), ("", 2), ("de", 3)])
def test_rank_prefers_the_readers_language(tag, rank):
    assert sparql_labels._rank(tag, "fr") == rank


def test_a_javascript_iri_is_never_a_link(client):
    """Anyone with the token can put any IRI in a graph through /store: the labels must not make it a link."""
    iri = "javascript:alert(1)"
    put = client.put("/store?graph=http://example.org/g", data=f'<{iri}> <http://purl.org/dc/terms/title> "trap" .',
                     content_type="text/turtle", headers={"Authorization": "Bearer test-token"})
    assert put.status_code in (201, 204)
    found = labels(client, [iri])
    assert found[iri]["label"] == "trap" and found[iri]["href"] is None


def test_the_sparql_page_speaks_the_readers_language(client):
    french = client.get("/sparql", headers={"Accept": "text/html", "Accept-Language": "fr"}).get_data(as_text=True)
    assert "Exécuter la requête" in french and "Jeux de données par thème" in french
    assert 'data-rows="%(rows)s lignes en %(seconds)s s"' in french and "Run query" not in french
    english = client.get("/sparql", headers={"Accept": "text/html", "Accept-Language": "en"}).get_data(as_text=True)
    assert "Run query" in english and 'data-rows="%(rows)s rows in %(seconds)s s"' in english
