"""The Flask application: one blueprint per area, one error handler, one log line per request."""

from __future__ import annotations

import json
import logging
import time

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException

from node.config import Settings
from node.context import NodeContext, open_node
from node.errors import NodeError, ValidationFailed
from node.web.shedding import shed_over_share

log = logging.getLogger("ehds.http")


def create_app(settings: Settings | None = None, *, context: NodeContext | None = None) -> Flask:
    if context is None:
        from node.config import load_settings

        context = open_node(settings or load_settings())
    app = Flask(__name__)
    app.config["NODE"] = context
    app.config["MAX_CONTENT_LENGTH"] = context.settings.max_body_bytes
    app.json.sort_keys = False
    from node.web import agents, api, catalog, feed, harvest, history, i18n, oai, sparql, sparql_labels, validate

    for area in (catalog, api, sparql, sparql_labels, harvest, agents, validate, history, feed, oai):
        app.register_blueprint(area.blueprint)
    i18n.install(app)
    _install_error_handlers(app)
    _install_request_log(app)
    app.wsgi_app = shed_over_share(app.wsgi_app, context)
    return app


def _install_error_handlers(app: Flask) -> None:
    @app.errorhandler(NodeError)
    def node_error(err: NodeError):
        return error_response(_for_the_public(err))

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        if wants_html():
            return error_page(err.code, err.description)
        body = {"error": err.name, "message": err.description}
        response = Response(json.dumps(body), status=err.code, mimetype="application/json")
        response.vary.add("Accept")
        return response

    @app.errorhandler(Exception)
    def unexpected(err: Exception):
        log.exception("unexpected error on %s %s", request.method, request.path)
        if wants_html():
            return error_page(500, None)
        body = {"error": "Internal error", "message": "the node failed on this request; the operator's log has details"}
        return Response(json.dumps(body), status=500, mimetype="application/json")


def wants_html() -> bool:
    """A browser (text/html preferred over JSON) gets error pages; API and RDF clients keep JSON bodies."""
    accept = request.accept_mimetypes
    return accept.best_match(("application/json", "text/html")) == "text/html" and \
        accept["text/html"] > accept["application/json"]


def error_page(status: int, message: str | None, retry_after: int | None = None) -> Response:
    from node.web.html import error_page as render

    response = Response(render(status, message), status=status, mimetype="text/html")
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


def _for_the_public(err: NodeError) -> NodeError:
    """The error without the addresses of the node's own SPARQL server that it names (an internal host
    the public has no business knowing); the operator's log keeps the whole message of a server-side
    failure. Only addresses the store layer put there are hidden: replacing them in any message would
    confirm a guess the client wrote into its own request (an Accept header, an IRI)."""
    if not err.internal_addresses:
        return err
    if err.http_status >= 500:
        log.warning(json.dumps({"event": "store error", "path": request.path, "message": err.message[:500]}))
    for url in sorted(set(err.internal_addresses), key=len, reverse=True):
        err.message = err.message.replace(url, "(the node's store)")
    return err


def error_response(err: NodeError) -> Response:
    """JSON by default (HTML for browsers); a failed validation report can also be asked for as Turtle."""
    if isinstance(err, ValidationFailed) and "text/turtle" in request.headers.get("Accept", ""):
        return Response(err.report.to_turtle(), status=err.http_status, mimetype="text/turtle")
    if wants_html():
        return error_page(err.http_status, err.message, err.retry_after)
    body = err.to_dict()
    if isinstance(err, ValidationFailed) and hasattr(err.report, "to_dict"):
        body["report"] = err.report.to_dict()
    response = Response(json.dumps(body, ensure_ascii=False), status=err.http_status, mimetype="application/json")
    if err.retry_after:
        response.headers["Retry-After"] = str(err.retry_after)
    return response


def _install_request_log(app: Flask) -> None:
    @app.before_request
    def start_timer():
        g.started = time.perf_counter()

    @app.after_request
    def log_request(response: Response):
        if not log.isEnabledFor(logging.INFO):
            return response
        elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        log.info(json.dumps({
            "event": "request", "method": request.method, "path": request.path,
            "query": request.query_string.decode(errors="replace")[:300], "status": response.status_code,
            "bytes": response.calculate_content_length(), "ms": round(elapsed, 1),
        }))
        return response


def node_context() -> NodeContext:
    from flask import current_app

    return current_app.config["NODE"]
