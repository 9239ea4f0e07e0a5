"""Refusing floods before the request is routed: cheap answers for clients that ignore Retry-After.

Two checks, both before Flask (routing, the protocol reader, templates):
- every route: the client's request rate (node.web.request_rate), a token bucket per client;
- /sparql: whether the client is over its share of the query workers now (node.store.fairness).
Each refusal through Flask would cost the web process about as much as a catalogue page; here it is
a short JSON 429 with Retry-After, and only a client's first refusal in a row is logged.
"""

from __future__ import annotations

import json
import logging

from node.errors import TooManyRequests
from node.store.fairness import client_identity
from node.web.request_rate import RatePolicy, RequestRate

log = logging.getLogger("ehds.http")


def shed_over_share(wsgi_app, ctx, rate: RequestRate | None = None):
    """`wsgi_app` with clients over their request rate, and /sparql requests of clients over their
    query share, answered 429 before routing."""
    settings = ctx.settings
    tokens = (*settings.sparql_client_tokens, settings.api_token or "")
    rate = rate or RequestRate(RatePolicy.from_settings(settings))

    def app(environ, start_response):
        client = client_identity(environ.get("REMOTE_ADDR"), environ.get("HTTP_AUTHORIZATION"), tokens)
        over_rate = rate.check(client)
        if over_rate is not None:
            refused = TooManyRequests(
                f"more than {rate.policy.rate:g} requests per second (bursts of {rate.policy.burst:g}) from this "
                f"client; requests sent while refused count too; retry after {over_rate.retry_after} s",
                retry_after=over_rate.retry_after)
            return _too_many(refused, environ, start_response, logged=over_rate.first)
        if environ.get("PATH_INFO") == "/sparql" and environ.get("REQUEST_METHOD") in ("GET", "POST"):
            refused = ctx.store.query_refusal(client, settings.sparql_timeout)
            if refused is not None:
                return _too_many(refused, environ, start_response)
        return wsgi_app(environ, start_response)

    app.request_rate = rate  # for tests and the operator's introspection
    return app


def _too_many(refused, environ, start_response, logged: bool = True):
    body = json.dumps(refused.to_dict(), ensure_ascii=False).encode()
    start_response("429 Too Many Requests", [
        ("Content-Type", "application/json"), ("Content-Length", str(len(body))),
        ("Retry-After", str(refused.retry_after)), ("Access-Control-Allow-Origin", "*")])
    if logged and log.isEnabledFor(logging.INFO):
        log.info(json.dumps({"event": "request", "method": environ.get("REQUEST_METHOD"),
                             "path": environ.get("PATH_INFO"), "status": 429, "bytes": len(body),
                             "before_routing": True}))
    return [body]
