"""Fixtures for harvester tests: a partner HTTP server on loopback and sources pointing at it."""

from __future__ import annotations

import pytest

from node.config import SourceConfig
from node.fetch import Fetcher
from tests.harvesters.partner_server import PartnerServer


@pytest.fixture
def partner():
    server = PartnerServer()
    yield server
    server.close()


def make_source(url: str, kind: str = "dcat", **overrides) -> SourceConfig:
    settings = {"name": "partner", "kind": kind, "url": url, "allow_private_network": True,
                "retries": 0, "timeout": 5.0} | overrides
    return SourceConfig(**settings)


def make_fetcher(source: SourceConfig) -> Fetcher:
    """Backoff in milliseconds so retry tests stay fast; the real default is one second."""
    return Fetcher(source, backoff=0.01, max_retry_after=0.2)
