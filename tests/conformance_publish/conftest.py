"""Fixtures of the publication conformance tests: official shapes loaded once, and a real
`ehds-node serve` process with the bundled catalogue, shared by the tests of a session."""

from __future__ import annotations

import pytest
import requests
from rdflib import Graph

from tests.publish.running_server import running_node
from tests.support import official_shapes


@pytest.fixture(scope="session")
def dcat_ap_301(ref) -> Graph:
    return official_shapes.load_dcat_ap_301(ref)


@pytest.fixture(scope="session")
def r8_shapes(ref):
    """Shapes graph of an access level ('public' / 'non-public'), loaded once each."""
    cache: dict[str, Graph] = {}

    def get(level: str) -> Graph:
        if level not in cache:
            cache[level] = official_shapes.load_healthdcat_r8(ref, level)
        return cache[level]

    return get


@pytest.fixture(scope="session")
def live_node(tmp_path_factory):
    """`ehds-node serve` on a free port, with the bundled catalogue, its base URL its own address."""
    with running_node(tmp_path_factory.mktemp("live") / "data") as node:
        yield node


@pytest.fixture
def http(live_node):
    with requests.Session() as session:
        yield session
