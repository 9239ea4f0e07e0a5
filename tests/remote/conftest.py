"""The node on a remote store: a real Oxigraph server (the PyPI package `oxigraph`, in the [test]
extras) on a free loopback port, started once per test session and emptied before each test.
EHDS_TEST_SPARQL_SERVER=virtuoso runs the same tests on OpenLink Virtuoso instead (Debian package
virtuoso-opensource; tests/remote/virtuoso.py)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import API_TOKEN, BASE_URL


def oxigraph_binary() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    assert Path(found).exists(), "the oxigraph server is missing: pip install -e '.[test]'"
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OxigraphServer:
    """`oxigraph serve` in a temporary folder; its default graph is the union of the named graphs."""

    def __init__(self, folder: Path, *extra: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.query_url, self.update_url = self.url + "query", self.url + "update"
        self.process = subprocess.Popen(
            [oxigraph_binary(), "serve", "--location", str(folder), "--bind", f"127.0.0.1:{self.port}", *extra],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        for _ in range(200):
            assert self.process.poll() is None, "oxigraph serve exited at start"
            try:
                requests.post(self.url + "query", data={"query": "ASK {}"}, timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.05)
        self.stop()
        raise AssertionError("oxigraph serve did not answer within 10 s")

    def clear(self) -> None:
        requests.post(self.url + "update", data={"update": "DROP ALL"}, timeout=30).raise_for_status()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_test_server(tmp_path_factory, name: str):
    """The SPARQL server the remote tests run on: Oxigraph's (union default graph), or OpenLink Virtuoso
    with EHDS_TEST_SPARQL_SERVER=virtuoso."""
    if os.environ.get("EHDS_TEST_SPARQL_SERVER") == "virtuoso":
        from tests.remote.virtuoso import VirtuosoServer

        return VirtuosoServer(tmp_path_factory.mktemp(f"{name}-virtuoso"))
    return OxigraphServer(tmp_path_factory.mktemp(f"{name}-oxigraph"), "--union-default-graph")


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory):
    server = start_test_server(tmp_path_factory, "remote")
    yield server
    server.stop()


@pytest.fixture
def remote(oxigraph_server):
    """The session's server, emptied: each test starts from a store nobody wrote to."""
    oxigraph_server.clear()
    return oxigraph_server


def remote_settings(server: OxigraphServer, data_dir: Path, **overrides):
    from node.config import Settings

    return Settings(**({"base_url": BASE_URL, "data_dir": data_dir, "api_token": API_TOKEN, "page_size": 20,
                        "store": "sparql", "store_query_url": server.query_url,
                        "store_update_url": server.update_url} | overrides))


@pytest.fixture
def settings(tmp_path, remote):
    return remote_settings(remote, tmp_path / "data")


@pytest.fixture
def central(tmp_path, remote):
    """The harvest runs' central node (tests.harvest_runs), on the remote store."""
    from node.context import open_node

    ctx = open_node(remote_settings(remote, tmp_path / "central", base_url="http://central.test/",
                                    load_bundled_catalogue=False, api_token="t"))
    yield ctx
    ctx.close()
