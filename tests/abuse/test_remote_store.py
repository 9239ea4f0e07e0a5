"""The remote store against a scripted loopback server: credentials are sent and never shown,
reads are retried and updates are not, and whatever the server answers becomes a clear NodeError."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from node.errors import QueryError, QueryRefused, QueryTimeout, StoreError
from node.store.base import GraphChange
from node.store.remote import RemoteStore
from node.store.remote_http import Endpoints

TRUE = (200, "application/sparql-results+json", b'{"head":{},"boolean":true}')


class Scripted(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        self.server.bodies.append(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        self.server.seen.append((self.path, self.headers.get("Authorization")))
        status, media_type, body, *headers = self.server.answers.pop(0) if self.server.answers else TRUE
        if status == "slow":
            threading.Event().wait(2)
            status = 200
        if status == "cut":  # promises more than it sends, then hangs up
            self.send_response(200)
            self.send_header("Content-Type", media_type)
            self.send_header("Content-Length", str(len(body) + 1000))
            self.end_headers()
            self.wfile.write(body)
            self.close_connection = True
            return
        self.send_response(status)
        for name, value in (headers[0] if headers else {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Scripted)
    server.seen, server.answers, server.bodies = [], [], []
    server.handle_error = lambda request, address: None  # a client that gave up (the timeout test) is expected
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def store(fake, **options) -> RemoteStore:
    url = f"http://127.0.0.1:{fake.server_address[1]}/"
    return RemoteStore(Endpoints(url + "query", url + "update", **options), "http://n.test/")


def test_basic_and_bearer_credentials_are_sent(fake):
    store(fake, user="alice", password="pw").ask("ASK {}")
    store(fake, token="tok").ask("ASK {}")
    assert fake.seen[0][1].startswith("Basic ") and fake.seen[1][1] == "Bearer tok"


def test_refused_credentials_are_a_store_error_that_never_shows_them(fake):
    fake.answers = [(401, "text/plain", b"who are you")]
    with pytest.raises(StoreError, match="refused our credentials") as refused:
        store(fake, user="alice", password="pw-secret").check()
    assert "pw-secret" not in refused.value.message
    assert "pw-secret" not in repr(Endpoints("http://h/q", "http://h/u", user="a", password="pw-secret"))


def test_a_read_is_retried_after_a_503_and_an_update_is_not(fake):
    fake.answers = [(503, "text/plain", b"busy"), TRUE]
    assert store(fake, retries=2).ask("ASK {}") is True
    assert len(fake.seen) == 2
    fake.seen.clear()
    fake.answers = [(503, "text/plain", b"busy")]
    with pytest.raises(StoreError, match="HTTP 503"):
        store(fake, retries=2).apply([GraphChange("http://n.test/g", None)])
    assert len(fake.seen) == 1


@pytest.mark.parametrize("answer", [
    (200, "text/html", b"<html>a login page</html>"),
    (200, "application/sparql-results+json", b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": 1}]}}'),
    (500, "text/plain", b"\xff\xfe internal"),
    (404, "text/html", b"not here"),
])
def test_any_odd_answer_is_a_node_error(fake, answer):
    fake.answers = [answer] * 4
    with pytest.raises((StoreError, QueryRefused)) as failed:
        store(fake, retries=0).select("SELECT * WHERE { ?s ?p ?o }")
    assert failed.value.http_status in (403, 503)


def test_a_slow_server_is_a_timeout_and_a_large_answer_is_refused(fake):
    fake.answers = [("slow", "application/sparql-results+json", b"{}")]
    with pytest.raises(QueryTimeout):
        store(fake, timeout=0.5, retries=0).ask("ASK {}")
    big = b'{"head":{"vars":["x"]},"results":{"bindings":[' + b",".join(
        [b'{"x":{"type":"literal","value":"' + b"v" * 100 + b'"}}'] * 2000) + b"]}}"
    fake.answers = [(200, "application/sparql-results+json", big)]
    small = store(fake)
    small.max_response_bytes = 10_000
    with pytest.raises(QueryRefused, match="larger than"):
        small.query("SELECT * WHERE { ?s ?p ?o }", "text/csv", timeout=5, max_rows=10)


def test_an_answer_cut_short_in_transfer_is_a_store_error(fake):
    start = b'{"head":{"vars":["x"]},"results":{"bindings":[{}'
    fake.answers = [("cut", "application/sparql-results+json", start)] * 2
    with pytest.raises(StoreError, match="cut short"):
        store(fake).query("SELECT * WHERE { ?s ?p ?o }", "application/sparql-results+json", timeout=5, max_rows=10)
    with pytest.raises(StoreError):
        store(fake, retries=0).select("SELECT * WHERE { ?s ?p ?o }")


def test_virtuoso_style_blank_nodes_in_json_results_are_read(fake):
    answer = (b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"bnode","value":"nodeID://b10000"}},'
              b'{"s":{"type":"bnode","value":"nodeID://b10001"}}]}}')
    fake.answers = [(200, "application/sparql-results+json", answer)]
    rows = store(fake).select("SELECT ?s WHERE { ?s ?p ?o }")
    assert len(rows) == 2 and rows[0]["s"] != rows[1]["s"]


def test_a_graph_with_blank_nodes_is_inserted_with_a_template_not_insert_data(fake):
    import pyoxigraph as ox

    blank = ox.Triple(ox.BlankNode(), ox.NamedNode("http://p.test/p"), ox.Literal("v"))
    named = ox.Triple(ox.NamedNode("http://s.test/"), ox.NamedNode("http://p.test/p"), ox.Literal("v"))
    remote = store(fake)
    with_blank, without = remote._insert("<http://n.test/g>", (blank,)), remote._insert("<http://n.test/g>", (named,))
    assert with_blank.startswith("INSERT {") and with_blank.endswith("WHERE { }")  # Virtuoso refuses them in INSERT DATA
    assert without.startswith("INSERT DATA")


VIRTUOSO = {"Server": "Virtuoso/07.20.3229 (Linux) x86_64-pc-linux-gnu"}
ROWS = (b'{"head":{"vars":["n"]},"results":{"bindings":[{"n":{"type":"literal","datatype":'
        b'"http://www.w3.org/2001/XMLSchema#integer","value":"1"}}]}}')


@pytest.mark.parametrize("headers, error", [
    ({"X-SPARQL-MaxRows": "10000"}, StoreError),  # Virtuoso's ResultSetMaxRows cut the answer
    ({"X-SQL-State": "S1TAT", "X-SQL-Message": "Returning incomplete results"}, QueryTimeout),  # anytime query
])
def test_a_cut_or_partial_answer_is_an_error_never_rows(fake, headers, error):
    fake.answers = [(200, "application/sparql-results+json", ROWS, headers)] * 2
    with pytest.raises(error):
        store(fake).select("SELECT ?n WHERE { ?s ?p ?n }")
    with pytest.raises(error):
        store(fake).query("SELECT ?n WHERE { ?s ?p ?n }", "text/csv", timeout=5)


def test_the_success_state_is_read_as_success(fake):
    fake.answers = [(200, "application/sparql-results+json", ROWS, {"X-SQL-State": "00000"})]
    assert [row["n"].value for row in store(fake).select("SELECT ?n WHERE { ?s ?p ?n }")] == ["1"]


def test_on_virtuoso_marked_literals_and_numeric_booleans_are_read_back(fake):
    answer = (b'{"head":{"vars":["d","b"]},"results":{"bindings":[{"d":{"type":"typed-literal","datatype":'
              b'"urn:ehds-node:as-written:http://www.w3.org/2001/XMLSchema#duration","value":"P1D"},'
              b'"b":{"type":"typed-literal","datatype":"http://www.w3.org/2001/XMLSchema#boolean","value":"1"}}]}}')
    fake.answers = [(200, "application/sparql-results+json", b'{"head":{},"boolean":true}', VIRTUOSO),
                    TRUE, (200, "text/plain", b""), (200, "application/sparql-results+json", answer)]
    remote = store(fake)
    remote.check()
    row = remote.select("SELECT * WHERE { ?s ?d ?b }")[0]
    assert str(row["d"]) == '"P1D"^^<http://www.w3.org/2001/XMLSchema#duration>'
    assert str(row["b"]) == '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>'


def test_on_virtuoso_a_time_limit_is_passed_to_the_server(fake):
    from node.store.remote_dialect import VirtuosoDialect

    remote = store(fake)
    remote.dialect = VirtuosoDialect()
    fake.answers = [(200, "application/sparql-results+json", ROWS)]
    remote.query("SELECT ?n WHERE { ?s ?p ?n }", "application/sparql-results+json", timeout=2.5)
    assert fake.bodies[-1].count(b"timeout=2500") == 1


XSD_TYPES = ["integer", "decimal", "double", "float", "boolean", "long", "int", "date", "dateTime", "dateTimeStamp",
             "gYear", "gYearMonth", "time", "duration", "dayTimeDuration", "string", "anyURI", "nonNegativeInteger"]


@settings(max_examples=300, deadline=None)
@given(value=st.text(max_size=40), datatype=st.sampled_from(XSD_TYPES + [
    "urn:ehds-node:as-written:http://www.w3.org/2001/XMLSchema#decimal", "urn:ehds-node:as-written:x"]))
def test_any_literal_survives_the_virtuoso_encoding(value, datatype):
    """Whatever the lexical form (valid or not), what is stored reads back as written."""
    import pyoxigraph as ox

    from node.store.remote_dialect import VirtuosoDialect

    dialect = VirtuosoDialect()
    iri = datatype if ":" in datatype else "http://www.w3.org/2001/XMLSchema#" + datatype
    literal = ox.Literal(value, datatype=ox.NamedNode(iri))
    stored = dialect.stored(literal)
    assert dialect.read(stored) == literal
    assert stored == literal or stored.datatype.value.startswith("urn:ehds-node:as-written:")


def test_a_write_past_the_request_size_is_split_by_record_with_its_entry():
    import pyoxigraph as ox

    from node.store import changelog
    from node.store.base import GraphChange, ValueCopy
    from node.store.sparql_update import bounded_updates, insert_data

    base = "http://n.test/"
    changes, copies = [], []
    for n in range(10):
        graph, entry = f"{base}graph/local/r{n}", changelog.entry_iri(base, n + 1)
        changes.append(GraphChange(graph, (ox.Triple(ox.NamedNode(f"{base}d{n}"), ox.NamedNode("http://p.test/t"),
                                                     ox.Literal(f"r{n} " + "x" * 3000)),)))
        changes.append(GraphChange(entry, (ox.Triple(ox.NamedNode(entry), changelog.GRAPH, ox.NamedNode(graph)),),
                                   fresh=True))
        copies.append(ValueCopy(graph, "http://p.test/form", entry, "http://p.test/payload", entry))
    copies.append(ValueCopy(f"{base}graph/local/r0", "http://p.test/form", f"{base}x", "http://p.test/v", f"{base}x"))
    requests = bounded_updates(changes, copies, insert_data, 8000)
    assert len(requests) > 1 and all(len(r.encode()) <= 8000 for r in requests)
    for n in range(10):
        holding = [r for r in requests if f"INSERT DATA {{ GRAPH <{base}graph/local/r{n}>" in r]
        entry = changelog.entry_iri(base, n + 1)
        assert len(holding) == 1 and f"<{entry}>" in holding[0] and f"GRAPH <{entry}> {{ <{entry}> <http://p.test/payload>" in holding[0]
    assert sum(r.count(f"GRAPH <{base}x>") for r in requests) == 1  # a copy into no entry is not lost either
    assert bounded_updates(changes, copies, insert_data, None) == [bounded_updates(changes, copies, insert_data, 10**9)[0]]


def test_a_value_larger_than_the_reader_takes_is_a_clear_refusal(fake):
    """One 17 MB value (a GROUP_CONCAT of the whole store) made pyoxigraph's reader raise MemoryError: a 500."""
    huge = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"' + b"v" * 17_000_000 + b'"}}]}}'
    fake.answers = [(200, "application/sparql-results+json", huge)] * 2
    with pytest.raises(QueryRefused, match="16 MiB"):
        store(fake).query("SELECT ?x WHERE { ?s ?p ?x }", "text/csv", timeout=30, max_rows=10)
    with pytest.raises(StoreError):
        store(fake, retries=0).select("SELECT ?x WHERE { ?s ?p ?x }")


def test_a_query_the_server_cannot_evaluate_is_the_query_s_error_without_the_query_text(fake):
    """Virtuoso's 500 on a valid query (its cost estimate, a huge OFFSET) came back as 503 "Store
    unavailable", telling the client to retry, and quoted the query with the node's additions."""
    refusal = (b"Virtuoso 42000 Error The estimated execution time 64577 (sec) exceeds the limit of 400 (sec).\n\n"
               b"SPARQL query:\ndefine sql:big-data-const 0 BASE <http://n.test/sparql> SELECT * WHERE { ?s ?p ?o }")
    fake.answers = [(500, "text/plain", refusal)] * 2
    with pytest.raises(QueryError) as refused:
        store(fake).query("SELECT * WHERE { ?s ?p ?o }", "application/sparql-results+json", timeout=5, max_rows=10)
    assert refused.value.http_status == 400 and "estimated execution time" in refused.value.message
    assert "define sql" not in refused.value.message and "SPARQL query" not in refused.value.message
    with pytest.raises(StoreError):  # the node's own reads: the store failing
        store(fake, retries=0).select("SELECT * WHERE { ?s ?p ?o }")


def test_an_update_sent_to_a_query_only_endpoint_names_the_setting(fake):
    """Without store_update_url the updates go to the query endpoint; Oxigraph's answer, HTTP 415 "No
    supported content Content-Type", said nothing of the setting to fix."""
    fake.answers = [(415, "text/plain", b"No supported content Content-Type given: application/sparql-update")]
    with pytest.raises(StoreError, match="store_update_url"):
        store(fake).apply([GraphChange("http://n.test/g", None)])


def test_virtuoso_typed_literals_are_renamed_and_a_value_that_looks_like_one_is_kept():
    import json

    from node.store.remote_dialect import VirtuosoDialect

    value = '"type": "typed-literal"'
    body = json.dumps({"head": {"vars": ["a", "b"]}, "results": {"bindings": [{
        "a": {"type": "typed-literal", "datatype": "http://www.w3.org/2001/XMLSchema#integer", "value": "5"},
        "b": {"type": "literal", "value": value}}]}}).encode()
    [row] = json.loads(VirtuosoDialect().json_results(body))["results"]["bindings"]
    assert row["a"]["type"] == "literal" and row["b"]["value"] == value
