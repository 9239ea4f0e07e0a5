"""HTTP to a SPARQL 1.1 server: one pooled session, timeouts, retries on reads, errors as NodeErrors.

Only the standard protocols are spoken (SPARQL 1.1 Protocol for queries and updates, the Graph Store
HTTP Protocol for whole graphs). Reads are idempotent and retried with backoff when the connection
fails or the server answers 502/503/504; an update is sent once (a retried update whose first try
did reach the server could be applied twice). Credentials go only in the Authorization header and
never into a message or a log line.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import requests
from requests.adapters import HTTPAdapter

from node.errors import QueryError, QueryTimeout, StoreError

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
    """The requests Session to one server, with its authentication."""

    def __init__(self, endpoints: Endpoints):
        self.endpoints = endpoints
        self.session = requests.Session()
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=endpoints.pool_size)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.trust_env = False  # no proxy or netrc from the environment: the configured server only
        if endpoints.token:
            self.session.headers["Authorization"] = f"Bearer {endpoints.token}"
        elif endpoints.user is not None:
            self.session.auth = (endpoints.user, endpoints.password or "")

    def read(self, method: str, url: str, *, timeout: float | None = None, stream: bool = False,
             **kwargs) -> requests.Response:
        """An idempotent request (query, graph GET), retried with backoff on transient failures."""
        attempts = self.endpoints.retries + 1
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                response = self.session.request(method, url, timeout=_timeouts(timeout or self.endpoints.timeout),
                                                stream=stream, **kwargs)
            except requests.Timeout:
                raise QueryTimeout(f"the SPARQL server at {url} did not answer within "
                                   f"{timeout or self.endpoints.timeout:g} s") from None
            except requests.RequestException as err:
                if last:
                    raise StoreError(f"cannot reach the SPARQL server at {url}: {_reason(err)}") from None
            else:
                if response.status_code not in _RETRIED_STATUS or last:
                    return _checked(response, url)
                response.close()
            time.sleep(0.1 * 2 ** attempt)
            log.info("retrying a read from %s (attempt %d of %d)", url, attempt + 2, attempts)
        raise AssertionError("unreachable")

    def write(self, url: str, *, timeout: float | None = None, **kwargs) -> requests.Response:
        """A request that changes the store: sent once."""
        try:
            response = self.session.post(url, timeout=_timeouts(timeout or self.endpoints.timeout), **kwargs)
        except requests.Timeout:
            raise StoreError(f"the SPARQL server at {url} did not confirm a write within "
                             f"{timeout or self.endpoints.timeout:g} s; it may or may not be applied") from None
        except requests.RequestException as err:
            raise StoreError(f"cannot reach the SPARQL server at {url}: {_reason(err)}") from None
        return _checked(response, url)

    def close(self) -> None:
        self.session.close()


def _timeouts(seconds: float) -> tuple[float, float]:
    return (min(seconds, 10.0), seconds)  # (connect, read)


def _checked(response: requests.Response, url: str) -> requests.Response:
    """The response when it succeeded; the server's error as the node's error otherwise."""
    status = response.status_code
    if status < 400:
        _refuse_partial(response, url)
        return response
    body = _excerpt(response)
    response.close()
    if status in (401, 403):
        raise StoreError(f"the SPARQL server at {url} refused our credentials (HTTP {status}); "
                         "check store_user/store_password or store_token")
    if status in (400, 422):
        raise QueryError(f"the SPARQL server rejected the request (a syntax error or something it cannot evaluate): {body}")
    if status == 404:
        raise StoreError(f"{url} is not a SPARQL endpoint (HTTP 404); check the store_*_url settings")
    if status in (408, 504) or "timeout" in body.lower():
        raise QueryTimeout(f"the SPARQL server gave up on the request (HTTP {status}): {body}")
    raise StoreError(f"the SPARQL server at {url} failed (HTTP {status}): {body}")


def _refuse_partial(response: requests.Response, url: str) -> None:
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


def _excerpt(response: requests.Response) -> str:
    try:
        text = response.content[:_MESSAGE_CHARS * 4].decode("utf-8", "replace")
    except requests.RequestException:
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
