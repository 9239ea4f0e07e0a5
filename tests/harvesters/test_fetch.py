"""node/fetch/ against a real loopback server: every guarantee a partner could try to break."""

from __future__ import annotations

import gzip
import io
import logging
import zlib

import pytest
import requests
import urllib3

from node.errors import FetchRefused, HarvestError
from node.fetch import Fetcher, HostNotAllowed, PartnerStatusError, redact_url, refused_address_reason
from tests.harvesters.conftest import make_fetcher, make_source
from tests.harvesters.partner_server import Reply

TURTLE = b"<http://example.org/a> <http://example.org/p> <http://example.org/b> .\n"


def fetch(url, **source_overrides):
    with make_fetcher(make_source(url, **source_overrides)) as fetcher:
        return fetcher.get(url, accept="text/turtle")


def test_plain_get_returns_body_type_and_validators(partner):
    url = partner.serve("/cat.ttl", TURTLE, headers={"ETag": '"v1"', "Last-Modified": "Mon, 01 Jan 2024 00:00:00 GMT"})
    result = fetch(url)
    assert (result.status, result.body, result.media_type) == (200, TURTLE, "text/turtle")
    assert result.validators == {"etag": '"v1"', "last_modified": "Mon, 01 Jan 2024 00:00:00 GMT"}
    assert partner.hits[0].headers["Accept"] == "text/turtle"


def test_loopback_refused_without_allow_private_network(partner):
    url = partner.serve("/cat.ttl", TURTLE)
    with pytest.raises(FetchRefused) as caught:
        fetch(url, allow_private_network=False)
    assert "127.0.0.1 (loopback)" in caught.value.message and "allow_private_network" in caught.value.message
    assert caught.value.url == url and partner.hits == []


def test_hostname_resolving_to_loopback_is_refused_too(partner):
    partner.serve("/cat.ttl", TURTLE)
    url = partner.url("/cat.ttl", host="localhost")
    with pytest.raises(FetchRefused, match="host 'localhost' resolves to .* \\(loopback\\)"):
        fetch(url, allow_private_network=False)
    assert partner.hits == []


@pytest.mark.parametrize("address, reason", [
    ("10.1.2.3", "private"), ("192.168.0.1", "private"), ("169.254.169.254", "link-local"),
    ("224.0.0.1", "multicast"), ("::1", "loopback"), ("::ffff:127.0.0.1", "loopback"), ("0.0.0.0", "unspecified"),
    ("100.64.0.1", "not globally routable"), ("fe80::1", "link-local"),
])
def test_refused_address_classes(address, reason):
    assert refused_address_reason(address) == reason


def test_public_addresses_pass():
    assert refused_address_reason("185.199.108.153") is None
    assert refused_address_reason("2a00:1450:4007:80e::200e") is None


def test_redirect_to_same_host_followed_other_host_refused(partner):
    partner.serve("/final.ttl", TURTLE)
    partner.serve("/moved", status=301, headers={"Location": "/final.ttl"})
    result = fetch(partner.url("/moved"))
    assert result.final_url == partner.url("/final.ttl") and result.body == TURTLE
    partner.serve("/away", status=302, headers={"Location": partner.url("/final.ttl", host="localhost")})
    with pytest.raises(FetchRefused, match="host 'localhost' is not the source's host; add it to allowed_hosts"):
        fetch(partner.url("/away"))


def test_redirect_to_allowed_host_followed(partner):
    partner.serve("/final.ttl", TURTLE)
    partner.serve("/away", status=307, headers={"Location": partner.url("/final.ttl", host="localhost")})
    assert fetch(partner.url("/away"), allowed_hosts=("localhost",)).body == TURTLE


def test_redirect_loop_stops_after_five(partner):
    partner.serve("/a", status=302, headers={"Location": "/b"})
    partner.serve("/b", status=302, headers={"Location": "/a"})
    with pytest.raises(FetchRefused, match="more than 5 redirects"):
        fetch(partner.url("/a"))
    assert len(partner.hits) == 6


def test_non_http_scheme_refused(partner):
    with make_fetcher(make_source(partner.url("/"))) as fetcher:
        with pytest.raises(FetchRefused, match="only http and https"):
            fetcher.get("file:///etc/passwd", accept="*/*")


def test_page_cap_hit_mid_stream(partner):
    url = partner.serve("/big.ttl", chunks=(TURTLE * 100 for _ in range(100)))
    with pytest.raises(FetchRefused) as caught:
        fetch(url, max_page_bytes=50_000)
    assert "exceeds max_page_bytes (50000 bytes); aborted" in caught.value.message and caught.value.url == url


def test_declared_length_over_cap_refused_before_reading(partner):
    url = partner.serve("/big.ttl", TURTLE * 1000)
    with pytest.raises(FetchRefused, match=r"response of \d+ bytes exceeds max_page_bytes \(1000\)"):
        fetch(url, max_page_bytes=1000)


def test_run_cap_counts_across_requests(partner):
    url = partner.serve("/page.ttl", TURTLE * 10)  # 700 bytes
    with make_fetcher(make_source(url, max_run_bytes=2000)) as fetcher:
        fetcher.get(url, accept="text/turtle")
        fetcher.get(url, accept="text/turtle")
        with pytest.raises(FetchRefused, match=r"run exceeds max_run_bytes \(2000 bytes\)"):
            fetcher.get(url, accept="text/turtle")


def test_timeout_is_a_harvest_error_naming_the_limit(partner):
    url = partner.serve("/slow.ttl", TURTLE, delay=1.0)
    with pytest.raises(HarvestError, match=r"no answer within timeout \(0.2 s\) \(after 1 attempts\)") as caught:
        fetch(url, timeout=0.2)
    assert caught.value.source == "partner" and caught.value.url == url


def test_server_error_then_success_is_retried(partner):
    answers = iter([Reply(b"oops", status=500), Reply(b"busy", status=503), Reply(TURTLE)])
    url = partner.handle("/flaky.ttl", lambda request: next(answers))
    assert fetch(url, retries=3).body == TURTLE
    assert partner.hits_for("/flaky.ttl") == 3


def test_server_error_gives_up_after_retries(partner):
    url = partner.serve("/down.ttl", b"down", status=502)
    with pytest.raises(PartnerStatusError, match="HTTP 502") as caught:
        fetch(url, retries=2)
    assert caught.value.status == 502 and partner.hits_for("/down.ttl") == 3


def test_429_honours_retry_after_up_to_the_cap(partner):
    answers = iter([Reply(b"", status=429, headers={"Retry-After": "3600"}), Reply(TURTLE)])
    url = partner.handle("/limited.ttl", lambda request: next(answers))
    waits = []
    fetcher = Fetcher(make_source(url, retries=1), backoff=0.01, max_retry_after=0.05, sleep=waits.append)
    assert fetcher.get(url, accept="text/turtle").body == TURTLE
    assert waits == [0.05]


def test_404_is_not_retried(partner):
    with pytest.raises(PartnerStatusError, match="HTTP 404") as caught:
        fetch(partner.url("/missing.ttl"), retries=3)
    assert caught.value.status == 404 and partner.hits_for("/missing.ttl") == 1


def test_connection_refused_is_retried_with_backoff_then_reported(partner):
    url = partner.url("/x.ttl")
    partner.close()
    waits = []
    fetcher = Fetcher(make_source(url, retries=2), backoff=0.5, sleep=waits.append)
    with pytest.raises(HarvestError, match="connection failed .* \\(after 3 attempts\\)"):
        fetcher.get(url, accept="text/turtle")
    assert waits == [0.5, 1.0]


def test_content_encoding_gzip_and_deflate_are_decoded(partner):
    url = partner.serve("/gz.ttl", gzip.compress(TURTLE), headers={"Content-Encoding": "gzip"})
    assert fetch(url).body == TURTLE
    url = partner.serve("/deflate.ttl", zlib.compress(TURTLE), headers={"Content-Encoding": "deflate"})
    assert fetch(url).body == TURTLE
    assert "gzip" in partner.hits[0].headers["Accept-Encoding"]


def test_gz_file_served_as_gzip_is_unpacked_with_inner_type(partner):
    url = partner.serve("/dump.nt.gz", gzip.compress(TURTLE), content_type="application/gzip")
    result = fetch(url)
    assert result.body == TURTLE and result.media_type == "application/n-triples"
    url = partner.serve("/dump", gzip.compress(TURTLE), content_type="application/octet-stream")
    assert fetch(url).body == TURTLE


@pytest.mark.parametrize("encoding", ["content-encoding", "gz-file"])
def test_zip_bomb_stops_at_the_page_cap(partner, encoding):
    bomb = gzip.compress(b"\0" * 20_000_000)  # ~20 kB on the wire, 20 MB unpacked
    if encoding == "content-encoding":
        url = partner.serve("/bomb.ttl", bomb, headers={"Content-Encoding": "gzip"})
    else:
        url = partner.serve("/bomb.ttl.gz", bomb, content_type="application/gzip")
    with pytest.raises(FetchRefused, match=r"max_page_bytes \(1000000 bytes\)"):
        fetch(url, max_page_bytes=1_000_000)


def test_conditional_get_sends_validators_and_reports_not_modified(partner):
    def conditional(request):
        if request.headers.get("If-None-Match") == '"v1"':
            return Reply(b"", status=304, headers={"ETag": '"v1"'})
        return Reply(TURTLE, headers={"ETag": '"v1"'})

    url = partner.handle("/cat.ttl", conditional)
    with make_fetcher(make_source(url)) as fetcher:
        first = fetcher.get(url, accept="text/turtle")
        again = fetcher.get(url, accept="text/turtle", validators=first.validators)
    assert not first.not_modified and first.body == TURTLE
    assert again.not_modified and again.body == b"" and again.etag == '"v1"' and again.status == 304


def test_one_log_line_per_request_without_secrets(partner, caplog):
    partner.serve("/cat.ttl", TURTLE)
    url = partner.url("/cat.ttl?page=2&api_key=s3cret&token=abc").replace("http://", "http://user:pw@")
    with caplog.at_level(logging.INFO, logger="ehds.fetch"):
        fetch(url)
    lines = [r for r in caplog.records if r.name == "ehds.fetch"]
    assert len(lines) == 1
    line = lines[0]
    assert (line.method, line.status, line.bytes) == ("GET", 200, len(TURTLE)) and line.ms >= 0
    assert "s3cret" not in line.getMessage() and "pw@" not in line.getMessage() and "abc" not in line.url
    assert "page=2" in line.url


def test_redact_url():
    assert redact_url("https://u:p@x.eu/c?access_token=1&page=3") == "https://x.eu/c?access_token=***&page=3"
    assert redact_url("https://x.eu/c?fq=metadata_modified:[2024 TO *]") == "https://x.eu/c?fq=metadata_modified:[2024 TO *]"


class CannedTransport(requests.adapters.BaseAdapter):
    """A transport without sockets: answers every request from a table, records what it was asked."""

    def __init__(self, answers: dict[str, tuple[int, dict, bytes]]):
        super().__init__()
        self.answers, self.asked = answers, []

    def send(self, request, **kwargs):
        self.asked.append(request.url)
        status, headers, body = self.answers[request.url]
        response = requests.Response()
        response.status_code, response.url, response.request = status, request.url, request
        response.headers = requests.structures.CaseInsensitiveDict(headers)
        response.raw = urllib3.HTTPResponse(body=io.BytesIO(body), headers=headers, status=status,
                                            preload_content=False)
        return response

    def close(self):
        pass


def test_a_transport_can_be_passed_in_and_the_fetchers_own_checks_still_apply():
    transport = CannedTransport({
        "https://partner.example/c.ttl": (302, {"Location": "/p2.ttl"}, b""),
        "https://partner.example/p2.ttl": (200, {"Content-Type": "text/turtle"}, TURTLE),
        "https://partner.example/moved": (302, {"Location": "https://partner.example:8443/x"}, b""),
    })
    source = make_source("https://partner.example/c.ttl", allow_private_network=False)
    with Fetcher(source, transport=transport) as fetcher:
        result = fetcher.get("https://partner.example/c.ttl", accept="text/turtle")
        assert (result.final_url, result.body) == ("https://partner.example/p2.ttl", TURTLE)
        with pytest.raises(HostNotAllowed, match="allowed_origins"):
            fetcher.get("https://partner.example/moved", accept="text/turtle")
    assert transport.asked == ["https://partner.example/c.ttl", "https://partner.example/p2.ttl",
                               "https://partner.example/moved"]
