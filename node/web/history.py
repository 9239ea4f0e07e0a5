"""A record's history: /datasets/<id>/history (its versions), /history/<seq> (one version),
/history/diff?from=&to= (what changed between two).

RDF when no Accept is sent, HTML for browsers (the diff: JSON unless HTML is preferred). A deleted
record's page answers 404, but its history still answers (with the deletion as its newest version)
until retention (`change_retention_days`) prunes the entries.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, request

from node import rdfio
from node.history import diff_pair, diff_versions, parse_sequence, record_history, version
from node.web import history_pages
from node.web.app import node_context
from node.web.rdf_documents import HTML, from_ntriples, media_type_for, rdf_bytes_response, rdf_response

blueprint = Blueprint("history", __name__)
JSON = "application/json"


@blueprint.after_request
def answer_conditional_gets(response: Response) -> Response:
    """Versions never change once written: an ETag lets a client re-read a history cheaply."""
    if request.method in ("GET", "HEAD") and response.status_code == 200 and not response.is_streamed:
        response.add_etag()
        response.make_conditional(request)
    return response


@blueprint.get("/datasets/<record_id>/history")
@blueprint.get("/datasets/<record_id>/history.<suffix>")
def history(record_id: str, suffix: str | None = None):
    ctx = node_context()
    media_type = media_type_for(suffix)
    found = record_history(ctx.store, ctx.naming, record_id)
    if media_type == HTML:
        return history_pages.history_page(ctx, found)
    return rdf_response(history_pages.history_triples(ctx.naming, found), media_type)


@blueprint.get("/datasets/<record_id>/history/<sequence>")
def history_version(record_id: str, sequence: str):
    """One version: its content as published (RDF), or its fields (HTML). A deletion has no content:
    its RDF is the activity itself."""
    ctx = node_context()
    sequence, dot, suffix = sequence.partition(".")
    media_type = media_type_for(suffix if dot else None)
    found = record_history(ctx.store, ctx.naming, record_id)
    entry = version(ctx.store, found, parse_sequence(sequence, "the version in the URL"))
    if media_type == HTML:
        return history_pages.version_page(ctx, found, entry)
    if entry.payload is None:
        return rdf_response(history_pages.version_triples(ctx.naming, found, entry), media_type)
    body = entry.payload.encode()
    return rdf_bytes_response(from_ntriples(body, media_type), media_type)


@blueprint.get("/datasets/<record_id>/history/diff")
def history_diff(record_id: str):
    ctx = node_context()
    media_type = JSON if request.args.get("format") == "json" else \
        rdfio.negotiate_or_406(request.headers.get("Accept"), (JSON, HTML))
    found = record_history(ctx.store, ctx.naming, record_id)
    old, new = diff_pair(ctx.store, found, request.args.get("from", "").strip() or None,
                         request.args.get("to", "").strip() or None)
    diff = diff_versions(old, new)
    if media_type == HTML:
        return history_pages.diff_page(ctx, found, diff)
    body = json.dumps(history_pages.diff_json(found, diff), ensure_ascii=False, indent=1)
    response = Response(body, mimetype=JSON)
    response.vary.add("Accept")
    return response


