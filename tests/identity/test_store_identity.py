"""Seeding and IRIs follow the store's creation, not the settings of the day (issue 14, findings 1, 2)."""

import subprocess
import sys

import pytest

from node.catalog_index import CatalogIndex
from node.config import Settings
from node.context import open_node
from node.errors import ConfigError
from tests.publish.sample_records import renamed, turtle


def count(data_dir, base_url="http://localhost:8080/", **extra) -> int:
    ctx = open_node(Settings(base_url=base_url, data_dir=data_dir, **extra))
    try:
        return len(CatalogIndex(ctx.store).entries())
    finally:
        ctx.close()


def test_a_store_opened_with_another_base_url_stops_and_adds_nothing(tmp_path):
    data = tmp_path / "data"
    assert count(data) == 6  # a new store is seeded once
    with pytest.raises(ConfigError) as refused:
        count(data, base_url="https://catalogue.example.org/")
    assert "http://localhost:8080/" in refused.value.message and "https://catalogue.example.org/" in refused.value.message
    assert count(data) == 6


def test_a_store_created_empty_is_never_seeded_later(tmp_path):
    data = tmp_path / "data"
    assert count(data, load_bundled_catalogue=False) == 0
    assert count(data) == 0  # a later start that would seed a new store leaves this one alone


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "node", *args], capture_output=True, text=True, timeout=120)


def test_load_into_a_new_directory_writes_only_the_file(tmp_path):
    path = tmp_path / "mine.ttl"
    path.write_bytes(turtle(renamed("snds", "mine")))
    done = _cli("load", "--data", str(tmp_path / "new"), str(path))
    assert done.returncode == 0, done.stderr
    assert "HDH" not in done.stderr
    assert count(tmp_path / "new") == 1


def test_a_failed_harvest_on_an_empty_central_node_adds_no_records(tmp_path):
    config = tmp_path / "node.toml"
    config.write_text('[[sources]]\nname = "p"\nkind = "dcat"\nurl = "http://127.0.0.1:9/none"\n'
                      'allow_private_network = true\nretries = 0\ntimeout = 1.0\n')
    done = _cli("harvest", "p", "--config", str(config), "--data", str(tmp_path / "central"))
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert count(tmp_path / "central") == 0
