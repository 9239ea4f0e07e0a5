"""The one HTTP client for talking to partners: every harvester (and `validate URL`) goes through it.

Partners are untrusted. A Fetcher, built for one source at the start of a run, guarantees:
- http(s) only, and only to the source URL's origin (scheme, host, port), its `allowed_hosts` on the
  same scheme and port, or its `allowed_origins` (redirects included, at most 5; see origins.py);
- no loopback/private/link-local/multicast/reserved address unless `allow_private_network`: the check
  runs inside the transport on the address actually connected to, so DNS rebinding cannot slip past it;
- deadlines inside the transport (guard.py, deadline.py): `timeout` to connect and between two reads,
  `response_timeout` for a whole response however slowly it drips, and `max_run_seconds` for the run:
  once it has passed, every fetch fails and a response in flight is cut;
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
from dataclasses import replace
from urllib.parse import urljoin

import requests

from node.config import SourceConfig
from node.errors import ConfigError, FetchRefused, HarvestError
from node.fetch.deadline import Deadlines
from node.fetch.errors import AddressNotAllowed, HostNotAllowed, PartnerStatusError, RunTimeLimit
from node.fetch.guard import AddressRefused, GuardedAdapter, RunTimeUp
from node.fetch.origins import format_origin, origin_of, source_origins
from node.fetch.responses import (FetchResult, conditional_headers, describe_failure, inner_media_type, looks_gzipped,
                                  media_type_of, fetch_result, redact_url, with_query)
from node.fetch.retry import PartnerRetry

log = logging.getLogger("ehds.fetch")

MAX_REDIRECTS = 5
USER_AGENT = "ehds-node harvester (+https://github.com/health-data-hub/ehds-node)"
_REDIRECT_STATUSES = (301, 302, 303, 307, 308)
_CHUNK = 16 * 1024  # one read; the deadlines are checked between reads too


class Fetcher:
    """HTTP for one source. Not thread-safe; one per harvest run (it counts the run's bytes and time).

    `transport` is the requests adapter the fetches go through (default: the guarded one, with the
    address guard and the socket deadlines); a test can pass another one.
    """

    def __init__(self, source: SourceConfig, *, backoff: float = 1.0, max_retry_after: float = 60.0,
                 sleep=time.sleep, transport=None):
        self.source = source
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self._sleep = sleep
        self.bytes_fetched = 0
        self._current_url = source.url
        try:
            self.origins = source_origins(source)
        except ValueError as err:
            raise ConfigError(f"source '{source.name}': {err}") from None
        self.deadlines = Deadlines(source.response_timeout, time.monotonic() + source.max_run_seconds)
        self._attempts, self._sent_at = 0, time.monotonic()
        self._session = requests.Session()
        self._session.trust_env = False  # no proxies or .netrc credentials from the environment
        retries = PartnerRetry.for_run(source.retries, backoff=backoff, max_retry_after=max_retry_after,
                                       pause=self._pause, on_retry=self._on_retry)
        transport = transport or GuardedAdapter(source.allow_private_network, self.deadlines, retries)
        self._session.mount("http://", transport)
        self._session.mount("https://", transport)

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
        """Refuse anything but http(s) to one of the source's origins; return the URL."""
        try:
            origin = origin_of(url)
        except ValueError as err:
            raise HostNotAllowed(f"{redact_url(url)}: {err}", source=self.source.name, url=redact_url(url)) from None
        if origin not in self.origins:
            where = format_origin(origin)
            if origin[1] not in {host for _, host, _ in self.origins}:
                reason = (f"host '{origin[1]}' is not the source's host; add it to allowed_hosts of source "
                          f"'{self.source.name}' to allow it")
            else:
                reason = (f"origin '{where}' is not the source's origin '{format_origin(origin_of(self.source.url))}' "
                          f"(another port or scheme); add '{where}' to allowed_origins of source "
                          f"'{self.source.name}' to allow it")
            raise HostNotAllowed(f"{redact_url(url)}: {reason}", source=self.source.name, url=redact_url(url))
        return url

    def check_run_time(self, url: str) -> None:
        """Refuse any fetch once the run has used up max_run_seconds."""
        if self.deadlines.run_over():
            raise self.over_run_time(url)

    def over_run_time(self, url: str) -> RunTimeLimit:
        return RunTimeLimit(f"{redact_url(url)}: the run exceeds max_run_seconds ({self.source.max_run_seconds:g} s) "
                            f"of source '{self.source.name}'; stopped, the run is incomplete",
                            source=self.source.name, url=redact_url(url))

    def get(self, url: str, *, accept: str, params: dict | None = None,
            validators: dict | None = None) -> FetchResult:
        if params:
            url = with_query(url, params)
        headers = {"Accept": accept, **conditional_headers(validators)}
        return self._fetch("GET", url, headers, None, validators)

    def post_form(self, url: str, form: dict, *, accept: str) -> FetchResult:
        return self._fetch("POST", url, {"Accept": accept}, form, None)

    def _fetch(self, method, url, headers, form, validators) -> FetchResult:
        started = time.monotonic()
        self.check_url(url)
        self.check_run_time(url)
        final_url, response = self._follow_redirects(method, url, headers, form)
        with response:
            if response.status_code == 304:
                self._log(method, final_url, 304, 0, started)
                return fetch_result(url, final_url, response, b"", started, validators, not_modified=True)
            if response.status_code >= 400:
                self._log(method, final_url, response.status_code, 0, started)
                raise PartnerStatusError(
                    f"{redact_url(final_url)}: partner answered HTTP {response.status_code} {response.reason}",
                    status=response.status_code, source=self.source.name, url=redact_url(final_url))
            body = self._read_body(response, final_url)
        media_type = media_type_of(response)
        if looks_gzipped(body, media_type, final_url):
            body = self._gunzip(body, final_url)
            media_type = inner_media_type(final_url)
        if self.bytes_fetched + len(body) > self.source.max_run_bytes:
            raise self.refuse(f"run exceeds max_run_bytes ({self.source.max_run_bytes} bytes); aborted", final_url)
        self.bytes_fetched += len(body)
        self._log(method, final_url, response.status_code, len(body), started)
        result = fetch_result(url, final_url, response, body, started, validators, not_modified=False)
        return replace(result, media_type=media_type)

    def _follow_redirects(self, method, url, headers, form):
        for _ in range(MAX_REDIRECTS + 1):
            self._current_url = url
            response = self._send(method, url, headers, form)
            if response.status_code not in _REDIRECT_STATUSES or "Location" not in response.headers:
                return url, response
            response.close()
            target = urljoin(url, response.headers["Location"])
            self._log(method, url, response.status_code, 0, time.monotonic())
            self.check_url(target)
            self.check_run_time(target)
            if response.status_code == 303 or (response.status_code in (301, 302) and method == "POST"):
                method, form = "GET", None
            url = target
        raise self.refuse(f"more than {MAX_REDIRECTS} redirects", url)

    def _send(self, method, url, headers, form):
        """One request; urllib3 retries it (retry.py), reporting each failed attempt to _on_retry."""
        self._attempts, self._sent_at = 0, time.monotonic()
        try:
            return self._session.request(
                method, url, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate", **headers},
                data=form, stream=True, timeout=(self.source.timeout, self.source.timeout), allow_redirects=False)
        except AddressRefused as err:
            raise AddressNotAllowed(
                f"{redact_url(url)}: {err}; set allow_private_network = true for source "
                f"'{self.source.name}' if this partner is on your own network",
                reason=str(err), source=self.source.name, url=redact_url(url)) from None
        except RunTimeUp:
            raise self.over_run_time(url) from None
        except requests.RequestException as err:
            self._log(method, url, "error", 0, self._sent_at)
            if self.deadlines.expired == "run":
                raise self.over_run_time(url) from None
            raise self.fail(f"{self._describe(err)} (after {max(self._attempts, 1)} attempts)", url) from None

    def _on_retry(self, method, path, response, error, final: bool) -> None:
        """A failed attempt (an error, or a retried status): counted, and logged unless _send/_fetch log it."""
        self._attempts += 1
        if not final:
            status = response.status if response is not None else "error"
            self._log(method, self._current_url, status, 0, self._sent_at)

    def _pause(self, seconds: float) -> None:
        """Wait before a retry, but never past the run's deadline (then the run stops)."""
        left = self.deadlines.run_ends_at - time.monotonic()
        if left <= seconds:
            self.deadlines.expired = "run"
            raise RunTimeUp("the run's time limit would pass while waiting to retry")
        self._sleep(seconds)
        self._sent_at = time.monotonic()

    def _describe(self, err: Exception) -> str:
        if self.deadlines.expired == "response":
            return f"response not complete within response_timeout ({self.source.response_timeout:g} s)"
        if self.deadlines.expired == "run":
            return f"cut at the run's max_run_seconds ({self.source.max_run_seconds:g} s)"
        return describe_failure(err, self.source.timeout)

    def _read_body(self, response, url: str) -> bytes:
        page_cap, run_left = self.source.max_page_bytes, self.source.max_run_bytes - self.bytes_fetched
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > page_cap and "Content-Encoding" not in response.headers:
            raise self.refuse(f"response of {declared} bytes exceeds max_page_bytes ({page_cap})", url)
        deadline = self._sent_at + self.source.response_timeout  # also checked here, whatever the transport
        chunks, size = [], 0
        try:
            for chunk in response.iter_content(_CHUNK):
                size += len(chunk)
                if size > page_cap:
                    raise self.refuse(f"response exceeds max_page_bytes ({page_cap} bytes); aborted", url)
                if size > run_left:
                    raise self.refuse(f"run exceeds max_run_bytes ({self.source.max_run_bytes} bytes); aborted", url)
                if self.deadlines.run_over():
                    raise self.over_run_time(url)
                if time.monotonic() > deadline:
                    self.deadlines.expired = "response"
                    raise self.fail(f"reading the response failed: {self._describe(None)}; aborted", url)
                chunks.append(chunk)
        except requests.RequestException as err:
            if self.deadlines.expired == "run":
                raise self.over_run_time(url) from None
            raise self.fail(f"reading the response failed: {self._describe(err)}; aborted", url) from None
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
