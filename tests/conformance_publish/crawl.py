"""Walk a node as a linked-data harvester does: follow hydra:next from /catalog, then
dereference every dataset IRI. Works over the Flask test client and over real HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from rdflib import Graph, URIRef
from rdflib.namespace import DCAT

from vocab.namespaces import HYDRA

# get(absolute url, accept) -> (status, content type, body)
Get = Callable[[str, str], tuple[int, str, bytes]]
RDFLIB_FORMATS = {"text/turtle": "turtle", "application/ld+json": "json-ld",
                  "application/rdf+xml": "xml", "application/n-triples": "nt"}
MAX_PAGES = 100


@dataclass(frozen=True)
class Fetched:
    url: str
    graph: Graph


def fetch(get: Get, url: str, accept: str = "text/turtle") -> Fetched:
    status, content_type, body = get(url, accept)
    assert status == 200, f"GET {url} ({accept}): {status} {body[:300]!r}"
    assert content_type.split(";")[0] == accept, f"GET {url}: asked {accept}, got {content_type}"
    return Fetched(url, Graph().parse(data=body, format=RDFLIB_FORMATS[accept]))


def follow_pages(get: Get, root: str, per_page: int) -> list[Fetched]:
    """Every page of /catalog, in order, through hydra:next."""
    pages, url = [], f"{root}catalog?page=1&per_page={per_page}"
    while url:
        assert len(pages) < MAX_PAGES, "hydra:next does not end"
        page = fetch(get, url)
        pages.append(page)
        nexts = list(page.graph.objects(URIRef(url), HYDRA.next))
        assert len(nexts) <= 1, f"{url} has several hydra:next"
        url = str(nexts[0]) if nexts else None
    return pages


def listed_datasets(root: str, pages: list[Fetched]) -> list[URIRef]:
    catalog = URIRef(root + "catalog")
    return [d for page in pages for d in sorted(page.graph.objects(catalog, DCAT.dataset))]


def flask_get(client, root: str) -> Get:
    def get(url: str, accept: str):
        assert url.startswith(root), f"{url} is not under the node's base URL {root}"
        response = client.get("/" + url[len(root):], headers={"Accept": accept})
        return response.status_code, response.content_type, response.get_data()

    return get


def http_get(session) -> Get:
    def get(url: str, accept: str):
        response = session.get(url, headers={"Accept": accept}, timeout=60)
        return response.status_code, response.headers.get("Content-Type", ""), response.content

    return get
