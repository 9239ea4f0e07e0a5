"""Refusing a SPARQL client over its share before the request is routed.

A client that ignores Retry-After keeps sending queries it will be refused; each refusal through
Flask (routing, the protocol reader, the guard's parse) costs the web process about as much as a
catalogue page. This WSGI layer asks the query workers' admission (node.store.fairness) whether the
client is over its share now and, if so, answers the same 429 with Retry-After at once.
"""

from __future__ import annotations

import json
import logging

from node.store.fairness import client_identity

log = logging.getLogger("ehds.http")


def shed_over_share(wsgi_app, ctx):
    """`wsgi_app` with /sparql requests of clients over their share answered 429 before routing."""
    tokens = (*ctx.settings.sparql_client_tokens, ctx.settings.api_token or "")

    def app(environ, start_response):
        if environ.get("PATH_INFO") == "/sparql" and environ.get("REQUEST_METHOD") in ("GET", "POST"):
            client = client_identity(environ.get("REMOTE_ADDR"), environ.get("HTTP_AUTHORIZATION"), tokens)
            refused = ctx.store.query_refusal(client, ctx.settings.sparql_timeout)
            if refused is not None:
                return _too_many(refused, environ, start_response)
        return wsgi_app(environ, start_response)

    return app


def _too_many(refused, environ, start_response):
    body = json.dumps(refused.to_dict(), ensure_ascii=False).encode()
    start_response("429 Too Many Requests", [
        ("Content-Type", "application/json"), ("Content-Length", str(len(body))),
        ("Retry-After", str(refused.retry_after)), ("Access-Control-Allow-Origin", "*")])
    if log.isEnabledFor(logging.INFO):
        log.info(json.dumps({"event": "request", "method": environ.get("REQUEST_METHOD"), "path": "/sparql",
                             "status": 429, "bytes": len(body), "before_routing": True}))
    return [body]
