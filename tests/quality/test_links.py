"""Link checks against a local HTTP server: reachable, 404, timeout, HEAD refused, redirect, refusals."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from node.quality import LinkChecker, score_catalogue
from tests.quality.fakes import PREFIXES, FakeValidator, graph_of, vocabularies

SLOW_SECONDS = 2.0


class Handler(BaseHTTPRequestHandler):
    def do_HEAD(self):
        self._answer(body=False)

    def do_GET(self):
        self._answer(body=True)

    def _answer(self, body):
        if self.path == "/slow":
            time.sleep(SLOW_SECONDS)
        if self.path == "/head-refused" and self.command == "HEAD":
            return self._status(405)
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/ok")
            self.send_header("Content-Length", "0")
            return self.end_headers()
        self._status(200 if self.path in ("/ok", "/ok.csv", "/slow", "/head-refused") else 404, body)

    def _status(self, code, body=False):
        payload = b"a,b\n1,2\n"
        self.send_response(code)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if body and code == 200:
            self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def checker():
    return LinkChecker(timeout=0.5, allow_private=True)


def test_reachable_missing_and_timing_out(server, checker):
    statuses = checker.check_all([f"{server}/ok", f"{server}/missing", f"{server}/slow"])
    ok, missing, slow = (statuses[f"{server}/{p}"] for p in ("ok", "missing", "slow"))
    assert (ok.reachable, ok.detail) == (True, "HTTP 200")
    assert (missing.reachable, missing.detail) == (False, "HTTP 404")
    assert (slow.checked, slow.reachable, slow.detail) == (True, False, "timed out after 0.5 s")


def test_get_when_head_is_refused_and_redirects_followed(server, checker):
    assert checker.check(f"{server}/head-refused").detail == "HTTP 200"
    assert checker.check(f"{server}/redirect").reachable


def test_private_addresses_and_other_schemes_are_refused(server):
    strict = LinkChecker(timeout=0.5)
    assert strict.check(f"{server}/ok").detail == "refused: host '127.0.0.1' resolves to 127.0.0.1 (loopback)"
    assert strict.check("ftp://example.org/file.csv").detail.startswith("refused: only http(s) links")


def test_at_most_max_links_are_checked(server):
    statuses = LinkChecker(timeout=0.5, allow_private=True, max_links=2).check_all(
        [f"{server}/ok", f"{server}/ok", f"{server}/ok.csv", f"{server}/missing"])
    assert [s.checked for s in statuses.values()] == [True, True, False]
    assert statuses[f"{server}/missing"].detail == "not checked: over the limit of 2 links"


def test_scores_use_the_link_checks(server, checker):
    graph = graph_of(PREFIXES + f"""
        ex:a a dcat:Dataset ; dcat:distribution ex:a-d .
        ex:a-d dcat:accessURL <{server}/ok> ; dcat:downloadURL <{server}/missing.csv> .
        ex:b a dcat:Dataset ; dcat:distribution ex:b-d .
        ex:b-d dcat:accessURL <{server}/slow> ; dcat:downloadURL <{server}/ok.csv> .
    """)
    catalogue = score_catalogue(graph, check_links=True, link_checker=checker, validator=FakeValidator(),
                                vocabularies=vocabularies())
    a, b = ({i.key: i for i in d.indicators} for d in catalogue.datasets)
    assert (a["access_url_reachable"].earned, a["download_url"].earned, a["download_url_reachable"].earned) \
        == (50, 20, 0)
    assert f"{server}/missing.csv that answered HTTP 404" in a["download_url_reachable"].reason
    assert (b["access_url_reachable"].earned, b["download_url_reachable"].earned) == (0, 30)
    assert "timed out after 0.5 s" in b["access_url_reachable"].reason
