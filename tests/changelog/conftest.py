"""Change-log tests reuse the harvesters' loopback partner server and the harvest runs' central node."""

import pytest

from tests.harvest_runs.test_runs import central  # noqa: F401  (a pytest fixture)


@pytest.fixture(params=["on-disk", "in-memory"])
def node(request, settings):
    """The record-level tests run on both backends of the embedded store: RocksDB on disk and memory."""
    from node.context import open_node

    ctx = open_node(settings, in_memory=request.param == "in-memory")
    yield ctx
    ctx.close()
