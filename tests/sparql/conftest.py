"""Fixtures of the SPARQL area: one node per module (query workers start once), and the same node
served by waitress on a free port for real clients (SPARQLWrapper, rdflib's SPARQLStore, requests)."""

from __future__ import annotations

import threading

import pytest

from tests.conftest import API_TOKEN, BASE_URL


def make_settings(data_dir, **overrides):
    from node.config import Settings

    return Settings(base_url=BASE_URL, data_dir=data_dir, api_token=API_TOKEN, **overrides)


@pytest.fixture(scope="module")
def sparql_node(tmp_path_factory):
    from node.context import open_node

    ctx = open_node(make_settings(tmp_path_factory.mktemp("sparql") / "data", sparql_timeout=3.0))
    yield ctx
    ctx.close()


@pytest.fixture(scope="module")
def sparql_client(sparql_node):
    from node.web.app import create_app

    return create_app(context=sparql_node).test_client()


class LiveServer:
    """A WSGI app served by waitress in a background thread on 127.0.0.1 and a free port."""

    def __init__(self, app, threads: int = 8):
        import waitress.server

        self.server = waitress.server.create_server(app, host="127.0.0.1", port=0, threads=threads)
        self.url = f"http://127.0.0.1:{self.server.effective_port}/"
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()

    @property
    def endpoint(self) -> str:
        return self.url + "sparql"

    def stop(self) -> None:
        from waitress import wasyncore

        self.server.task_dispatcher.shutdown(timeout=2)
        # closed by the loop's own thread (its trigger): closing them from here raced its select() (EBADF)
        try:
            self.server.trigger.pull_trigger(lambda: wasyncore.close_all(self.server._map))
        except OSError:  # the trigger itself is closed: the loop is already closing everything
            pass
        self.thread.join(timeout=5)


@pytest.fixture(scope="module")
def live_server(sparql_node):
    from node.web.app import create_app

    server = LiveServer(create_app(context=sparql_node))
    yield server
    server.stop()
