"""GET /feed (the DCAT-AP Feed, node.feed) and GET /catalog/changes (the change log after a point).

The feed answers TriG (the default), JSON-LD and N-Quads, and HTML for browsers; /catalog/changes
answers JSON (the default), the same RDF syntaxes and HTML. Both list deletions, which
/catalog?modified_since cannot (it lists live records only).
"""

from __future__ import annotations

import json

import pyoxigraph as ox
from flask import Blueprint, Response, request

from node import rdfio
from node.errors import NotFound, ParseError
from node.feed import PAGE_SIZE, Feed, FeedDocument, member_quads
from node.web.app import node_context
from node.web.html import render
from vocab.namespaces import PREFIXES

blueprint = Blueprint("feed", __name__)
TRIG, JSON_LD, N_QUADS, HTML, JSON = (
    "application/trig", "application/ld+json", "application/n-quads", "text/html", "application/json")
_FORMATS = {TRIG: ox.RdfFormat.TRIG, JSON_LD: ox.RdfFormat.JSON_LD, N_QUADS: ox.RdfFormat.N_QUADS}
_PREFIXES = {**PREFIXES, "as": "https://www.w3.org/ns/activitystreams#", "tree": "https://w3id.org/tree#",
             "ldes": "https://w3id.org/ldes#", "ehds": "https://w3id.org/ehds-node/ns#"}
CHANGES_LIMIT = 500  # entries per /catalog/changes answer (a next link gives the rest)


def _feed() -> Feed:
    ctx = node_context()
    return Feed(ctx.store, ctx.naming.base_url, ctx.settings.change_retention_days)


@blueprint.get("/feed")
@blueprint.get("/feed/root")
def feed_root():
    return _answer(_feed().root(), "root")


@blueprint.get("/feed/index/<int:number>")
def feed_index(number: int):
    return _answer(_found(_feed().index(number), f"no index node {number} in the feed"), "index")


@blueprint.get("/feed/page/<int:number>")
def feed_page(number: int):
    return _answer(_found(_feed().page(number), f"no page {number} in the feed yet"), "page")


@blueprint.get("/catalog/changes")
def catalog_changes():
    ctx = node_context()
    first = _since(ctx.store, request.args.get("since", ""))
    last = min(ctx.store.last_sequence(), first + CHANGES_LIMIT - 1)
    entries = ctx.store.changes(first, last, with_payload=False)
    following = last + 1 if last < ctx.store.last_sequence() else None
    media_type = rdfio.negotiate_or_406(request.headers.get("Accept"), (JSON, TRIG, JSON_LD, N_QUADS, HTML))
    if media_type == HTML:
        return _vary(Response(render("changes.html", entries=entries, following=following,
                                     since=request.args.get("since", "")), mimetype=HTML))
    if media_type == JSON:
        body = {"since": request.args.get("since", ""), "changes": [_as_json(ctx.naming.base_url, e) for e in entries],
                "next": f"{ctx.naming.base_url}catalog/changes?since={following - 1}" if following else None,
                "feed": ctx.naming.base_url + "feed"}
        return _vary(Response(json.dumps(body, ensure_ascii=False), mimetype=JSON))
    feed = _feed()
    quads = [q for e in entries for q in member_quads(ctx.naming.base_url, feed.stream, e)]
    return _vary(Response(_serialized(quads, media_type), mimetype=media_type))


def _since(store, raw: str) -> int:
    """The first entry after `since`: a sequence number (entries after it) or an xsd:dateTime (at or after)."""
    raw = raw.strip()
    if not raw:
        raise ParseError("give ?since= a change's sequence number (e.g. 1200) or a UTC time "
                         "(e.g. 2026-11-01T00:00:00Z); the whole history is the feed at /feed")
    if raw.isdigit() and len(raw) < 19:
        return int(raw) + 1
    moment = _utc(raw)
    return store.first_sequence_at(moment)


def _utc(raw: str) -> str:
    from datetime import datetime, timezone

    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ParseError(f"?since={raw[:40]!r} is neither a sequence number nor an ISO 8601 time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    moment = parsed.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _as_json(base_url: str, entry) -> dict:
    return {"sequence": entry.sequence, "activity": f"{base_url}changes/{entry.sequence}", "kind": entry.kind,
            "dataset": entry.dataset_iri, "published": entry.published, "source": entry.source,
            "run": entry.run, "content_hash": entry.content_hash}


def _found(document: FeedDocument | None, message: str) -> FeedDocument:
    if document is None:
        raise NotFound(message)
    return document


def _answer(document: FeedDocument, kind: str) -> Response:
    media_type = rdfio.negotiate_or_406(request.headers.get("Accept"), (TRIG, JSON_LD, N_QUADS, HTML))
    if media_type == HTML:
        response = Response(_html(document, kind), mimetype=HTML)
    else:
        response = Response(_serialized(document.quads, media_type), mimetype=media_type)
    response.headers["Cache-Control"] = document.cache_control
    response.headers["Access-Control-Allow-Origin"] = "*"
    return _vary(response)


def _serialized(quads, media_type: str) -> bytes:
    if media_type == TRIG:  # prefixes make the feed readable by people too
        return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=_PREFIXES)
    return ox.serialize(quads, format=_FORMATS[media_type])


def _vary(response: Response) -> Response:
    response.vary.add("Accept")
    return response


def _html(document: FeedDocument, kind: str) -> str:
    """A reader's view: the activities of the document and the nodes it links to."""
    from node.store import changelog

    ctx = node_context()
    activities = []
    links = []
    for quad in document.quads:
        if quad.predicate.value == "https://w3id.org/tree#node":
            links.append(quad.object.value)
        if quad.predicate == changelog.AS_OBJECT and isinstance(quad.graph_name, ox.DefaultGraph):
            sequence = changelog.sequence_of(ctx.naming.base_url, quad.subject.value)
            entry = ctx.store.change(sequence, with_payload=False) if sequence else None
            if entry is not None:
                activities.append(entry)
    return render("feed.html", kind=kind, activities=sorted(activities, key=lambda e: e.sequence),
                  links=sorted(set(links), key=_link_order), page_size=PAGE_SIZE)


def _link_order(link: str) -> tuple[str, int]:
    head, _, tail = link.rpartition("/")
    return head, int(tail) if tail.isdigit() else 0
