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


def harvest(url: str, kind: str = "dcat", *, modified_since=None, validators=None, **overrides) -> list:
    """All pages of one run of a `kind` harvester on `url`, with test-friendly source settings."""
    from harvesters import harvester_for

    source = make_source(url, kind, **overrides)
    with make_fetcher(source) as fetcher:
        return list(harvester_for(source, fetcher).pages(modified_since=modified_since, validators=validators))


def make_fetcher(source: SourceConfig) -> Fetcher:
    """Backoff in milliseconds so retry tests stay fast; the real default is one second."""
    return Fetcher(source, backoff=0.01, max_retry_after=0.2)
