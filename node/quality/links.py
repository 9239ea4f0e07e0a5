"""Are accessURL / downloadURL reachable? Checked only on request, politely and safely.

HEAD first, GET (body never read) when HEAD is refused or fails; http(s) only; redirects followed
by hand so each hop is checked again. Connections go through node.fetch's guarded transport, which
refuses private, loopback and link-local addresses on the address actually connected to, so a
catalogue cannot make the node probe its own network. A link counts as reachable on a 2xx answer,
as the data.europa.eu MQA counts it.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Iterable
from urllib.parse import urljoin, urlsplit

import requests

from node import __version__
from node.fetch import AddressRefused, GuardedAdapter

USER_AGENT = f"ehds-node-linkcheck/{__version__} (+metadata quality score)"


@dataclass(frozen=True)
class LinkStatus:
    url: str
    checked: bool
    reachable: bool
    detail: str  # "HTTP 200", "HTTP 404", "timed out after 10 s", "refused: …", "not checked: …"


class _Refused(Exception):
    pass


class LinkChecker:
    def __init__(self, *, timeout: float = 10.0, max_links: int = 500, workers: int = 4,
                 max_redirects: int = 5, allow_private: bool = False):
        self.timeout = timeout
        self.max_links = max_links
        self.workers = workers
        self.max_redirects = max_redirects
        self.allow_private = allow_private
        self._local = threading.local()  # one guarded session per worker thread

    def check_all(self, urls: Iterable[str]) -> dict[str, LinkStatus]:
        """Check each distinct URL once, a few at a time; those past `max_links` are not checked."""
        distinct = list(dict.fromkeys(urls))
        to_check = distinct[: self.max_links]
        checked: dict[str, LinkStatus] = {}
        if to_check:
            with ThreadPoolExecutor(max_workers=max(1, min(self.workers, len(to_check)))) as pool:
                checked = dict(zip(to_check, pool.map(self.check, to_check)))
        over_limit = f"not checked: over the limit of {self.max_links} links"
        return {url: checked.get(url) or LinkStatus(url, False, False, over_limit) for url in distinct}

    def check(self, url: str) -> LinkStatus:
        try:
            status = self._probe(url)
        except (_Refused, AddressRefused) as refused:
            return LinkStatus(url, True, False, f"refused: {refused}")
        except requests.Timeout:
            return LinkStatus(url, True, False, f"timed out after {self.timeout:g} s")
        except requests.RequestException as err:
            return LinkStatus(url, True, False, f"no connection ({type(err).__name__})")
        return LinkStatus(url, True, 200 <= status < 300, f"HTTP {status}")

    def _probe(self, url: str) -> int:
        """HEAD, then GET when HEAD is not answered with 2xx (many servers refuse HEAD)."""
        try:
            status = self._request("HEAD", url)
        except requests.Timeout:
            raise
        except requests.RequestException:
            return self._request("GET", url)
        return status if 200 <= status < 300 else self._request("GET", url)

    def _request(self, method: str, url: str) -> int:
        """Follow redirects by hand so every hop passes the same checks; returns the final status."""
        current = url
        for _ in range(self.max_redirects + 1):
            self._refuse_unsafe(current)
            with self._session().request(method, current, timeout=self.timeout, allow_redirects=False,
                                         stream=True, headers={"User-Agent": USER_AGENT}) as response:
                location = response.headers.get("Location")
                if response.is_redirect and location:
                    current = urljoin(current, location)
                    continue
                return response.status_code
        raise _Refused(f"more than {self.max_redirects} redirects")

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.trust_env = False  # no proxies from the environment: the guard must see the real host
            adapter = GuardedAdapter(allow_private_network=self.allow_private)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            self._local.session = session
        return session

    @staticmethod
    def _refuse_unsafe(url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise _Refused(f"only http(s) links are checked, not '{parts.scheme or url}'")
        if not parts.hostname:
            raise _Refused("the URL has no host")
