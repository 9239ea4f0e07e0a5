"""How the node's RDF documents are chosen and answered (catalogue pages, datasets, agents, history):
the format from a suffix (`.ttl`, `.jsonld`, `.rdf`, `.nt`) or the Accept header, Oxigraph's writers,
JSON-LD compacted with DCAT-AP's terms, and the headers every such answer carries."""

from __future__ import annotations

from flask import Response, request

from node import rdfio
from node.errors import NotFound
from node.jsonld_context import compact_jsonld

HTML = "text/html"
JSON_LD = "application/ld+json"
OFFERED = (*rdfio.RDF_MEDIA_TYPES, HTML)


def media_type_for(suffix: str | None) -> str:
    """`.ttl`, `.jsonld`, `.rdf`, `.nt` pick a syntax; without one, the Accept header does."""
    if suffix is not None:
        syntax = rdfio.syntax_for_suffix(suffix)
        if syntax is None:
            raise NotFound(f"unknown format suffix '.{suffix[:20]}'; use .ttl, .jsonld, .rdf or .nt")
        return syntax.media_type
    return rdfio.negotiate_or_406(request.headers.get("Accept"), OFFERED)


def from_ntriples(ntriples: bytes, media_type: str) -> bytes:
    """Oxigraph's writers; JSON-LD compacted with DCAT-AP's terms (node.jsonld_context)."""
    return compact_jsonld(ntriples) if media_type == JSON_LD else rdfio.from_ntriples(ntriples, media_type)


def rdf_response(triples, media_type: str) -> Response:
    if media_type == JSON_LD:
        return rdf_bytes_response(compact_jsonld(rdfio.serialize(triples, "application/n-triples")), media_type)
    return rdf_bytes_response(rdfio.serialize(triples, media_type), media_type)


def rdf_bytes_response(body: bytes, media_type: str) -> Response:
    response = Response(body, mimetype=media_type)
    response.headers["Vary"] = "Accept"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
