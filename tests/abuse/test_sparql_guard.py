"""/sparql may reach the network only towards `sparql_service_allowlist`, whatever the query's spelling.

A real loopback listener counts the connections the node opens; Hypothesis spells SERVICE calls to
it every way SPARQL 1.1 allows (codepoint escapes in keywords and IRIs, case, prefixed names, BASE,
comments, nesting in OPTIONAL/EXISTS/MINUS/UNION/subqueries, SILENT, variables). An allow-listed
partner (a second node, served on loopback) still answers. Plus the protocol findings of issue 10.
"""

from __future__ import annotations

import http.server
import socket
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.sparql.conftest import LiveServer, make_settings
from tests.support.listeners import CountingListener

DCAT = "http://www.w3.org/ns/dcat#"


@pytest.fixture(scope="module")
def listener():
    counting = CountingListener()
    yield counting
    counting.close()


@pytest.fixture(scope="module")
def partner(tmp_path_factory):
    """The allow-listed partner: another node, with the bundled catalogue, on a loopback port."""
    from node.context import open_node
    from node.web.app import create_app

    ctx = open_node(make_settings(tmp_path_factory.mktemp("partner") / "data", sparql_timeout=10.0))
    server = LiveServer(create_app(context=ctx))
    yield server
    server.stop()
    ctx.close()


@pytest.fixture(scope="module")
def redirector(listener):
    """An allow-listed endpoint that answers every request with a redirect to the listener."""
    target = f"http://127.0.0.1:{listener.port}/x"

    class Redirect(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            self.send_response(307)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/sparql"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def client(tmp_path_factory, partner, redirector):
    from node.context import open_node
    from node.web.app import create_app

    ctx = open_node(make_settings(tmp_path_factory.mktemp("guarded") / "data", sparql_timeout=10.0,
                                  load_bundled_catalogue=False,
                                  sparql_service_allowlist=(partner.endpoint, redirector)))
    yield create_app(context=ctx).test_client()
    ctx.close()


def ask(client, query, **params):
    return client.post("/sparql", data={"query": query, **params},
                       headers={"Accept": "application/sparql-results+json"})


# --- how a SERVICE call to the listener can be spelled ------------------------------------------

def escaped(text: str, draw_flags) -> str:
    """`text` with some characters written as \\uXXXX or \\UXXXXXXXX (SPARQL 1.1 §19.2)."""
    out = []
    for char, flag in zip(text, draw_flags):
        out.append(char if flag == 0 else f"\\u{ord(char):04X}" if flag == 1 else f"\\U{ord(char):08x}")
    return "".join(out)


@st.composite
def keyword(draw, word: str) -> str:
    cased = "".join(c.upper() if draw(st.booleans()) else c.lower() for c in word)
    if draw(st.booleans()):  # characters whose upper case is an ASCII letter
        cased = cased.replace("s", "\u017f").replace("i", "\u0131")
    return escaped(cased, draw(st.lists(st.sampled_from([0, 0, 0, 1, 2]), min_size=len(word), max_size=len(word))))


@st.composite
def service_call(draw, port: int):
    """(prologue, pattern): a SERVICE to http://127.0.0.1:<port>/…, spelled some legal way."""
    path = draw(st.sampled_from(["sparql", "x", "", "a/b?c=1"]))
    iri = f"http://127.0.0.1:{port}/{path}"
    flags = draw(st.lists(st.sampled_from([0, 0, 0, 0, 1, 2]), min_size=len(iri), max_size=len(iri)))
    form = draw(st.sampled_from(["iri", "pname", "base", "variable", "values"]))
    prologue, before = "", ""
    if form == "iri":
        target = f"<{escaped(iri, flags)}>"
    elif form == "pname":
        prologue = f"PREFIX p{port % 7}: <{escaped(f'http://127.0.0.1:{port}/', flags)}>\n"
        target = f"p{port % 7}:{path.split('?')[0].replace('/', '_')}"
    elif form == "base":
        prologue = f"BASE <{escaped(f'http://127.0.0.1:{port}/', flags)}>\n"
        target = f"<{path}>" if draw(st.booleans()) else f"<//127.0.0.1:{port}/{path}>"
    elif form == "variable":
        before, target = f"BIND(<{escaped(iri, flags)}> AS ?endpoint) ", "?endpoint"
    else:
        before, target = f"VALUES ?endpoint {{ <{escaped(iri, flags)}> }} ", "?endpoint"
    silent = f" {draw(keyword('silent'))}" if draw(st.booleans()) else ""
    comment = draw(st.sampled_from(["", " # SERVICE <http://127.0.0.1:1/> }\n", "\n#\n"]))
    # a comment ends at a carriage return as at a line feed (SPARQL 1.1 §19.8): what follows is code
    lead = draw(st.sampled_from(["", "# x\r", "#\r\n", "# } \r"]))
    return prologue, f"{lead}{before}{draw(keyword('service'))}{silent}{comment} {target} {{ ?s ?p ?o }}"


WRAPPERS = [
    "{0}", "OPTIONAL {{ {0} }}", "FILTER EXISTS {{ {0} }}", "FILTER NOT EXISTS {{ {0} }}",
    "MINUS {{ {0} }}", "{{ ?a ?b ?c }} UNION {{ {0} }}", "{{ SELECT * WHERE {{ {0} }} LIMIT 1 }}",
    "GRAPH ?g {{ {0} }}", "OPTIONAL {{ FILTER EXISTS {{ {{ SELECT ?s {{ {0} }} }} }} }}",
]
DECOYS = ["", 'BIND(<http://x/\\u0041#> AS ?v) ', 'BIND("\\u0022 # " AS ?w) ', "?x <http://e/p#> ?y . "]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_spelling_of_service_reaches_a_host_off_the_allowlist(client, listener, data):
    prologue, call = data.draw(service_call(listener.port))
    wrapped = data.draw(st.sampled_from(WRAPPERS)).format(call)
    decoy = data.draw(st.sampled_from(DECOYS))
    query = f"{prologue}{data.draw(keyword('select'))} * WHERE {{ {decoy}{wrapped} }}"
    response = ask(client, query)
    assert listener.connections() == 0, query
    assert response.status_code in (400, 403), (query, response.status_code)
    assert response.get_json()["message"]


def test_the_reported_payload_is_refused_and_never_connects(client, listener):
    query = (f"SELECT * WHERE {{ BIND(<http://x/\\u0041#> AS ?v) SERVICE <http://127.0.0.1:{listener.port}/x> "
             "{ ?s ?p ?o } }")
    response = ask(client, query)
    assert response.status_code == 403
    assert f"127.0.0.1:{listener.port}/x" in response.get_json()["message"]
    assert listener.connections() == 0


def test_a_service_after_a_comment_ended_by_a_carriage_return_is_judged(client, listener):
    """rdflib's grammar ran a comment on to the next line feed; Oxigraph (and SPARQL) end it at \\r."""
    query = f"SELECT * WHERE {{ # x\r SERVICE <http://127.0.0.1:{listener.port}/admin> {{ ?s ?p ?o }} \n }} "
    response = ask(client, query)
    assert response.status_code == 403, response.get_data(as_text=True)
    assert f"127.0.0.1:{listener.port}/admin" in response.get_json()["message"]
    assert listener.connections() == 0


@pytest.mark.parametrize("keyword", ["\u017fERVICE", "SERV\u0131CE", "S\\u0045RVICE", "\\U00000053ERVICE", "sErViCe"])
def test_keywords_that_fold_to_service_are_judged_too(client, listener, keyword):
    """'ſ' upper-cases to 'S' and 'ı' to 'I': a parser comparing upper-cased text reads SERVICE."""
    response = ask(client, f"SELECT * {{ {keyword} <http://127.0.0.1:{listener.port}/> {{ ?s ?p ?o }} }}")
    assert response.status_code in (400, 403)
    assert listener.connections() == 0


def test_open_and_closed_ports_look_the_same(client, listener):
    """No port scanning: the answer is decided before any connection, the same for both."""
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    answers = []
    for port in (listener.port, closed_port):
        response = ask(client, f"SELECT * {{ SERVICE SILENT <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}")
        answers.append((response.status_code, response.get_json()["message"].replace(str(port), "PORT")))
    assert answers[0] == answers[1] and answers[0][0] == 403
    assert listener.connections() == 0


@pytest.mark.parametrize("query", [
    f"PREFIX dcat: <{DCAT}> SELECT ?s WHERE {{ ?s a dcat:DataService }}",
    "SELECT ?o WHERE { ?s ?p ?o FILTER(CONTAINS(STR(?o), \"service\")) } LIMIT 1",
    "# SERVICE <http://127.0.0.1:1/> in a comment\nASK { ?s ?p ?o }",
])
def test_the_word_service_alone_is_no_reason_to_refuse(client, query):
    assert ask(client, query).status_code == 200


@pytest.mark.parametrize("spelling", ["{endpoint}", "{escaped}"])
def test_an_allow_listed_partner_is_still_queried(client, partner, spelling):
    endpoint = partner.endpoint
    written = spelling.format(endpoint=endpoint, escaped=endpoint.replace("sparql", "spar\\u0071l"))
    query = (f"PREFIX dcat: <{DCAT}> SELECT ?d WHERE {{ SERVICE <{written}> {{ ?d a dcat:Dataset }} }}")
    response = ask(client, query)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert len(response.get_json()["results"]["bindings"]) == 6  # the bundled catalogue


@pytest.mark.parametrize("params, where", [
    ("default-graph-uri=bad%20iri", "default-graph-uri 'bad iri'"),
    ("named-graph-uri=%00", "named-graph-uri '\\x00'"),
    ("default-graph-uri=relative", "default-graph-uri 'relative'"),
])
def test_bad_dataset_iris_are_400_with_a_message_and_the_workers_live_on(client, params, where):
    response = client.get(f"/sparql?query=ASK%20%7B%7D&{params}")
    assert response.status_code == 400
    assert where in response.get_json()["message"]
    after = ask(client, "ASK { ?s ?p ?o }")  # the node still answers (its own catalogue description is there)
    assert after.status_code == 200 and after.get_json()["boolean"] is True


@pytest.mark.parametrize("body", ["", "format=json", "default-graph-uri=http%3A%2F%2Fe%2Fg"])
def test_a_post_without_a_query_is_400(client, body):
    response = client.post("/sparql", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "'query'" in response.get_json()["message"]


@pytest.mark.parametrize("template", [
    "SELECT * FROM <http://127.0.0.1:{port}/g> WHERE {{ ?s ?p ?o }}",
    "SELECT * FROM NAMED <http://127.0.0.1:{port}/g> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    "DESCRIBE <http://127.0.0.1:{port}/g>",
])
def test_graphs_a_query_names_are_never_fetched(client, listener, template):
    """FROM, FROM NAMED and DESCRIBE select from the store; the engine dereferences nothing."""
    response = client.get("/sparql", query_string={"query": template.format(port=listener.port)},
                          headers={"Accept": "application/sparql-results+json, text/turtle"})
    assert response.status_code == 200
    assert listener.connections() == 0


def test_an_allow_listed_endpoint_cannot_redirect_the_engine_elsewhere(client, listener, redirector):
    response = ask(client, f"SELECT * {{ SERVICE <{redirector}> {{ ?s ?p ?o }} }}")
    assert response.status_code != 200 and "307" in response.get_json()["message"]
    assert listener.connections() == 0


@pytest.mark.parametrize("hide", [
    "FILTER(?a<{o}1{c}&&?a>0)",            # read by a tokenizer as one IRI <…>, by the parser as operators
    r"BIND(<http://x/\u0041#> AS ?v) FILTER({o}1{c})",  # after a '#' a tokenizer may take for a comment
])
def test_nesting_is_bounded_whatever_hides_the_brackets(client, hide):
    """The engine's parser overflows its stack at a few thousand nested brackets; the bound counts every
    bracket character, so no lexical disguise gets deep nesting to it."""
    query = "SELECT * WHERE { ?s ?p ?a " + hide.format(o="(" * 3000, c=")" * 3000) + " }"
    response = client.post("/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 400 and "brackets" in response.get_json()["message"]
    assert client.post("/sparql", data={"query": "ASK {}"}).status_code == 200
