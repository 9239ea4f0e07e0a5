"""The one HTTP client for talking to partners: every harvester (and `validate URL`) goes through it.

Partners are untrusted. A Fetcher, built for one source, guarantees:
- http(s) only, and only to the source's host or its `allowed_hosts` (redirects included, at most 5);
- no loopback/private/link-local/multicast/reserved address unless `allow_private_network`: the check
  runs inside the transport on the address actually connected to, so DNS rebinding cannot slip past it;
- a per-request timeout, plus a whole-response deadline of ten times it (against slow drips);
- the body streamed with a cap per page and a running cap per run, gzip/deflate and `.gz` bodies
  decompressed under the same cap (zip bombs stop at the cap);
- retries with exponential backoff on connect errors, 429 and 5xx (Retry-After honoured up to a cap),
  never on other 4xx; conditional GET from a previous response's validators;
- one log line per request on logger "ehds.fetch", without credentials;
- every failure is a HarvestError or FetchRefused naming the source and URL.
"""

from __future__ import annotations

import logging
import time
import zlib
from dataclasses import dataclass, replace
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import requests

from node.config import SourceConfig
from node.errors import FetchRefused, HarvestError
from node.fetch.guard import AddressRefused, GuardedAdapter
from node.rdfio import syntax_for_suffix

log = logging.getLogger("ehds.fetch")

MAX_REDIRECTS = 5
USER_AGENT = "ehds-node harvester (+https://github.com/health-data-hub/ehds-node)"
_REDIRECT_STATUSES = (301, 302, 303, 307, 308)
_SECRET_PARAMS = ("token", "key", "secret", "password", "passwd", "signature", "sig", "auth", "credential")
_GZIP_TYPES = ("application/gzip", "application/x-gzip", "application/octet-stream")
_CHUNK = 64 * 1024


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


class PartnerStatusError(HarvestError):
    """The partner answered with an error status (after retries); `status` says which."""

    def __init__(self, message: str, *, status: int, source: str | None = None, url: str | None = None):
        super().__init__(message, source=source, url=url)
        self.status = status


class HostNotAllowed(FetchRefused):
    """A URL outside the source's host and allowed_hosts (or not http/https)."""


# --- the address guard, inside the transport ------------------------------------------------


class Fetcher:
    """HTTP for one source. Not thread-safe; one per harvest run (it counts the run's bytes)."""

    def __init__(self, source: SourceConfig, *, backoff: float = 1.0, max_retry_after: float = 60.0,
                 sleep=time.sleep):
        self.source = source
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self._sleep = sleep
        self.bytes_fetched = 0
        self.requests_made = 0
        host = urlsplit(source.url).hostname or ""
        self.allowed_hosts = frozenset(h.lower() for h in (host, *source.allowed_hosts))
        self._session = requests.Session()
        self._session.trust_env = False  # no proxies or .netrc credentials from the environment
        adapter = GuardedAdapter(source.allow_private_network)
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        self._session.close()

    def refuse(self, message: str, url: str) -> FetchRefused:
        return FetchRefused(f"{redact_url(url)}: {message}", source=self.source.name, url=redact_url(url))

    def fail(self, message: str, url: str) -> HarvestError:
        return HarvestError(f"{redact_url(url)}: {message}", source=self.source.name, url=redact_url(url))

    def check_url(self, url: str) -> str:
        """Refuse anything but http(s) to the source's host or allowed_hosts; return the URL."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise HostNotAllowed(f"{redact_url(url)}: only http and https URLs are fetched, not '{parts.scheme}:'",
                                 source=self.source.name, url=redact_url(url))
        host = (parts.hostname or "").lower()
        if host not in self.allowed_hosts:
            raise HostNotAllowed(
                f"{redact_url(url)}: host '{host}' is not the source's host; add it to allowed_hosts of "
                f"source '{self.source.name}' to allow it", source=self.source.name, url=redact_url(url))
        return url

    def get(self, url: str, *, accept: str, params: dict | None = None,
            validators: dict | None = None) -> FetchResult:
        if params:
            url = with_query(url, params)
        headers = {"Accept": accept, **_conditional_headers(validators)}
        return self._fetch("GET", url, headers, None, validators)

    def post_form(self, url: str, form: dict, *, accept: str) -> FetchResult:
        return self._fetch("POST", url, {"Accept": accept}, form, None)

    def _fetch(self, method, url, headers, form, validators) -> FetchResult:
        started = time.monotonic()
        self.check_url(url)
        final_url, response = self._follow_redirects(method, url, headers, form)
        with response:
            if response.status_code == 304:
                self._log(method, final_url, 304, 0, started)
                return _result(url, final_url, response, b"", started, validators, not_modified=True)
            if response.status_code >= 400:
                self._log(method, final_url, response.status_code, 0, started)
                raise PartnerStatusError(
                    f"{redact_url(final_url)}: partner answered HTTP {response.status_code} {response.reason}",
                    status=response.status_code, source=self.source.name, url=redact_url(final_url))
            body = self._read_body(response, final_url, started)
        media_type = _media_type(response)
        if _looks_gzipped(body, media_type, final_url):
            body = self._gunzip(body, final_url)
            media_type = _inner_media_type(final_url)
        if self.bytes_fetched + len(body) > self.source.max_run_bytes:
            raise self.refuse(f"run exceeds max_run_bytes ({self.source.max_run_bytes} bytes); aborted", final_url)
        self.bytes_fetched += len(body)
        self._log(method, final_url, response.status_code, len(body), started)
        result = _result(url, final_url, response, body, started, validators, not_modified=False)
        return replace(result, media_type=media_type)

    def _follow_redirects(self, method, url, headers, form):
        for _ in range(MAX_REDIRECTS + 1):
            response = self._send_with_retries(method, url, headers, form)
            if response.status_code not in _REDIRECT_STATUSES or "Location" not in response.headers:
                return url, response
            response.close()
            target = urljoin(url, response.headers["Location"])
            self._log(method, url, response.status_code, 0, time.monotonic())
            self.check_url(target)
            if response.status_code == 303 or (response.status_code in (301, 302) and method == "POST"):
                method, form = "GET", None
            url = target
        raise self.refuse(f"more than {MAX_REDIRECTS} redirects", url)

    def _send_with_retries(self, method, url, headers, form):
        timeout = self.source.timeout
        for attempt in range(self.source.retries + 1):
            last = attempt == self.source.retries
            self.requests_made += 1
            try:
                response = self._session.request(
                    method, url, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate", **headers},
                    data=form, stream=True, timeout=(timeout, timeout), allow_redirects=False)
            except AddressRefused as err:
                raise self.refuse(f"{err}; set allow_private_network = true for source "
                                  f"'{self.source.name}' if this partner is on your own network", url) from None
            except requests.RequestException as err:
                self._log(method, url, "error", 0, time.monotonic())
                if last:
                    raise self.fail(f"{_describe(err, timeout)} (after {attempt + 1} attempts)", url) from None
                self._sleep(self.backoff * 2 ** attempt)
                continue
            if (response.status_code == 429 or response.status_code >= 500) and not last:
                self._log(method, url, response.status_code, 0, time.monotonic())
                wait = _retry_after(response, self.max_retry_after)
                response.close()
                self._sleep(wait if wait is not None else self.backoff * 2 ** attempt)
                continue
            return response
        raise AssertionError("unreachable")

    def _read_body(self, response, url: str, started: float) -> bytes:
        page_cap, run_left = self.source.max_page_bytes, self.source.max_run_bytes - self.bytes_fetched
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > page_cap and "Content-Encoding" not in response.headers:
            raise self.refuse(f"response of {declared} bytes exceeds max_page_bytes ({page_cap})", url)
        deadline = started + 10 * self.source.timeout
        chunks, size = [], 0
        try:
            for chunk in response.iter_content(_CHUNK):
                size += len(chunk)
                if size > page_cap:
                    raise self.refuse(f"response exceeds max_page_bytes ({page_cap} bytes); aborted", url)
                if size > run_left:
                    raise self.refuse(f"run exceeds max_run_bytes ({self.source.max_run_bytes} bytes); aborted", url)
                if time.monotonic() > deadline:
                    raise self.fail(f"response not complete within {10 * self.source.timeout:g} s; aborted", url)
                chunks.append(chunk)
        except requests.RequestException as err:
            raise self.fail(f"reading the response failed: {_describe(err, self.source.timeout)}", url) from None
        return b"".join(chunks)

    def _gunzip(self, data: bytes, url: str) -> bytes:
        cap = self.source.max_page_bytes
        inflater = zlib.decompressobj(wbits=47)  # gzip or zlib header, detected
        try:
            out = inflater.decompress(data, cap + 1)
        except zlib.error as err:
            raise self.fail(f"not a valid gzip body: {err}", url) from None
        if len(out) > cap or inflater.unconsumed_tail:
            raise self.refuse(f"decompressed body exceeds max_page_bytes ({cap} bytes); aborted", url)
        return out

    def _log(self, method: str, url: str, status, size: int, started: float) -> None:
        ms = int((time.monotonic() - started) * 1000)
        safe = redact_url(url)
        log.info("%s %s status=%s bytes=%d ms=%d", method, safe, status, size, ms,
                 extra={"method": method, "url": safe, "status": status, "bytes": size, "ms": ms,
                        "source": self.source.name})


# --- helpers ----------------------------------------------------------------------------------

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


def _conditional_headers(validators: dict | None) -> dict:
    validators = validators or {}
    headers = {}
    if validators.get("etag"):
        headers["If-None-Match"] = validators["etag"]
    if validators.get("last_modified"):
        headers["If-Modified-Since"] = validators["last_modified"]
    return headers


def _retry_after(response, cap: float) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return min(float(value), cap)
    try:
        return min(max(parsedate_to_datetime(value).timestamp() - time.time(), 0.0), cap)
    except (TypeError, ValueError):
        return None


def _describe(err: requests.RequestException, timeout: float) -> str:
    if isinstance(err, requests.Timeout):
        return f"no answer within timeout ({timeout:g} s)"
    if isinstance(err, requests.ConnectionError):
        return "connection failed (partner unreachable or connection reset)"
    return f"request failed ({type(err).__name__})"


def _media_type(response) -> str | None:
    essence = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    return essence or None


def _looks_gzipped(body: bytes, media_type: str | None, url: str) -> bool:
    """A gzip file served as such (Content-Encoding was already undone by the transport)."""
    gzip_magic = body[:2] == b"\x1f\x8b"
    return gzip_magic and (media_type in _GZIP_TYPES or media_type is None or urlsplit(url).path.endswith(".gz"))


def _inner_media_type(url: str) -> str | None:
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    if name.endswith(".gz") and "." in name[:-3]:
        syntax = syntax_for_suffix(name[:-3].rsplit(".", 1)[1])
        return syntax.media_type if syntax else None
    return None


def _result(url, final_url, response, body, started, validators, *, not_modified) -> FetchResult:
    validators = validators or {}
    return FetchResult(
        url=url, final_url=final_url, status=response.status_code, media_type=_media_type(response), body=body,
        etag=response.headers.get("ETag") or (validators.get("etag") if not_modified else None),
        last_modified=response.headers.get("Last-Modified") or (
            validators.get("last_modified") if not_modified else None),
        not_modified=not_modified, elapsed=time.monotonic() - started)

