"""RDF catalogue pages are kept as rendered per store generation (node/web/kept.py):
a write is seen at once, and the kept pages stay bounded."""

from rdflib import Graph, URIRef

from node.web.kept import Kept
from tests.conftest import API_TOKEN, BASE_URL
from tests.publish.sample_records import renamed, turtle

HYDRA_TOTAL = URIRef("http://www.w3.org/ns/hydra/core#totalItems")


def total(client) -> int:
    response = client.get("/catalog?per_page=2", headers={"Accept": "text/turtle"})
    return Graph().parse(data=response.get_data(as_text=True), format="turtle").value(
        URIRef(BASE_URL + "catalog"), HYDRA_TOTAL).toPython()


def test_a_write_is_seen_by_the_next_page(client):
    before = total(client)
    assert total(client) == before  # a kept page
    headers = {"Content-Type": "text/turtle", "Authorization": f"Bearer {API_TOKEN}"}
    assert client.put("/datasets/kept-page", data=turtle(renamed("snds", "kept-page")), headers=headers).status_code == 201
    assert total(client) == before + 1
    assert client.delete("/datasets/kept-page", headers=headers).status_code == 204
    assert total(client) == before


def test_kept_pages_are_bounded_in_number_and_bytes():
    pages = Kept(3, max_bytes=100)
    for n in range(5):
        pages.put(("g", n), b"x" * 10)
    assert [pages.get(("g", n)) for n in range(5)] == [None, None, b"x" * 10, b"x" * 10, b"x" * 10]
    pages.put(("big",), b"y" * 60)  # over a quarter of the budget: served, not kept
    assert pages.get(("big",)) is None
    for n in range(5, 9):
        pages.put(("g", n), b"z" * 24)
    kept = [n for n in range(9) if pages.get(("g", n)) is not None]
    assert len(kept) <= 3 and sum(len(pages.get(("g", n))) for n in kept) <= 100


def test_a_dataset_page_is_checked_once_per_store_generation(client, node, monkeypatch):
    """The HTML page's validation and score (two SHACL runs) are kept until the next write."""
    calls = []
    validate = node.validate
    monkeypatch.setattr(node, "validate", lambda triples: calls.append(1) or validate(triples))
    for _ in range(3):
        assert client.get("/datasets/snds", headers={"Accept": "text/html"}).status_code == 200
    assert len(calls) == 1
    headers = {"Content-Type": "text/turtle", "Authorization": f"Bearer {API_TOKEN}"}
    client.put("/datasets/other", data=turtle(renamed("oscour", "other")), headers=headers)
    calls.clear()
    client.get("/datasets/snds", headers={"Accept": "text/html"})
    assert len(calls) == 1  # a new generation: checked again
