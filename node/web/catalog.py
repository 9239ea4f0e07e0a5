"""Linked-data views of the catalogue and its datasets, negotiated by Accept or suffix.

RDF when no Accept is sent (harvesters), HTML for browsers, 406 for what we cannot produce.
`/catalog.ttl`, `/datasets/<id>.jsonld` … pick a syntax explicitly.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, redirect, request

from node import rdfio
from node.catalog import dataset_ntriples, page_ntriples, parse_page_request, select_page
from node.errors import NotFound
from node.web import harvest_pages, html
from node.web.app import node_context
from node.web.kept import Kept
from node.web.rdf_documents import HTML, from_ntriples, media_type_for, rdf_bytes_response, rdf_response

blueprint = Blueprint("catalog", __name__)
@blueprint.after_request
def answer_conditional_gets(response: Response) -> Response:
    """An ETag of the body on every page and dataset document, so that a harvester re-reading the
    catalogue (If-None-Match) gets 304 and no body for what did not change."""
    if request.method in ("GET", "HEAD") and response.status_code == 200 and not response.is_streamed:
        response.add_etag()
        response.make_conditional(request)
    return response


@blueprint.get("/")
def home():
    return redirect("catalog", code=303)


@blueprint.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page says: point them at the icon."""
    return redirect("static/favicon.svg", code=301)


@blueprint.get("/catalog")
@blueprint.get("/catalog.<suffix>")
def catalog(suffix: str | None = None):
    ctx = node_context()
    media_type = media_type_for(suffix)
    page_request = parse_page_request(request.args, ctx.settings.page_size, ctx.settings.max_page_size)
    if media_type == HTML:
        return html.catalog_page(ctx, select_page(ctx.index, page_request))
    # kept per store generation: harvesters ask for the same few pages again and again, and one costs ~3 ms
    pages = current_app.extensions.setdefault("ehds_rendered_pages", Kept(256, max_bytes=64 * 1024 * 1024))
    key = (ctx.store.generation, page_request, media_type)  # read before the page: never older than its key
    body = pages.get(key)
    if body is None:
        page = select_page(ctx.index, page_request)
        body = pages.put(key, from_ntriples(page_ntriples(ctx.store, ctx.naming, page), media_type))
    return rdf_bytes_response(body, media_type)


@blueprint.get("/datasets/<name>")
def dataset(name: str):
    ctx = node_context()
    record_id, suffix = _split_suffix(ctx, name)
    media_type = media_type_for(suffix)
    ntriples = dataset_ntriples(ctx.store, ctx.naming, record_id)
    if media_type == HTML:
        return html.dataset_page(ctx, record_id, rdfio.ntriples_to_triples(ntriples))
    return rdf_bytes_response(from_ntriples(ntriples, media_type), media_type)


@blueprint.get("/sources/<name>")
def source_catalog(name: str):
    """A harvested source's sub-catalogue (its datasets are listed in /catalog)."""
    from node.harvest.provenance import source_description_graph

    ctx = node_context()
    triples = ctx.store.graph_triples(source_description_graph(ctx.naming, name))
    if not triples:
        raise NotFound(f"no harvested source '{name}'")
    media_type = media_type_for(None)
    if media_type == HTML:
        return harvest_pages.source_page(ctx, name, triples)
    return rdf_response(triples, media_type)


def _split_suffix(ctx, name: str) -> tuple[str, str | None]:
    """`snds.ttl` → ('snds', 'ttl') unless a record is really called 'snds.ttl'."""
    if "." in name:
        stem, suffix = name.rsplit(".", 1)
        if rdfio.syntax_for_suffix(suffix) and not ctx.store.has_graph(ctx.naming.local_graph(name)):
            return stem, suffix
    return name, None
