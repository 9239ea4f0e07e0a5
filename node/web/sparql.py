"""The public SPARQL 1.1 endpoint: /sparql (query, service description, HTML editor) and VoID.

The query string goes to Oxigraph untouched except for a row cap and, when it may call a SERVICE,
SPARQL's codepoint unescaping (node.sparql.guard, node.sparql.services); results are serialised
by Oxigraph. CORS is open: any site's browser code may query the catalogue.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from node import rdfio
from node.errors import QueryError
from node.sparql.guard import check_query, explain_syntax_error
from node.store.fairness import client_identity
from node.web import sparql_protocol as protocol
from node.web.app import node_context
from node.web.graph_store import graph_store
from node.web.labels import EXAMPLE_TITLES
from node.web.service_description import description_triples, void_triples
from vocab.namespaces import PREFIXES

blueprint = Blueprint("sparql", __name__)
blueprint.add_url_rule("/store", "graph_store", graph_store, methods=["GET", "PUT", "POST", "DELETE"])
HTML = "text/html"
_TABLE_FILES = {"text/csv": "results.csv", "text/tab-separated-values": "results.tsv"}
_DESCRIPTION_TYPES = (*rdfio.RDF_MEDIA_TYPES, HTML)


@blueprint.after_request
def allow_cross_origin(response: Response) -> Response:
    if request.endpoint == "sparql.graph_store":
        return response  # admin only: no cross-site browser access
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "Content-Type, Content-Length"
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, HEAD, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type, Accept"
        response.headers["Access-Control-Max-Age"] = "86400"
    return response


@blueprint.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def sparql():
    if request.method == "OPTIONS":
        return Response(status=204)
    ctx = node_context()
    settings = ctx.settings
    protocol_request = protocol.read_request(request, settings.sparql_max_query_bytes)
    if protocol_request.query is None:
        return _bare_get(ctx)
    checked = check_query(protocol_request.query, max_bytes=settings.sparql_max_query_bytes,
                          max_rows=settings.sparql_max_rows, service_allowlist=settings.sparql_service_allowlist,
                          base_iri=_endpoint(ctx))
    media_type = protocol.result_media_type(checked.form, request.headers.get("Accept"), protocol_request.format)
    try:
        result = _run(ctx, checked, protocol_request, media_type)
    except QueryError as err:
        raise QueryError(explain_syntax_error(err.message, protocol_request.query)) from None
    response = Response(result.body, mimetype=result.media_type)
    response.headers["Vary"] = "Accept"
    if result.media_type in _TABLE_FILES:  # spreadsheets are saved, not shown: give the file a name
        response.headers["Content-Disposition"] = f'attachment; filename="{_TABLE_FILES[result.media_type]}"'
    return response


def _run(ctx, checked, protocol_request, media_type: str):
    settings = ctx.settings
    return ctx.store.query(
        checked.text, media_type,
        # a FROM names the default graph (SPARQL 1.1 §13.2): the union would override it
        union_default_graph=settings.sparql_union_default_graph and not checked.analysis.dataset_clause,
        default_graphs=protocol_request.default_graphs, named_graphs=protocol_request.named_graphs,
        timeout=settings.sparql_timeout, max_rows=settings.sparql_max_rows,
        # a query with a BASE of its own gets no second one (Virtuoso refuses two: SP030)
        prefixes=_output_prefixes(checked), base_iri=None if checked.analysis.own_base else _endpoint(ctx),
        client=_client(settings),
        sealed=not settings.sparql_service_allowlist,  # no partner endpoint: workers without network
    )


def _client(settings) -> str:
    """Whose share of the query workers this request takes (never the token itself)."""
    tokens = (*settings.sparql_client_tokens, settings.api_token or "")
    return client_identity(request.remote_addr, request.headers.get("Authorization"), tokens)


def _endpoint(ctx) -> str:
    """The service-defined base IRI of the protocol ("MAY be the service endpoint")."""
    return ctx.naming.base_url + "sparql"


def _output_prefixes(checked) -> tuple[tuple[str, str], ...]:
    """Graph answers use the query's prefixes (and ours) so Turtle and RDF/XML stay readable."""
    if checked.form not in ("CONSTRUCT", "DESCRIBE"):
        return ()
    return tuple({**PREFIXES, **checked.analysis.prefixes}.items())


def _bare_get(ctx) -> Response:
    """No query: the HTML editor for browsers, the service description for everyone else."""
    media_type = rdfio.negotiate_or_406(request.headers.get("Accept"), _DESCRIPTION_TYPES)
    if media_type == HTML:
        return Response(render_template("sparql.html", title="SPARQL", base=ctx.naming.base_url, alternates=[],
                                        examples=_examples(), example_titles=EXAMPLE_TITLES), mimetype=HTML)
    response = Response(rdfio.serialize(description_triples(ctx), media_type), mimetype=media_type)
    response.headers["Vary"] = "Accept"
    return response


@blueprint.get("/.well-known/void")
def void():
    ctx = node_context()
    media_type = rdfio.negotiate_or_406(request.headers.get("Accept"), rdfio.RDF_MEDIA_TYPES)
    response = Response(rdfio.serialize(void_triples(ctx), media_type), mimetype=media_type)
    response.headers["Vary"] = "Accept"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _examples() -> list[dict[str, str]]:
    from node.sparql.examples import EXAMPLES

    return [{"title": title, "query": query} for title, query in EXAMPLES]
