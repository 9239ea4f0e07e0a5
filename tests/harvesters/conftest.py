"""Helpers for harvester tests: sources pointing at a partner server (the `partner` fixture,
tests/conftest.py) and runs of a harvester on them."""

from __future__ import annotations

from node.config import SourceConfig
from node.fetch import Fetcher


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
