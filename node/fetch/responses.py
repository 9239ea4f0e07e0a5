"""Small pure helpers of the Fetcher: URLs for logs and messages, media types, gzip detection, results."""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError, ReadTimeoutError

from node.rdfio import syntax_for_suffix

_SECRET_PARAMS = ("token", "key", "secret", "password", "passwd", "signature", "sig", "auth", "credential")
_GZIP_TYPES = ("application/gzip", "application/x-gzip", "application/octet-stream")


@dataclass(frozen=True)
class FetchResult:
    url: str                     # the URL asked for
    final_url: str               # after redirects (use it as the base IRI)
    status: int
    media_type: str | None       # Content-Type essence; for a .gz body the inner type if the name tells
    body: bytes                  # decoded, decompressed; b"" when not_modified
    etag: str | None
    last_modified: str | None
    not_modified: bool
    elapsed: float               # seconds, redirects and retries included

    @property
    def validators(self) -> dict[str, str]:
        """What to pass back as `validators=` next time for a conditional GET."""
        return {k: v for k, v in (("etag", self.etag), ("last_modified", self.last_modified)) if v}


def redact_url(url: str) -> str:
    """The URL without userinfo and with token-like query values masked, for logs and messages."""
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    query = parse_qsl(parts.query, keep_blank_values=True)
    if any(s in k.lower() for k, _ in query for s in _SECRET_PARAMS):
        masked = [(k, "***" if any(s in k.lower() for s in _SECRET_PARAMS) else v) for k, v in query]
        return urlunsplit((parts.scheme, netloc, parts.path, urlencode(masked, safe=":/[]*,"), parts.fragment))
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def with_query(url: str, params: dict) -> str:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + [(k, str(v)) for k, v in params.items()]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


def conditional_headers(validators: dict | None) -> dict:
    validators = validators or {}
    headers = {}
    if validators.get("etag"):
        headers["If-None-Match"] = validators["etag"]
    if validators.get("last_modified"):
        headers["If-Modified-Since"] = validators["last_modified"]
    return headers


def describe_failure(err: requests.RequestException, timeout: float) -> str:
    cause = err.args[0] if err.args else None
    cause = getattr(cause, "reason", cause)  # urllib3's MaxRetryError wraps the last attempt's error
    timed_out = isinstance(cause, (ConnectTimeoutError, ReadTimeoutError)) and not isinstance(cause, NewConnectionError)
    if isinstance(err, requests.Timeout) or timed_out:
        return f"no answer within timeout ({timeout:g} s)"
    if isinstance(err, requests.ConnectionError):
        return "connection failed (partner unreachable or connection reset)"
    return f"request failed ({type(err).__name__})"


def media_type_of(response) -> str | None:
    essence = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    return essence or None


def looks_gzipped(body: bytes, media_type: str | None, url: str) -> bool:
    """A gzip file served as such (Content-Encoding was already undone by the transport)."""
    gzip_magic = body[:2] == b"\x1f\x8b"
    return gzip_magic and (media_type in _GZIP_TYPES or media_type is None or urlsplit(url).path.endswith(".gz"))


def inner_media_type(url: str) -> str | None:
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    if name.endswith(".gz") and "." in name[:-3]:
        syntax = syntax_for_suffix(name[:-3].rsplit(".", 1)[1])
        return syntax.media_type if syntax else None
    return None


def fetch_result(url, final_url, response, body, started, validators, *, not_modified) -> FetchResult:
    validators = validators or {}
    return FetchResult(
        url=url, final_url=final_url, status=response.status_code, media_type=media_type_of(response), body=body,
        etag=response.headers.get("ETag") or (validators.get("etag") if not_modified else None),
        last_modified=response.headers.get("Last-Modified") or (
            validators.get("last_modified") if not_modified else None),
        not_modified=not_modified, elapsed=time.monotonic() - started)

