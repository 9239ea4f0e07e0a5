"""Fair shares of the SPARQL query workers (issue 10, finding 4): two clients looping a slow query
used to take every worker, so everyone got 503s and catalogue pages waited. Now a client over its
share gets 429 with Retry-After, other clients (other addresses, known tokens) are still answered,
and pages never wait for query workers.

Each test builds a node with small shares and a short time limit, and sends requests through the
Flask test client from several threads, each request with its own REMOTE_ADDR. Assertions are on
statuses and on ordering (a quick answer arrives while a slow query still runs), never on timings.
"""

from __future__ import annotations

import threading

import pytest
from hypothesis import given, settings as hypothesis_settings, strategies as st

from node.config import Settings, load_settings
from node.errors import ConfigError, TooManyRequests
from node.store.fairness import Admission, FairnessPolicy, client_identity
from tests.conftest import API_TOKEN, BASE_URL

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # runs to any time limit
QUICK = "ASK { ?d a <http://www.w3.org/ns/dcat#Dataset> }"
PARTNER_TOKEN = "partner-token-0123456789"
TIME_LIMIT = 4.0  # the slow query's duration: the ordering assertions below have this much margin


@pytest.fixture
def make_node(tmp_path):
    from node.context import open_node
    from node.web.app import create_app

    contexts = []

    def make(**shares):
        values = dict(sparql_timeout=TIME_LIMIT, sparql_client_tokens=(PARTNER_TOKEN,), **shares)
        ctx = open_node(Settings(base_url=BASE_URL, data_dir=tmp_path / f"data{len(contexts)}",
                                 api_token=API_TOKEN, **values))
        contexts.append(ctx)
        return create_app(context=ctx)

    yield make
    for ctx in contexts:
        ctx.close()


def ask(app, query, address, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return app.test_client().post("/sparql", data={"query": query}, headers=headers,
                                  environ_base={"REMOTE_ADDR": address})


class Slow:
    """A slow query of one client, running in a thread of its own."""

    def __init__(self, app, address, token=None):
        self.args = (app, address, token)
        self.start()

    def start(self):
        self.response = None
        self.thread = threading.Thread(target=self._run, args=self.args, daemon=True)
        self.thread.start()

    def _run(self, app, address, token):
        self.response = ask(app, SLOW, address, token)

    def running(self) -> bool:
        return self.thread.is_alive()

    def finish(self):
        self.thread.join(timeout=TIME_LIMIT + 30)
        return self.response


def until_refused(slow: Slow):
    """Send quick queries as the slow query's client until one is refused while the slow query
    runs: then it holds the client's place. (A quick query may hold it first and the slow one be
    refused: it is sent again.)"""
    app, address, token = slow.args
    for _ in range(10_000):
        response = ask(app, QUICK, address, token)
        if response.status_code == 429 and slow.running():
            return response
        assert response.status_code in (200, 429), response.get_data(as_text=True)
        if not slow.running():
            assert slow.finish().status_code == 429, slow.response.get_data(as_text=True)
            slow.start()
    raise AssertionError("the client was never refused")


def assert_retry_later(response):
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) >= 1
    assert response.get_json()["message"]


def test_a_client_over_its_share_gets_429_while_other_clients_are_answered(make_node):
    app = make_node(sparql_workers=3, sparql_client_workers=1, sparql_client_queue=0)
    slow = Slow(app, "203.0.113.7")
    refused = until_refused(slow)
    assert_retry_later(refused)
    assert "share" in refused.get_json()["message"]
    assert ask(app, QUICK, "203.0.113.8").status_code == 200                     # another address
    assert ask(app, QUICK, "203.0.113.7", token=PARTNER_TOKEN).status_code == 200  # a partner's token
    assert ask(app, QUICK, "203.0.113.7", token=API_TOKEN).status_code == 200      # the node's own token
    assert ask(app, QUICK, "203.0.113.7", token="made-up").status_code == 429      # unknown: no new share
    assert slow.running()  # all of that was answered while the slow query still ran
    assert slow.finish().status_code == 503


def test_pages_and_dataset_documents_answer_while_every_worker_runs_a_slow_query(make_node):
    app = make_node(sparql_workers=2, sparql_client_workers=1, sparql_client_queue=1, sparql_queue=0)
    slow = [Slow(app, "198.51.100.1"), Slow(app, "198.51.100.2")]
    until_refused(slow[0])
    until_refused(slow[1])
    client = app.test_client()
    assert client.get("/catalog", headers={"Accept": "text/turtle"}).status_code == 200
    assert client.get("/datasets/snds", headers={"Accept": "text/turtle"}).status_code == 200
    assert client.get("/catalog").status_code == 200  # the HTML page
    assert all(query.running() for query in slow)
    assert [query.finish().status_code for query in slow] == [503, 503]


def test_waiting_past_the_queue_deadline_is_429_not_503(make_node):
    app = make_node(sparql_workers=1, sparql_client_workers=1, sparql_client_queue=0, sparql_queue_timeout=0.2)
    slow = Slow(app, "192.0.2.1")
    until_refused(slow)
    waited = ask(app, QUICK, "192.0.2.2")  # its first query: it may wait, but only until the deadline
    assert_retry_later(waited)
    assert "within 0.2 s" in waited.get_json()["message"]
    assert slow.running()
    assert slow.finish().status_code == 503


def test_a_query_waiting_for_its_own_clients_share_says_so():
    """One worker of six busy, with this client's query: its next one waited for its own share, and the
    429 said "all 6 are busy"."""
    admission = Admission(FairnessPolicy(workers=6, client_workers=1, client_queue=2, queue=8, queue_timeout=0.1))
    with admission.slot("one", 60):
        with pytest.raises(TooManyRequests) as refused:
            with admission.slot("one", 60):
                pass
    message = refused.value.message
    assert "at most 1 at once" in message and "busy" not in message


def test_a_client_whose_queries_run_to_the_time_limit_loses_its_share(make_node):
    app = make_node(sparql_workers=2, sparql_client_budget=1.0, sparql_budget_window=600.0)
    assert ask(app, SLOW, "192.0.2.10").status_code == 503   # ran to the time limit: 4 worker-seconds
    refused = ask(app, QUICK, "192.0.2.10")
    assert_retry_later(refused)
    assert "share" in refused.get_json()["message"] and int(refused.headers["Retry-After"]) > 60
    assert ask(app, QUICK, "192.0.2.11").status_code == 200  # others are not affected
    # refused before routing (node/web/shedding.py): not even parsed, so a malformed query is 429 too
    assert_retry_later(ask(app, "this is not SPARQL", "192.0.2.10"))
    assert ask(app, "this is not SPARQL", "192.0.2.11").status_code == 400


def test_a_client_with_many_queries_in_flight_makes_room_for_a_lighter_one():
    admission = Admission(FairnessPolicy(workers=1, client_workers=1, client_queue=3, queue=1, queue_timeout=60))
    outcome = {}

    def query(client):
        try:
            with admission.slot(client, 60):
                outcome[client] = "ran"
        except TooManyRequests as err:
            outcome[client] = err

    with admission.slot("heavy", 60):          # the one worker is busy with the heavy client's query
        heavy_again = threading.Thread(target=query, args=("heavy",))
        heavy_again.start()
        while admission.waiting < 1:           # its second query waits; the queue is full
            heavy_again.join(0.01)
        light = threading.Thread(target=query, args=("light",))
        light.start()
        heavy_again.join(30)                   # pushed out for the light client, while the worker is still busy
        assert isinstance(outcome["heavy"], TooManyRequests) and outcome["heavy"].retry_after >= 1
        assert admission.waiting == 1 and "light" not in outcome
    light.join(30)
    assert outcome["light"] == "ran"


@pytest.mark.parametrize("shares, setting", [
    ({"sparql_workers": 0}, "sparql_workers"),
    ({"sparql_client_workers": 0}, "sparql_client_workers"),
    ({"sparql_workers": 2, "sparql_client_workers": 3}, "sparql_client_workers"),
    ({"sparql_client_queue": -1}, "sparql_client_queue"),
    ({"sparql_queue_timeout": 0.0}, "sparql_queue_timeout"),
    ({"sparql_client_budget": float("nan")}, "sparql_client_budget"),
    ({"sparql_budget_window": float("inf")}, "sparql_budget_window"),
    ({"threads": 8}, "threads"),
    ({"threads": 100_000}, "threads"),  # each a thread of the web process
    ({"sparql_workers": 1000, "threads": 1024}, "sparql_workers"),  # each a process
])
def test_shares_are_validated_at_start(shares, setting):
    with pytest.raises(ConfigError, match=setting):
        Settings(**shares)


def test_shares_from_the_environment_are_read_and_checked():
    loaded = load_settings(environ={"EHDS_NODE_SPARQL_WORKERS": "3", "EHDS_NODE_SPARQL_QUEUE": "4",
                                    "EHDS_NODE_SPARQL_CLIENT_TOKENS": "a,b"})
    assert (loaded.sparql_workers, loaded.sparql_queue, loaded.sparql_client_tokens) == (3, 4, ("a", "b"))
    with pytest.raises(ConfigError, match="sparql_queue_timeout"):
        load_settings(environ={"EHDS_NODE_SPARQL_QUEUE_TIMEOUT": "-1"})


def test_client_identity_groups_ipv6_by_64_and_never_shows_the_token():
    assert client_identity("2001:db8:1:2::5", None, ()) == client_identity("2001:db8:1:2:ffff::9", None, ())
    assert client_identity("2001:db8:1:2::5", None, ()) != client_identity("2001:db8:1:3::5", None, ())
    assert client_identity("::ffff:192.0.2.1", None, ()) == client_identity("192.0.2.1", None, ())
    known = client_identity("192.0.2.1", "Bearer sekrit-token", ("sekrit-token",))
    assert "sekrit" not in known and known != client_identity("192.0.2.1", None, ())
    assert client_identity("192.0.2.1", "Bearer other", ("sekrit-token",)) == client_identity("192.0.2.1", None, ())


@hypothesis_settings(max_examples=200, deadline=None)
@given(address=st.text(max_size=60), authorization=st.one_of(st.none(), st.text(max_size=80)))
def test_client_identity_is_total_and_keeps_tokens_out(address, authorization):
    label = client_identity(address, authorization, ("known-token-123",))
    assert label.startswith(("address:", "token:"))
    assert "known-token-123" not in label


def test_clients_seen_once_are_forgotten_after_the_window():
    """One quick query from each of 1,000 addresses must not leave 1,000 entries for good."""
    now = [0.0]
    admission = Admission(FairnessPolicy(window=60.0), clock=lambda: now[0])
    for i in range(1000):
        with admission.slot(f"address:10.0.{i // 256}.{i % 256}", 10):
            now[0] += 0.001
    assert admission.clients == 1000
    now[0] += 61.0
    with admission.slot("address:192.0.2.99", 10):
        pass
    assert admission.clients == 1
