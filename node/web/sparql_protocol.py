"""Reading a SPARQL 1.1 Protocol request: where the query is, which dataset, which result format.

https://www.w3.org/TR/sparql11-protocol/#query-operation — GET with `query=`, POST form, POST
`application/sparql-query` (UTF-8 only); `default-graph-uri` / `named-graph-uri` repeatable.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs

import pyoxigraph as ox
from flask import Request

from node import rdfio
from node.errors import (NotAcceptable, ParseError, PayloadTooLarge, QueryError, QueryRefused,
                         UnsupportedMediaType)

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
RESULT_TYPES = ("application/sparql-results+json", "application/sparql-results+xml",
                "text/csv", "text/tab-separated-values")
BOOLEAN_TYPES = RESULT_TYPES[:2]
GRAPH_TYPES = rdfio.RDF_MEDIA_TYPES  # Turtle first: the default for CONSTRUCT and DESCRIBE
# `format=` (or `output=`) values, as clients such as SPARQLWrapper send them; "json" and "xml"
# mean the results formats for SELECT/ASK and JSON-LD / RDF/XML for CONSTRUCT/DESCRIBE.
RESULT_FORMAT_NAMES = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                       "csv": "text/csv", "tsv": "text/tab-separated-values"}
GRAPH_FORMAT_NAMES = {
    "turtle": "text/turtle", "ttl": "text/turtle", "n3": "text/turtle", "json-ld": "application/ld+json",
    "jsonld": "application/ld+json", "json": "application/ld+json", "xml": "application/rdf+xml",
    "rdf+xml": "application/rdf+xml", "rdfxml": "application/rdf+xml", "rdf-xml": "application/rdf+xml",
    "ntriples": "application/n-triples", "nt": "application/n-triples", "n-triples": "application/n-triples",
}
_RESULT_ALIASES = {"application/json": "application/sparql-results+json",
                   "application/xml": "application/sparql-results+xml", "text/xml": "application/sparql-results+xml",
                   "text/plain": "text/tab-separated-values"}


@dataclass(frozen=True)
class ProtocolRequest:
    query: str | None                 # None: a bare GET (service description or the HTML page)
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]
    format: str | None                # the `format` parameter, if any


def read_request(request: Request, max_bytes: int) -> ProtocolRequest:
    """The query and dataset of a GET or POST; 4xx with a precise message for anything else."""
    params = _multi(request.query_string)
    if request.method == "POST":
        params = _merge(params, _post_params(request, max_bytes))
    if "update" in params:
        raise QueryRefused("this endpoint is read-only: SPARQL Update is not accepted")
    queries = params.get("query", [])
    if len(queries) > 1:
        raise QueryError(f"send exactly one query; this request has {len(queries)} 'query' parameters")
    if not queries and request.method == "POST":
        raise QueryError("a POST to this endpoint must carry a query: a 'query' form field or an "
                         f"'{SPARQL_QUERY}' body (the service description answers a GET without one)")
    formats = params.get("format", []) or params.get("output", [])
    return ProtocolRequest(queries[0] if queries else None, _graph_iris(params, "default-graph-uri"),
                           _graph_iris(params, "named-graph-uri"), formats[0] if formats else None)


def _graph_iris(params: dict[str, list[str]], name: str) -> tuple[str, ...]:
    """The dataset's graph IRIs, each checked by the engine's own IRI parser: 400 naming the bad one."""
    for value in params.get(name, []):
        try:
            ox.NamedNode(value)
        except ValueError as err:
            shown = value[:200].encode("unicode_escape").decode("ascii")
            raise QueryError(f"{name} '{shown}' is not an absolute IRI ({err})") from None
    return tuple(params.get(name, []))


def _post_params(request: Request, max_bytes: int) -> dict[str, list[str]]:
    content_type = (request.mimetype or "").lower()
    if request.content_length is not None and request.content_length > max_bytes + 64 * 1024:
        raise PayloadTooLarge(f"the request body is {request.content_length} bytes; this endpoint accepts "
                              f"queries of at most {max_bytes} bytes")
    if content_type == SPARQL_UPDATE:
        raise QueryRefused("this endpoint is read-only: SPARQL Update is not accepted")
    if content_type == FORM:
        return _multi(_utf8(request.get_data(), "form body").encode())
    if content_type == SPARQL_QUERY:
        charset = request.mimetype_params.get("charset", "utf-8").lower()
        if charset not in ("utf-8", "utf8"):
            raise UnsupportedMediaType(f"send the query as UTF-8 (got charset={charset})")
        return {"query": [_utf8(request.get_data(), "query")]}
    raise UnsupportedMediaType(f"POST a query as '{SPARQL_QUERY}' or as a '{FORM}' form with a 'query' field"
                               + (f", not '{content_type}'" if content_type else " (no Content-Type was sent)"))


def _utf8(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ParseError(f"the {what} is not valid UTF-8 (byte {err.start})") from None


def _multi(raw: bytes) -> dict[str, list[str]]:
    try:
        return parse_qs(raw.decode("utf-8"), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError as err:
        raise ParseError(f"the request parameters are not valid UTF-8 (byte {err.start})") from None


def _merge(first: dict[str, list[str]], second: dict[str, list[str]]) -> dict[str, list[str]]:
    merged = {key: list(values) for key, values in first.items()}
    for key, values in second.items():
        merged.setdefault(key, []).extend(values)
    return merged


def result_media_type(form: str, accept: str | None, format_param: str | None) -> str:
    """The answer's media type: `format=` wins, then Accept (q-values), then the form's default."""
    graph = form in ("CONSTRUCT", "DESCRIBE")
    offered = GRAPH_TYPES if graph else BOOLEAN_TYPES if form == "ASK" else RESULT_TYPES
    if format_param:
        names = GRAPH_FORMAT_NAMES if graph else RESULT_FORMAT_NAMES
        other = RESULT_FORMAT_NAMES if graph else GRAPH_FORMAT_NAMES
        key = format_param.strip().lower()
        chosen = names.get(key, key)
        if chosen in offered:
            return chosen
        if key in other or chosen in (*RESULT_TYPES, *GRAPH_TYPES):
            raise NotAcceptable(f"format '{format_param}' is not available for {form}; use one of {', '.join(offered)}")
        # an unknown name is a client's hint we cannot read: Accept decides
    accept = _with_result_aliases(accept) if offered is not GRAPH_TYPES else accept
    chosen = rdfio.negotiate(accept, offered)
    if chosen is None:
        raise NotAcceptable(f"cannot answer a {form} query as '{accept}'; available: {', '.join(offered)}")
    return chosen


def _with_result_aliases(accept: str | None) -> str | None:
    if not accept:
        return accept
    parts = []
    for item in accept.split(","):
        media_range, sep, params = item.strip().partition(";")
        parts.append(_RESULT_ALIASES.get(media_range.strip().lower(), media_range.strip()) + sep + params)
    return ", ".join(parts)
