"""Shared fixtures. Area-specific fixtures live in the conftest.py of each test folder."""

import pytest

from tests.harvesters.partner_server import PartnerServer
from tests.support.shared import reference, shared_dir


@pytest.fixture(scope="session")
def shared():
    """The ../shared folder (conformance tests only)."""
    return shared_dir()


@pytest.fixture
def partner():
    """A partner catalogue: a real HTTP server on 127.0.0.1 (tests.harvesters.partner_server)."""
    server = PartnerServer()
    yield server
    server.close()


@pytest.fixture(scope="session")
def ref():
    """reference('standards', 'dcat-ap-3.0.1', ...) -> Path, failing loudly when missing."""
    return reference


BASE_URL = "http://localhost:8080/"
API_TOKEN = "test-token"


@pytest.fixture
def settings(tmp_path):
    from node.config import Settings

    # The per-client request rate is off: Hypothesis tests send hundreds of requests from one address in a
    # burst; what the rate refuses is tested with its own settings (tests/abuse/test_request_rate.py).
    return Settings(base_url=BASE_URL, data_dir=tmp_path / "data", api_token=API_TOKEN, page_size=20, request_rate=0)


@pytest.fixture
def node(settings):
    """A node on an on-disk store in a temporary folder, loaded with the bundled HDH catalogue."""
    from node.context import open_node

    ctx = open_node(settings)
    yield ctx
    ctx.close()


@pytest.fixture
def app(node):
    from node.web.app import create_app

    return create_app(context=node)


@pytest.fixture
def client(app):
    return app.test_client()
