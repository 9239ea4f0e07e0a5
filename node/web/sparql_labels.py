"""Labels for the IRIs of a SPARQL result table (the query page asks after showing a table): for each IRI,
the label the node knows (dct:title, skos:prefLabel, foaf:name; the reader's language first) and where to
link it — the node's own page when it has one (a dataset's record, an agent, a distribution: the IRIs it
mints under base_url, and harvested datasets by their record), else the IRI itself.

Bounded: at most MAX_IRIS IRIs (the rows shown), one SELECT with VALUES for all of them, never one per cell.
"""

from __future__ import annotations

import json

import pyoxigraph as ox
from flask import Blueprint, Response, request

from node.errors import ParseError
from node.web.app import node_context
from node.web.i18n import current_language

blueprint = Blueprint("sparql_labels", __name__)
MAX_IRIS = 500
MAX_BODY = 500_000
_LABELS = ("<http://purl.org/dc/terms/title>", "<http://www.w3.org/2004/02/skos/core#prefLabel>",
           "<http://xmlns.com/foaf/0.1/name>")
_DATASET = "<http://www.w3.org/ns/dcat#Dataset>"


@blueprint.post("/sparql/labels")
def labels():
    """{"iris": [...]} → {iri: {"label", "lang", "href"}} for the IRIs the node knows something about."""
    iris = _read_iris(request.get_data(cache=False)[:MAX_BODY + 1])
    ctx = node_context()
    found = lookup(ctx, iris, current_language())
    response = Response(json.dumps(found, ensure_ascii=False), mimetype="application/json")
    response.vary.update(("Accept-Language", "Cookie"))
    return response


def _read_iris(body: bytes) -> list[ox.NamedNode]:
    if len(body) > MAX_BODY:
        raise ParseError(f"the label request is over {MAX_BODY} bytes; send at most {MAX_IRIS} IRIs")
    try:
        asked = json.loads(body or b"{}").get("iris", [])
    except (ValueError, AttributeError):
        raise ParseError('send JSON: {"iris": ["http://…", …]}') from None
    if not isinstance(asked, list):
        raise ParseError('"iris" must be a list of IRIs')
    iris = []
    for value in dict.fromkeys(v for v in asked if isinstance(v, str)):
        try:
            iris.append(ox.NamedNode(value))
        except ValueError:
            continue  # not an IRI: nothing to label
        if len(iris) == MAX_IRIS:
            break
    return iris


def lookup(ctx, iris: list[ox.NamedNode], language: str) -> dict[str, dict]:
    if not iris:
        return {}
    query = (f"SELECT ?s ?label ?g WHERE {{ VALUES ?s {{ {' '.join(str(i) for i in iris)} }} "
             f"OPTIONAL {{ ?s {'|'.join(_LABELS)} ?label FILTER(isLiteral(?label)) }} "
             f"OPTIONAL {{ GRAPH ?g {{ ?s a {_DATASET} }} }} }}")
    best: dict[str, tuple[int, str, str]] = {}
    pages: dict[str, str] = {}
    for row in ctx.store.select(query):
        iri, label, graph = row["s"].value, row.get("label"), row.get("g")
        if graph is not None and iri not in pages:
            pages[iri] = _record_page(ctx, graph.value)
        if label is not None:
            rank = _rank(label.language or "", language)
            if iri not in best or (rank, label.value) < best[iri][:2]:
                best[iri] = (rank, label.value, label.language or "")
    answer = {}
    for node in iris:
        iri = node.value
        href = _own_page(ctx, iri) or pages.get(iri)
        if iri in best or href:
            _, text, lang = best.get(iri, (0, "", ""))
            answer[iri] = {"label": text, "lang": lang, "href": href or _linkable(iri)}
    return answer


def _rank(tag: str, language: str) -> int:
    """The reader's language first, then English, then no language tag, then any other."""
    tag = tag.lower()
    if tag == language or tag.startswith(language + "-"):
        return 0
    return 1 if tag.startswith("en") else 2 if not tag else 3


def _own_page(ctx, iri: str) -> str | None:
    """IRIs the node mints under base_url are its own pages (datasets, agents, distributions)."""
    base = ctx.naming.base_url
    path = iri[len(base):] if iri.startswith(base) else None
    if path and path.split("/", 1)[0] in ("datasets", "agents", "sources", "catalog"):
        return path.split("#", 1)[0]  # relative to the page's <base>: works behind any proxy prefix
    return None


def _record_page(ctx, graph: str) -> str | None:
    """A harvested or local dataset's record page, from the graph that holds the dataset."""
    base = ctx.naming.base_url
    if not graph.startswith((base + "graph/local/", base + "graph/source/")):
        return None
    return "datasets/" + ctx.naming.record_id_for_graph(graph)


def _linkable(iri: str) -> str | None:
    """Only http(s) IRIs become links: a `javascript:` or `data:` IRI in the store is shown, never followed."""
    return iri if iri.lower().startswith(("http://", "https://")) else None
