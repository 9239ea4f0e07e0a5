"""The node on a SPARQL 1.1 server (store = "sparql"): writes land on the server, several processes
follow each other's writes through the change log, and the server's failures are clear errors."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from node.config import Settings, load_settings
from node.errors import ConfigError, StoreError
from node.store.remote import RemoteStore
from tests.conftest import BASE_URL
from tests.publish.sample_records import renamed, turtle
from tests.publish.test_write_api import AUTH, put
from tests.remote.conftest import OxigraphServer, free_port, remote_settings

ROOT = Path(__file__).resolve().parents[2]


def server_asks(server, query: str) -> bool:
    answer = requests.post(server.query_url, data={"query": query},
                           headers={"Accept": "application/sparql-results+json"}, timeout=10)
    return answer.json()["boolean"]


def page_lists(client, record_id: str) -> bool:
    page = client.get("/catalog", headers={"Accept": "application/n-triples"})
    assert page.status_code == 200
    return f"{BASE_URL}datasets/{record_id}>".encode() in page.get_data()


def test_put_and_delete_through_the_write_api_land_on_the_server(node, client, remote):
    assert isinstance(node.store.backend, RemoteStore)
    graph = node.naming.local_graph("copy")
    assert put(client, "copy", turtle(renamed("snds", "copy"))).status_code == 201
    assert server_asks(remote, f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert client.get("/datasets/copy", headers={"Accept": "text/turtle"}).status_code == 200
    assert page_lists(client, "copy")
    assert client.delete("/datasets/copy", headers=AUTH).status_code == 204
    assert not server_asks(remote, f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert client.get("/datasets/copy").status_code == 404 and not page_lists(client, "copy")


def test_a_write_through_one_process_reaches_another_and_the_log_stays_one(settings):
    from node.context import open_node
    from node.web.app import create_app

    first, second = open_node(settings), open_node(settings)  # two workers on one server
    try:
        one, other = create_app(context=first).test_client(), create_app(context=second).test_client()
        assert put(other, "early", turtle(renamed("snds", "early"))).status_code == 201  # it knows the log's end
        assert not page_lists(other, "copy")  # the second worker has its catalogue order cached
        before = second.store.generation
        assert put(one, "copy", turtle(renamed("snds", "copy"))).status_code == 201
        deadline = time.monotonic() + 10
        while not page_lists(other, "copy") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert page_lists(other, "copy")
        assert second.store.changed_graphs(before) == {first.naming.local_graph("copy")}  # no full re-read
        assert put(other, "copy2", turtle(renamed("snds", "copy2"))).status_code == 201  # continues the log
        entries = first.store.changes(1, 9)
        assert [e.sequence for e in entries] == list(range(1, 10))
        assert [e.dataset_iri.rsplit("/", 1)[-1] for e in entries[-3:]] == ["early", "copy", "copy2"]
    finally:
        first.close()
        second.close()


def cli(*args, env_extra: dict, timeout: float = 120):
    env = {**os.environ, "PYTHONPATH": str(ROOT), **env_extra}
    return subprocess.run([sys.executable, "-m", "node", *args], capture_output=True, text=True,
                          env=env, timeout=timeout, cwd=ROOT)


def store_env(remote, tmp_path) -> dict:
    return {"EHDS_NODE_STORE": "sparql", "EHDS_NODE_STORE_QUERY_URL": remote.query_url,
            "EHDS_NODE_STORE_UPDATE_URL": remote.update_url, "EHDS_NODE_BASE_URL": BASE_URL,
            "EHDS_NODE_DATA_DIR": str(tmp_path / "cli")}


def test_load_and_export_run_from_the_cli_while_a_node_is_open(node, client, remote, tmp_path):
    record = tmp_path / "copy.ttl"
    record.write_bytes(turtle(renamed("snds", "loaded")))
    loaded = cli("load", str(record), env_extra=store_env(remote, tmp_path))
    assert loaded.returncode == 0, loaded.stderr
    deadline = time.monotonic() + 10
    while not page_lists(client, "loaded") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert page_lists(client, "loaded")
    exported = cli("export", "--format", "nt", "-o", str(tmp_path / "all.nt"), env_extra=store_env(remote, tmp_path))
    assert exported.returncode == 0, exported.stderr
    assert f"{BASE_URL}datasets/loaded>".encode() in (tmp_path / "all.nt").read_bytes()


def test_an_unreachable_server_is_one_clear_line_and_exit_3(tmp_path):
    env = {"EHDS_NODE_STORE": "sparql", "EHDS_NODE_STORE_QUERY_URL": f"http://127.0.0.1:{free_port()}/query",
           "EHDS_NODE_DATA_DIR": str(tmp_path / "cli")}
    result = cli("export", "-o", str(tmp_path / "all.nt"), env_extra=env)
    assert result.returncode == 3
    assert "cannot reach the SPARQL server" in result.stderr and "Traceback" not in result.stderr


def test_a_server_whose_default_graph_is_not_the_union_is_refused_at_start(tmp_path):
    from node.context import open_node

    server = OxigraphServer(tmp_path / "plain")  # without --union-default-graph
    try:
        with pytest.raises(StoreError, match="union"):
            open_node(remote_settings(server, tmp_path / "data"))
    finally:
        server.stop()


def test_store_settings_are_checked_and_secrets_never_shown(tmp_path):
    with pytest.raises(ConfigError, match="store_query_url"):
        Settings(store="sparql")
    with pytest.raises(ConfigError, match="store must be one of"):
        Settings(store="virtuoso-ish")
    with pytest.raises(ConfigError, match="without credentials"):
        Settings(store="sparql", store_query_url="http://user:secret@127.0.0.1:1/query")
    for bad in ("http://[::1:8890/query", "http://127.0.0.1:99999/query"):  # urlsplit's ValueErrors: a traceback
        with pytest.raises(ConfigError, match="store_query_url is not a valid URL"):
            Settings(store="sparql", store_query_url=bad)
    with pytest.raises(ConfigError, match="base_url is not a valid URL"):
        Settings(base_url="http://[::1/")
    with pytest.raises(ConfigError, match="got '127.0.0.1:8890/sparql'"):
        Settings(store="sparql", store_query_url="127.0.0.1:8890/sparql")
    with pytest.raises(ConfigError, match="not both"):
        Settings(store="sparql", store_query_url="http://127.0.0.1:1/q", store_user="u", store_token="t")
    with pytest.raises(ConfigError, match="sparql_union_default_graph = false cannot be honoured"):  # was ignored
        Settings(store="sparql", store_query_url="http://127.0.0.1:1/q", sparql_union_default_graph=False)
    settings = load_settings(None, environ={"EHDS_NODE_STORE": "sparql", "EHDS_NODE_STORE_QUERY_URL": "http://h/q",
                                            "EHDS_NODE_STORE_USER": "u", "EHDS_NODE_STORE_PASSWORD": "pw-secret"})
    assert settings.store == "sparql" and settings.store_password == "pw-secret"
    assert "pw-secret" not in repr(settings)
    assert "tok-secret" not in repr(Settings(store="sparql", store_query_url="http://h/q", store_token="tok-secret"))


def test_the_public_endpoint_caps_rows_on_a_remote_store(tmp_path, remote):
    from node.context import open_node
    from node.web.app import create_app

    ctx = open_node(remote_settings(remote, tmp_path / "data", sparql_max_rows=3))
    try:
        client = create_app(context=ctx).test_client()
        many = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"})
        assert many.status_code == 403 and "more than 3" in many.json["message"]
        few = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 3"},
                         headers={"Accept": "text/csv"})
        assert few.status_code == 200 and few.get_data().count(b"\r\n") == 4
        # the shortest rows there are (`{}`): a JSON answer passed through is still held to the cap
        for values, status in (("UNDEF UNDEF UNDEF UNDEF", 403), ("UNDEF UNDEF UNDEF", 200)):
            empty = client.get("/sparql", query_string={"query": f"SELECT * WHERE {{ VALUES ?x {{ {values} }} }}"},
                               headers={"Accept": "application/sparql-results+json"})
            assert empty.status_code == status, empty.get_data()
        assert empty.json["results"]["bindings"] == [{}, {}, {}]
    finally:
        ctx.close()


def test_rebase_refuses_a_remote_store_instead_of_rewriting_the_embedded_one(tmp_path, remote):
    result = cli("rebase", "http://new.test/", env_extra=store_env(remote, tmp_path))
    assert result.returncode == 2
    assert "embedded store only" in result.stderr and not (tmp_path / "cli" / "store").exists()


def test_a_harvest_from_the_cli_runs_while_a_node_is_open_and_reaches_it(partner, central, remote, tmp_path, capsys):
    from node.cli import main
    from tests.harvesters.catalogues import partner_config

    config = tmp_path / "node.toml"
    config.write_text(partner_config(partner))
    assert len(central.index.entries()) == 0
    code = main(["harvest", "partner", "--config", str(config), "--data", str(tmp_path / "cli"), "--store", "sparql",
                 "--store-query-url", remote.query_url, "--store-update-url", remote.update_url])
    assert code == 0 and "written 3" in capsys.readouterr().out
    deadline = time.monotonic() + 10
    while len(central.index.entries()) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(central.index.entries()) == 3
    assert [e.kind for e in central.store.changes(1, central.store.last_sequence())] == ["create"] * 3


def test_a_missing_data_directory_is_made_and_one_in_the_way_is_a_clear_error(tmp_path, remote):
    """On a remote store the data directory holds only harvest state and server.json: `serve` wrote
    server.json into a directory nobody had made and died with a traceback."""
    from node.context import open_node
    from node.server_file import write_server_file

    ctx = open_node(remote_settings(remote, tmp_path / "new" / "data"))
    try:
        assert write_server_file(tmp_path / "new" / "data", "http://127.0.0.1:1/").is_file()
    finally:
        ctx.close()
    (tmp_path / "a-file").write_text("")
    result = cli("export", "-o", str(tmp_path / "all.nt"), env_extra=store_env(remote, tmp_path / "a-file" / "x"))
    assert result.returncode == 2 and "cannot create the data directory" in result.stderr
    assert "Traceback" not in result.stderr


def test_public_errors_never_show_the_store_address(tmp_path):
    """A 503 for an unreachable store quoted the internal server's URL to any client."""
    from node.context import open_node
    from node.web.app import create_app

    server = OxigraphServer(tmp_path / "own", "--union-default-graph")
    ctx = open_node(remote_settings(server, tmp_path / "data", store_timeout=2.0))
    try:
        client = create_app(context=ctx).test_client()
        server.stop()
        for response in (client.post("/sparql", data={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"}),
                         client.get("/datasets/none-such", headers={"Accept": "text/html"}),
                         client.get("/oai", query_string={"verb": "ListRecords", "metadataPrefix": "dcat_ap"})):
            assert response.status_code == 503
            assert int(response.headers["Retry-After"]) > 0  # harvesters come back instead of giving up
            text = response.get_data(as_text=True)
            assert f"127.0.0.1:{server.port}" not in text
            assert "the node's store" in text.replace("&#39;", "'")
    finally:
        ctx.close()


def test_a_client_cannot_confirm_a_guess_of_the_store_address(tmp_path, remote):
    """Every message was scrubbed of the store's URL, also the client's own words quoted back (the
    406 that lists an Accept header, a refused SERVICE IRI): the one guess replaced gave it away."""
    from node.context import open_node
    from node.web.app import create_app

    ctx = open_node(remote_settings(remote, tmp_path / "data"))
    try:
        client = create_app(context=ctx).test_client()
        guesses = ["http://127.0.0.1:1/sparql", remote.query_url, "http://10.0.0.1/query"]  # one is right
        refused = client.post("/sparql", data={"query": "SELECT * {}"},
                              headers={"Accept": ", ".join(f"x/{guess}" for guess in guesses)})
        service = client.post("/sparql", data={"query": f"SELECT * {{ SERVICE <{guesses[1]}> {{ ?s ?p ?o }} }}"})
        for response in (refused, service):
            assert 400 <= response.status_code < 500
            assert "the node's store" not in response.get_data(as_text=True)
        assert all(guess in refused.get_json()["message"] for guess in guesses)
    finally:
        ctx.close()


def test_another_base_url_on_a_remote_store_is_refused_without_pointing_to_rebase(tmp_path, remote):
    from node.context import open_node

    open_node(remote_settings(remote, tmp_path / "data")).close()
    with pytest.raises(ConfigError, match="SPARQL server's store was created for base URL") as refused:
        open_node(remote_settings(remote, tmp_path / "data", base_url="http://elsewhere.test/"))
    assert "--data" not in refused.value.message
