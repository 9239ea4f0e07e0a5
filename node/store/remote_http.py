"""HTTP to a SPARQL 1.1 server: pooled connections, timeouts, retries on reads, errors as NodeErrors.

Only the standard protocols are spoken (SPARQL 1.1 Protocol for queries and updates, the Graph Store
HTTP Protocol for whole graphs). Reads are idempotent and retried with backoff when the connection
fails or the server answers 502/503/504; an update is sent once (a retried update whose first try
did reach the server could be applied twice). Credentials go only in the Authorization header and
never into a message or a log line.
"""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlencode

import urllib3
from urllib3 import BaseHTTPResponse
from urllib3.exceptions import HTTPError, NewConnectionError
from urllib3.exceptions import TimeoutError as HttpTimeout

from node.errors import NodeError, QueryError, QueryTimeout, StoreError

log = logging.getLogger("ehds.store.remote")
_RETRIED_STATUS = (502, 503, 504)
_MESSAGE_CHARS = 300  # of a server's error body, quoted in our message


@dataclass(frozen=True)
class Endpoints:
    query_url: str
    update_url: str
    graph_store_url: str | None = None
    user: str | None = None
    password: str | None = None
    token: str | None = None
    timeout: float = 30.0          # seconds for one internal request (connect and each read)
    retries: int = 3               # extra tries of a read after a connection failure or 502/503/504
    pool_size: int = 16            # pooled connections (one per web thread is plenty)

    def __repr__(self) -> str:  # never shows the secrets (settings and errors may be logged)
        return f"Endpoints(query_url={self.query_url!r}, update_url={self.update_url!r})"


class SparqlHttp:
    """Pooled connections to one server (urllib3: requests' sessions cost ~0.17 ms more CPU a request,
    and the node sends several per page), with its authentication."""

    def __init__(self, endpoints: Endpoints):
        self.endpoints = endpoints
        # no proxy or netrc from the environment: the configured server only (urllib3 reads neither)
        self.pool = urllib3.PoolManager(num_pools=4, maxsize=endpoints.pool_size, retries=False)
        self.headers: dict[str, str] = {}
        if endpoints.token:
            self.headers["Authorization"] = f"Bearer {endpoints.token}"
        elif endpoints.user is not None:
            self.headers |= urllib3.make_headers(basic_auth=f"{endpoints.user}:{endpoints.password or ''}")

    def read(self, method: str, url: str, *, timeout: float | None = None, stream: bool = False,
             data=None, headers: dict | None = None, users_query: bool = False) -> BaseHTTPResponse:
        """An idempotent request (query, graph GET), retried with backoff on transient failures. With
        `stream`, the body is read by the caller (node.store.remote_query.read_before) and the
        response closed there. `users_query`: a public /sparql query, whose evaluation error on the
        server (HTTP 500) is the query's (400), not the store failing (503)."""
        with naming_the_server(url):
            return self._read(method, url, timeout, stream, data, headers, users_query)

    def _read(self, method: str, url: str, timeout, stream: bool, data, headers, users_query: bool):
        attempts = self.endpoints.retries + 1
        seconds = timeout or self.endpoints.timeout
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                response = self._send(method, url, data, headers, seconds, stream)
            except NewConnectionError as err:  # (a subclass of ConnectTimeoutError: caught first)
                if last:
                    raise StoreError(f"cannot reach the SPARQL server at {url}: {_reason(err)}") from None
            except HttpTimeout:
                raise QueryTimeout(f"the SPARQL server at {url} did not answer within {seconds:g} s") from None
            except HTTPError as err:
                if last:
                    raise StoreError(f"cannot reach the SPARQL server at {url}: {_reason(err)}") from None
            else:
                if response.status not in _RETRIED_STATUS or last:
                    return _checked(response, url, users_query)
                response.close()
            time.sleep(0.1 * 2 ** attempt)
            log.info("retrying a read from %s (attempt %d of %d)", url, attempt + 2, attempts)
        raise AssertionError("unreachable")

    def write(self, url: str, *, timeout: float | None = None, data: bytes, headers: dict) -> BaseHTTPResponse:
        """A request that changes the store: sent once."""
        with naming_the_server(url):
            return self._write(url, timeout, data, headers)

    def _write(self, url: str, timeout: float | None, data: bytes, headers: dict) -> BaseHTTPResponse:
        seconds = timeout or self.endpoints.timeout
        try:
            response = self._send("POST", url, data, headers, seconds, stream=False)
        except NewConnectionError as err:
            raise StoreError(f"cannot reach the SPARQL server at {url}: {_reason(err)}") from None
        except HttpTimeout:
            raise StoreError(f"the SPARQL server at {url} did not confirm a write within {seconds:g} s; "
                             "it may or may not be applied") from None
        except HTTPError as err:
            raise StoreError(f"cannot reach the SPARQL server at {url}: {_reason(err)}") from None
        return _checked(response, url)

    def _send(self, method: str, url: str, data, headers: dict | None, seconds: float,
              stream: bool) -> BaseHTTPResponse:
        headers = self.headers | (headers or {})
        if data is not None and not isinstance(data, bytes):  # a form: a dict or (name, value) pairs
            data = urlencode(data).encode()
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        return self.pool.request(method, url, body=data, headers=headers, preload_content=not stream,
                                 timeout=urllib3.Timeout(connect=min(seconds, 10.0), read=seconds))

    def close(self) -> None:
        self.pool.clear()


@contextmanager
def naming_the_server(url: str):
    """Errors raised inside name `url`, an address the public must not learn (node.errors)."""
    try:
        yield
    except NodeError as err:
        err.internal_addresses = (*err.internal_addresses, url)
        raise


def _checked(response: BaseHTTPResponse, url: str, users_query: bool = False) -> BaseHTTPResponse:
    """The response when it succeeded; the server's error as the node's error otherwise."""
    status = response.status
    if status < 400:
        _refuse_partial(response, url)
        return response
    body = _excerpt(response)
    response.close()
    if users_query and status == 500 and "timeout" not in body.lower():
        raise QueryError(f"the query cannot be evaluated by the node's SPARQL server (HTTP 500): {body}")
    if status in (401, 403):
        raise StoreError(f"the SPARQL server at {url} refused our credentials (HTTP {status}); "
                         "check store_user/store_password or store_token")
    if status in (400, 422):
        raise QueryError(f"the SPARQL server rejected the request (a syntax error or something it cannot evaluate): {body}")
    if status == 404:
        raise StoreError(f"{url} is not a SPARQL endpoint (HTTP 404); check the store_*_url settings")
    if status == 415:
        raise StoreError(f"the SPARQL server at {url} does not take this kind of request (HTTP 415: {body}); is it "
                         "the endpoint for it? (store_update_url is the server's SPARQL Update endpoint)")
    if status in (408, 504) or "timeout" in body.lower():
        raise QueryTimeout(f"the SPARQL server gave up on the request (HTTP {status}): {body}")
    raise StoreError(f"the SPARQL server at {url} failed (HTTP {status}): {body}")


def _refuse_partial(response: BaseHTTPResponse, url: str) -> None:
    """A 200 that is not the whole answer is an error, never data. Virtuoso cuts a result at its
    ResultSetMaxRows (header X-SPARQL-MaxRows) and, past MaxQueryExecutionTime, returns what it has
    found so far ("anytime query", header X-SQL-State) with status 200."""
    cut_at = response.headers.get("X-SPARQL-MaxRows")
    state = response.headers.get("X-SQL-State")
    if state == "00000":  # Virtuoso also sends its SQL state on success
        state = None
    if cut_at is None and state is None:
        return
    response.close()
    if cut_at is not None:
        raise StoreError(f"the SPARQL server at {url} cut its answer at {cut_at[:20]} rows (Virtuoso: "
                         "ResultSetMaxRows); raise that limit above sparql_max_rows, see docs/deployment.md")
    raise QueryTimeout(f"the SPARQL server stopped the query at its own time limit and sent a partial answer "
                       f"(SQL state {state[:20]}); it is not used")


def _excerpt(response: BaseHTTPResponse) -> str:
    try:
        raw = response.read(_MESSAGE_CHARS * 4) or response.data[:_MESSAGE_CHARS * 4]  # streamed, or read already
        text = raw.decode("utf-8", "replace")
    except HTTPError:
        return "(no readable message)"
    text = " ".join(text.split())
    return text[:_MESSAGE_CHARS] + ("…" if len(text) > _MESSAGE_CHARS else "") or "(no message)"


def _reason(err: Exception) -> str:
    """A connection failure in one line (urllib3 nests the cause several levels deep)."""
    text = str(err)
    for marker in ("Connection refused", "Name or service not known", "timed out", "No route to host"):
        if marker in text:
            return marker.lower()
    return type(err).__name__
