"""Schedules: parsed strictly at start-up, due when the interval has passed since the last run."""

import pytest

from node.config import SourceConfig
from node.errors import ConfigError
from node.harvest.schedule import due, interval_seconds


def test_intervals():
    assert interval_seconds("every 30m") == 1800
    assert interval_seconds("every 6h") == 21600
    assert interval_seconds("daily") == 86400
    for bad in ("every 0h", "weekly-ish", "every 5s"):
        with pytest.raises(ConfigError):
            interval_seconds(bad)


def test_due_after_the_interval_only():
    source = SourceConfig(name="p", kind="dcat", url="https://p.example/", schedule="every 1h")
    last = "2026-01-01T00:00:00Z"
    start = 1767225600.0  # 2026-01-01T00:00:00Z
    assert not due(source, last, start + 3599)
    assert due(source, last, start + 3600)
    assert due(source, None, start)
    assert not due(SourceConfig(name="q", kind="dcat", url="https://p.example/"), None, start)
