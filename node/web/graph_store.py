"""Admin SPARQL 1.1 Graph Store HTTP Protocol at /store (bearer token, like the write API).

For operators loading vocabularies or bulk data: GET/PUT/POST/DELETE a graph with `?graph=<IRI>`
or `?default`. Bodies are parsed by the node's safe parser (no remote contexts, no entity
expansion) and written in one transaction. Graphs under `<base>graph/` hold the node's own and
harvested records: they are changed only by publishing and harvesting, which validate and index.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Response, request

from node import rdfio
from node.errors import Forbidden, NotFound, ParseError
from node.rdflimits import ParseLimits
from node.store.base import GraphChange
from node.web.api import require_token
from node.web.app import node_context

DEFAULT = None  # the store's default graph


def _target_graph(ctx) -> str | None:
    graphs = request.args.getlist("graph")
    if "default" in request.args and not graphs:
        return DEFAULT
    if len(graphs) != 1 or not graphs[0] or "default" in request.args:
        raise ParseError("name exactly one graph: /store?graph=<absolute IRI> or /store?default")
    graph = graphs[0]
    try:
        return ox.NamedNode(graph).value  # Oxigraph's IRI parser: absolute IRIs only
    except ValueError:
        raise ParseError(f"graph '{graph[:200]}' is not an absolute IRI") from None


def _check_writable(ctx, graph: str | None) -> None:
    managed = ctx.naming.base_url + "graph/"
    if graph is not None and graph.startswith(managed):
        raise Forbidden(f"graphs under {managed} are the node's records: change them with PUT /datasets/<id> "
                        "or a harvest, which validate and index them")


def graph_store():
    """The view for /store (registered on the sparql blueprint, see node.web.sparql)."""
    ctx = node_context()
    require_token(ctx)
    graph = _target_graph(ctx)
    if request.method == "GET":
        return _get(ctx, graph)
    _check_writable(ctx, graph)
    if request.method == "DELETE":
        if not _exists(ctx, graph):
            raise NotFound(f"no graph <{graph}> in the store")
        _write(ctx, graph, None, replace=True)
        return Response(status=204)
    triples = _body_triples(graph)
    existed = _exists(ctx, graph)
    _write(ctx, graph, triples, replace=request.method == "PUT")
    return Response(status=204 if existed else 201)


def _get(ctx, graph: str | None) -> Response:
    media_type = rdfio.negotiate_or_406(request.headers.get("Accept"), rdfio.RDF_MEDIA_TYPES)
    if graph is DEFAULT:
        triples = ctx.store.default_graph_triples()
    elif ctx.store.has_graph(graph):
        triples = ctx.store.graph_triples(graph)
    else:
        raise NotFound(f"no graph <{graph}> in the store")
    return Response(rdfio.serialize(triples, media_type), mimetype=media_type)


def _exists(ctx, graph: str | None) -> bool:
    if graph is DEFAULT:
        return bool(ctx.store.default_graph_triples())
    return ctx.store.has_graph(graph)


def _body_triples(graph: str | None) -> list[ox.Triple]:
    if not request.content_type:
        raise ParseError("send the graph with a Content-Type: " + ", ".join(rdfio.RDF_MEDIA_TYPES))
    return rdfio.parse_triples(request.get_data(), request.content_type, base_iri=graph or request.base_url,
                               limits=ParseLimits.of(node_context().settings))


def _write(ctx, graph: str | None, triples: list[ox.Triple] | None, *, replace: bool) -> None:
    """PUT replaces, POST merges, DELETE (triples None) removes; one transaction each."""
    if graph is DEFAULT:
        ctx.store.write_default_graph(triples or [], replace=replace)
        return
    if not replace and triples is not None:
        triples = ctx.store.graph_triples(graph) + triples
    ctx.store.apply([GraphChange(graph, tuple(triples) if triples is not None else None)])
