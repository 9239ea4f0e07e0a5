"""The per-client request rate (node/web/request_rate.py), applied before routing on every route
(issue 10: an impolite flooder must be cheap and bounded)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from node.config import Settings
from node.errors import ConfigError
from node.web.request_rate import RatePolicy, RequestRate
from tests.conftest import API_TOKEN, BASE_URL

PARTNER_TOKEN = "partner-token-0123456789"
NO_REFILL = 0.0001  # tokens per second: nothing refills during a test, so counts are exact


@pytest.fixture
def make_app(tmp_path):
    from node.context import open_node
    from node.web.app import create_app

    contexts = []

    def make(**limits):
        ctx = open_node(Settings(base_url=BASE_URL, data_dir=tmp_path / f"data{len(contexts)}", api_token=API_TOKEN,
                                 sparql_client_tokens=(PARTNER_TOKEN,), **limits))
        contexts.append(ctx)
        return create_app(context=ctx)

    yield make
    for ctx in contexts:
        ctx.close()


def get(app, path, address, token=None, accept="text/html,*/*;q=0.8"):
    headers = {"Accept": accept, **({"Authorization": f"Bearer {token}"} if token else {})}
    return app.test_client().get(path, headers=headers, environ_base={"REMOTE_ADDR": address})


def test_a_flooder_is_refused_past_its_burst_on_every_route_while_others_are_answered(make_app):
    app = make_app(request_rate=NO_REFILL, request_burst=5)
    assert [get(app, "/catalog", "203.0.113.7").status_code for _ in range(5)] == [200] * 5
    for path in ("/catalog", "/sparql?query=ASK%7B%7D", "/no-such-page", "/static/portal.css"):
        refused = get(app, path, "203.0.113.7")
        assert refused.status_code == 429, path
        assert int(refused.headers["Retry-After"]) >= 1
        assert refused.mimetype == "application/json"
        assert "requests per second" in refused.get_json()["message"]
    assert get(app, "/catalog", "203.0.113.8").status_code == 200
    assert get(app, "/catalog", "203.0.113.7", token=PARTNER_TOKEN).status_code == 200  # a known token: own bucket


def test_hammering_while_refused_makes_the_wait_longer_up_to_the_cap():
    clock = [0.0]
    rate = RequestRate(RatePolicy(rate=1.0, burst=2, max_delay=10), clock=lambda: clock[0])
    assert rate.check("c") is None and rate.check("c") is None
    waits = [rate.check("c").retry_after for _ in range(30)]
    assert waits[0] == 1 and waits == sorted(waits) and waits[-1] == 10
    clock[0] += 5  # half the debt paid: still refused, for the other half
    assert rate.check("c").retry_after == 6
    clock[0] += 20
    assert rate.check("c") is None


def test_only_the_first_refusal_in_a_row_is_marked_for_the_log():
    rate = RequestRate(RatePolicy(rate=NO_REFILL, burst=1), clock=lambda: 0.0)
    rate.check("c")
    assert [rate.check("c").first for _ in range(3)] == [True, False, False]


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.paths = []

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        link = found.get("src") if tag in ("script", "img") else found.get("href") if tag == "link" else None
        if link and not link.startswith(("http:", "https:", "data:")):
            self.paths.append("/" + link.lstrip("/").removeprefix(BASE_URL))


def test_a_browser_loading_pages_with_their_assets_and_a_quick_harvester_are_not_refused(make_app):
    app = make_app()  # the defaults
    page = get(app, "/catalog", "198.51.100.1")
    parser = _Assets()
    parser.feed(page.get_data(as_text=True))
    assert parser.paths  # the page has assets, which the browser fetches at once
    statuses = []
    for _ in range(10):  # ten page views in a row, each with every asset
        statuses += [get(app, path, "198.51.100.1").status_code for path in ["/catalog", *parser.paths]]
    assert 429 not in statuses and len(statuses) > 10
    harvester = [get(app, f"/catalog?page={n}", "198.51.100.2").status_code for n in range(1, 60)]
    assert 429 not in harvester


def test_the_client_table_stays_bounded_under_many_addresses(make_app):
    app = make_app(request_rate_clients=50)
    for n in range(300):
        assert get(app, "/favicon.ico", f"10.{n // 250}.{n % 250}.1").status_code != 429
        assert get(app, "/favicon.ico", f"2001:db8:{n:x}::1").status_code != 429
    assert app.wsgi_app.request_rate.clients <= 50


def test_a_full_table_never_gives_the_sender_a_fresh_bucket():
    rate = RequestRate(RatePolicy(rate=NO_REFILL, burst=2, clients=1), clock=lambda: 0.0)
    assert [rate.check("c") is None for _ in range(4)] == [True, True, False, False]


def test_idle_clients_are_forgotten_and_an_ipv6_64_is_one_client():
    clock = [0.0]
    rate = RequestRate(RatePolicy(rate=10.0, burst=5), clock=lambda: clock[0])
    for n in range(100):
        rate.check(f"address:{n}")
    assert rate.clients == 100
    clock[0] += 1  # every bucket full again: nothing left to remember
    rate.check("address:new")
    assert rate.clients == 1


@pytest.mark.parametrize("limits", [dict(request_rate=-1), dict(request_burst=0), dict(request_rate=float("nan")),
                                    dict(request_rate_clients=0), dict(request_max_delay=0)])
def test_bad_rate_settings_are_refused_by_name(limits):
    with pytest.raises(ConfigError, match="request_"):
        RatePolicy.from_settings(Settings(base_url=BASE_URL, **limits))
