"""Hostile partners against the fetcher, on real loopback sockets (issue 10, findings 6, 9 and 10):
a partner that drips, a `next` chain that never ends, redirects and links to another port or
scheme, and a delegated harvest whose server is gone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings as hypothesis_settings, strategies as st

from node.config import Settings, SourceConfig
from node.errors import ConfigError, FetchRefused, HarvestError
from node.fetch import Fetcher, HostNotAllowed, RunTimeLimit
from node.harvest import run_harvest
from tests.harvest_runs.test_runs import central  # noqa: F401  (the same central node fixture)
from tests.harvesters.catalogues import catalogue_turtle, dataset_iri
from tests.harvesters.conftest import make_fetcher
from tests.abuse.hostile_partners import (DRIP_SECONDS, HEAD_CHUNKED, HEAD_WITH_LENGTH, HEAD_WITHOUT_LENGTH, Drip,
                                          HangUpServer, closed_port, dripping_reply)
from tests.harvesters.partner_server import PartnerServer, Reply

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def other_port():
    server = PartnerServer()
    yield server
    server.close()


def source(url: str, **overrides) -> SourceConfig:
    return SourceConfig(**({"name": "partner", "kind": "dcat", "url": url, "allow_private_network": True,
                            "retries": 0, "timeout": 3.0, "profile": "dcat-ap-3"} | overrides))


def harvest(ctx, src):
    return run_harvest(ctx, src, fetcher=make_fetcher(src))


def stored_datasets(ctx) -> set[str]:
    from node.catalog_index import CatalogIndex

    return {entry.dataset for entry in CatalogIndex(ctx.store).entries()}


# --- finding 6: a partner that drips is cut off at the response deadline ---------------------------

@pytest.mark.parametrize("drip", [
    pytest.param(lambda: Drip(HEAD_WITHOUT_LENGTH), id="body-until-close"),
    pytest.param(lambda: Drip(HEAD_WITH_LENGTH), id="body-with-content-length"),
    pytest.param(lambda: Drip(HEAD_CHUNKED, byte=b"1\r\n \r\n"), id="chunked-body"),
    pytest.param(lambda: Drip(HEAD_WITHOUT_LENGTH, drip_head=True, seconds=0), id="status-line-and-headers"),
])
def test_a_dripping_partner_is_cut_at_the_response_timeout_and_the_run_fails(partner, central, drip):
    dripping = drip()
    url = partner.handle("/catalog.ttl", lambda request: dripping_reply(dripping))
    # The read timeout (3 s) never fires: a byte comes every second. Only the response deadline can stop it.
    report = harvest(central, source(url, timeout=3.0, response_timeout=1.0))
    assert not dripping.finished and dripping.sent < DRIP_SECONDS  # we did not wait for the partner to stop
    assert report.status == "failed"
    assert "response not complete within response_timeout (1 s)" in report.error
    assert dripping.hung_up.wait(15)  # and the connection was closed: the partner's next write failed


def test_a_drip_is_a_harvest_error_naming_response_timeout_and_the_url(partner):
    dripping = Drip(HEAD_WITHOUT_LENGTH)
    url = partner.handle("/slow.ttl", lambda request: dripping_reply(dripping))
    with make_fetcher(source(url, response_timeout=1.0)) as fetcher:
        with pytest.raises(HarvestError, match=r"response_timeout \(1 s\)") as caught:
            fetcher.get(url, accept="text/turtle")
    assert caught.value.url == url and not dripping.finished


# --- finding 6: a run has a wall-clock limit -----------------------------------------------------

def endless_chain(partner) -> str:
    """Page n links to page n+1, for ever, never repeating a URL."""
    def page(request):
        number = int(request.query.get("page", "1"))
        this, following = partner.url(f"/endless?page={number}"), partner.url(f"/endless?page={number + 1}")
        return Reply(catalogue_turtle([number], this_page=this, next_page=following).encode())

    partner.handle("/endless", page)
    return partner.url("/endless?page=1")


def test_an_endless_next_chain_is_cut_by_max_run_seconds_and_the_previous_copy_stays(partner, central):
    url = partner.serve("/catalog.ttl", catalogue_turtle([1, 2]))
    first = harvest(central, source(url))
    assert first.status == "complete" and stored_datasets(central) == {dataset_iri(1), dataset_iri(2)}

    partner.routes["/catalog.ttl"] = lambda request: Reply(status=302, headers={"Location": endless_chain(partner)})
    report = harvest(central, source(url, max_run_seconds=1.0))
    assert report.status == "failed"
    assert "the run exceeds max_run_seconds (1 s)" in report.error and "the run is incomplete" in report.error
    assert 1 < partner.hits_for("/endless") < 100_000  # it paged, then stopped long before max_pages
    assert stored_datasets(central) == {dataset_iri(1), dataset_iri(2)}  # nothing written, nothing deleted


def test_every_fetch_after_the_run_deadline_fails_naming_the_limit(partner):
    url = partner.serve("/c.ttl", catalogue_turtle([1]))
    fetcher = make_fetcher(source(url, max_run_seconds=0.2))
    assert fetcher.get(url, accept="text/turtle").status == 200
    time.sleep(0.3)
    hits = len(partner.hits)
    for _ in range(2):
        with pytest.raises(RunTimeLimit, match=r"max_run_seconds \(0.2 s\) of source 'partner'"):
            fetcher.get(url, accept="text/turtle")
    assert len(partner.hits) == hits  # refused before any request went out


def test_a_drip_in_flight_is_cut_at_the_run_deadline(partner):
    dripping = Drip(HEAD_WITHOUT_LENGTH)
    url = partner.handle("/slow.ttl", lambda request: dripping_reply(dripping))
    with make_fetcher(source(url, response_timeout=300.0, max_run_seconds=1.0)) as fetcher:
        with pytest.raises(RunTimeLimit, match=r"max_run_seconds \(1 s\)"):
            fetcher.get(url, accept="text/turtle")
    assert not dripping.finished


# --- finding 10: redirects and links to another port or scheme ------------------------------------

def test_redirect_to_another_port_of_the_same_host_is_refused(partner, other_port):
    other_port.serve("/internal", "secret")
    url = partner.serve("/catalog.ttl", status=302, headers={"Location": other_port.url("/internal")})
    with make_fetcher(source(url)) as fetcher:
        with pytest.raises(HostNotAllowed) as caught:
            fetcher.get(url, accept="text/turtle")
    message = caught.value.message
    assert f"origin 'http://127.0.0.1:{other_port.port}' is not the source's origin" in message
    assert "another port or scheme" in message and "allowed_origins" in message
    assert other_port.hits == []


def test_redirect_to_another_port_is_followed_when_the_source_allows_that_origin(partner, other_port):
    other_port.serve("/c.ttl", catalogue_turtle([1]))
    url = partner.serve("/catalog.ttl", status=301, headers={"Location": other_port.url("/c.ttl")})
    allowed = (f"http://127.0.0.1:{other_port.port}",)
    with make_fetcher(source(url, allowed_origins=allowed)) as fetcher:
        assert fetcher.get(url, accept="text/turtle").final_url == other_port.url("/c.ttl")


def test_redirect_to_https_on_the_same_port_is_refused_before_connecting(partner):
    url = partner.serve("/catalog.ttl", status=302, headers={"Location": partner.url("/x").replace("http:", "https:")})
    with make_fetcher(source(url)) as fetcher:
        with pytest.raises(HostNotAllowed, match="another port or scheme"):
            fetcher.get(url, accept="text/turtle")
    assert partner.hits_for("/x") == 0


def test_next_link_to_another_port_fails_the_run_with_its_reason(partner, other_port, central):
    other_port.serve("/page2", catalogue_turtle([2]))
    this = partner.url("/catalog.ttl")
    url = partner.serve("/catalog.ttl", catalogue_turtle([1], this_page=this, next_page=other_port.url("/page2")))
    report = harvest(central, source(url))
    assert report.status == "failed"
    assert "another port or scheme" in report.error and "allowed_origins" in report.error
    assert other_port.hits == [] and stored_datasets(central) == set()


@pytest.mark.parametrize("source_url, target, allowed", [
    ("http://partner.example/c", "https://partner.example/c", True),          # the upgrade to TLS
    ("http://partner.example/c", "http://partner.example:80/p2", True),
    ("https://partner.example/c", "http://partner.example/c", False),         # a downgrade
    ("http://partner.example/c", "https://partner.example:8443/c", False),
    ("https://partner.example/c", "https://partner.example:444/c", False),
    ("http://partner.example:8080/c", "https://partner.example/c", False),
    ("https://partner.example/c", "https://PARTNER.example:443/x", True),
    ("https://partner.example/c", "https://partner.example:99999/x", False),  # not a port at all
    ("https://partner.example/c", "gopher://partner.example/x", False),
])
def test_origin_table(source_url, target, allowed):
    fetcher = Fetcher(source(source_url, allow_private_network=False))
    if allowed:
        assert fetcher.check_url(target) == target
    else:
        with pytest.raises(FetchRefused):
            fetcher.check_url(target)


@hypothesis_settings(max_examples=60, deadline=None)
@given(port=st.integers(min_value=1, max_value=65535), scheme=st.sampled_from(["http", "https"]))
def test_only_the_sources_own_origin_passes(port, scheme):
    fetcher = Fetcher(source("https://partner.example:8443/catalog", allow_private_network=False))
    target = f"{scheme}://partner.example:{port}/page"
    if (scheme, port) == ("https", 8443):
        assert fetcher.check_url(target) == target
    else:
        with pytest.raises(HostNotAllowed, match="allowed_origins"):
            fetcher.check_url(target)


@pytest.mark.parametrize("bad", ["partner.example", "ftp://x.eu", "https://x.eu/path", "https://x.eu:99999",
                                 "https://user@x.eu", "https://"])
def test_allowed_origins_must_be_origins(bad):
    with pytest.raises(ConfigError, match="allowed_origins entry"):
        source("https://partner.example/", allowed_origins=(bad,))


@pytest.mark.parametrize("bad", ["cdn.x.eu:8443", "https://cdn.x.eu", "cdn.x.eu/path", "user@cdn.x.eu"])
def test_allowed_hosts_must_be_bare_host_names(bad):
    with pytest.raises(ConfigError, match="allowed_hosts entry .* must be a host name only"):
        source("https://partner.example/", allowed_hosts=(bad,))


# --- finding 9: a delegated harvest whose server is gone ------------------------------------------

@pytest.mark.parametrize("server", ["dead", "hangs-up"])
def test_delegated_harvest_to_a_dead_server_is_one_line_and_non_zero(tmp_path, partner, server):
    from node.context import open_node
    from node.server_file import SERVER_FILE

    url = partner.serve("/catalog.ttl", catalogue_turtle([1]))
    config = tmp_path / "node.toml"
    config.write_text(f'[node]\nbase_url = "http://central.test/"\napi_token = "t"\nload_bundled_catalogue = false\n'
                      f'[[sources]]\nname = "partner"\nkind = "dcat"\nurl = "{url}"\nallow_private_network = true\n')
    data = tmp_path / "data"
    hang_up = HangUpServer() if server == "hangs-up" else None
    port = hang_up.port if hang_up else closed_port()
    ctx = open_node(Settings(base_url="http://central.test/", data_dir=data, load_bundled_catalogue=False))
    try:  # this test process holds the store, as a running `serve` would; its server file points nowhere useful
        (data / SERVER_FILE).write_text(json.dumps({"url": f"http://127.0.0.1:{port}/", "pid": os.getpid()}))
        done = subprocess.run([sys.executable, "-m", "node", "harvest", "partner", "--config", str(config),
                               "--data", str(data)], capture_output=True, text=True, timeout=120,
                              env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=tmp_path)
    finally:
        ctx.close()
        if hang_up:
            hang_up.close()
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 3 and "Traceback" not in done.stderr  # StoreError's exit code
    assert len(lines) == 1 and lines[0].startswith("ehds-node: error: the running server at"), done.stderr
    assert "did not answer" in lines[0] and partner.hits == []


# --- retries (urllib3's Retry under the run's clock) ---------------------------------------------

@pytest.mark.parametrize("retry_after", ["soon", "Mon, 99 Foo 2024 00:00:00 GMT", "-5", ""])
def test_a_garbage_retry_after_falls_back_to_the_backoff(partner, retry_after):
    answers = iter([Reply(b"", status=503, headers={"Retry-After": retry_after}),
                    Reply(catalogue_turtle([1]).encode())])
    url = partner.handle("/c.ttl", lambda request: next(answers))
    waits = []
    fetcher = Fetcher(source(url, retries=1), backoff=0.01, sleep=waits.append)
    assert fetcher.get(url, accept="text/turtle").status == 200
    assert waits == [0.01] and partner.hits_for("/c.ttl") == 2


def test_a_retry_wait_past_the_run_deadline_stops_the_run_instead(partner):
    url = partner.serve("/c.ttl", b"busy", status=503, headers={"Retry-After": "30"})
    waits = []
    fetcher = Fetcher(source(url, retries=3, max_run_seconds=5.0), backoff=0.01, sleep=waits.append)
    with pytest.raises(RunTimeLimit, match=r"max_run_seconds \(5 s\)"):
        fetcher.get(url, accept="text/turtle")
    assert waits == [] and partner.hits_for("/c.ttl") == 1
