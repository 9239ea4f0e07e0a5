"""The one error tree of the node.

Every error the node raises on purpose is a NodeError. Each class knows the HTTP status the
web layer answers with and the exit code the CLI ends with, so that mapping lives here only.
"""

from __future__ import annotations


class NodeError(Exception):
    """Base of all expected errors: a message fit to show to a user, never a traceback."""

    http_status = 500
    exit_code = 2
    title = "Error"
    # addresses of the node's own servers that the message names: the operator's log keeps them,
    # the public gets the message without them (set where the error is raised, never from client text)
    internal_addresses: tuple[str, ...] = ()
    retry_after: int | None = None  # seconds, sent as Retry-After: worth retrying then

    def __init__(self, message: str, *, detail: dict | None = None):
        super().__init__(message)
        self.message = message
        self.detail = detail or {}

    def to_dict(self) -> dict:
        body = {"error": self.title, "message": self.message}
        body.update(self.detail)
        return body


class ConfigError(NodeError):
    """The configuration (file, environment, command line) is wrong."""

    title = "Configuration error"
    exit_code = 2


class ParseError(NodeError):
    """Input could not be parsed; the message says where (line, column) when the parser knows."""

    http_status = 400
    title = "Bad request"


class UnsupportedMediaType(ParseError):
    http_status = 415
    title = "Unsupported media type"


class NotAcceptable(NodeError):
    http_status = 406
    title = "Not acceptable"


class NotFound(NodeError):
    http_status = 404
    title = "Not found"
    exit_code = 2


class Unauthorized(NodeError):
    http_status = 401
    title = "Unauthorized"


class Forbidden(NodeError):
    http_status = 403
    title = "Forbidden"


class Conflict(NodeError):
    """The resource is busy (a harvest of that source is already running)."""

    http_status = 409
    title = "Conflict"


class PayloadTooLarge(NodeError):
    http_status = 413
    title = "Payload too large"


class TooManyResults(PayloadTooLarge):
    """A validation gives more results than the web validator's limit (validate_max_results)."""


class InvalidRecord(NodeError):
    """Parsed, but not a dataset record we can accept (wrong shape of the payload itself)."""

    http_status = 422
    title = "Unprocessable record"
    exit_code = 1


class ValidationFailed(NodeError):
    """The record does not conform to the profile; `report` holds the SHACL results."""

    http_status = 422
    title = "Validation failed"
    exit_code = 1

    def __init__(self, message: str, report, *, detail: dict | None = None):
        super().__init__(message, detail=detail)
        self.report = report


class DocumentUnavailable(NodeError):
    """A document a user named by URL (the web validator) could not be fetched: no answer, too slow, an
    error status. The user's input or the remote server is at fault, not the node."""

    http_status = 422
    title = "Document unavailable"


class QueryError(NodeError):
    """A SPARQL query is malformed or cannot be evaluated."""

    http_status = 400
    title = "Bad query"


class QueryRefused(NodeError):
    """A SPARQL request we will not run (update on the read-only endpoint, SERVICE not allowed)."""

    http_status = 403
    title = "Query refused"


class TooManyRequests(NodeError):
    """A client is over its share (of query workers, of the queue): it should retry later."""

    http_status = 429
    title = "Too many requests"

    def __init__(self, message: str, *, retry_after: int = 1, detail: dict | None = None):
        super().__init__(message, detail=detail)
        self.retry_after = max(1, int(retry_after))


class QueryTimeout(NodeError):
    http_status = 503
    title = "Query timeout"


class ValidationTimeout(NodeError):
    """A validation ran past its time limit (the web validator's validate_seconds); the CLI has none."""

    http_status = 503
    title = "Validation timeout"


class StoreError(NodeError):
    """The store is unavailable or failed (locked by another process, I/O error)."""

    http_status = 503
    title = "Store unavailable"
    exit_code = 3
    retry_after = 10  # seconds: harvesters (OAI-PMH, DCAT-AP Feeds) come back then instead of giving up


class StoreLocked(StoreError):
    """The embedded store is held by another process (a running `serve`): send the work to it instead."""


class HarvestError(NodeError):
    """A partner source could not be harvested; names the source and URL."""

    http_status = 502
    title = "Harvest failed"
    exit_code = 1

    def __init__(self, message: str, *, source: str | None = None, url: str | None = None):
        detail = {k: v for k, v in (("source", source), ("url", url)) if v}
        super().__init__(message, detail=detail)
        self.source = source
        self.url = url


class FetchRefused(HarvestError):
    """A URL we will not fetch: private address, other host, scheme, or over a size limit."""

    http_status = 403
    title = "Fetch refused"
