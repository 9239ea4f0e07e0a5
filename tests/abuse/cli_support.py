"""Helpers of the command-line abuse tests (tests/abuse/test_cli_*.py): the command in a process of its
own, a store held by another process, one-line errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from node.cli import main
from tests.conftest import BASE_URL
from tests.publish.sample_records import renamed, turtle

REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("EHDS_NODE_LOAD_BUNDLED_CATALOGUE", "false")
    monkeypatch.setenv("EHDS_NODE_BASE_URL", BASE_URL)
    return tmp_path / "data"


def environment() -> dict:
    return {**os.environ, "PYTHONPATH": str(REPOSITORY), "EHDS_NODE_BASE_URL": BASE_URL,
            "EHDS_NODE_LOAD_BUNDLED_CATALOGUE": "false"}


def command(*args: str, **options) -> subprocess.CompletedProcess:
    """`python -m node ARGS` in a process of its own (its own stdout, limits, signals)."""
    options.setdefault("stdout", subprocess.PIPE)
    options.setdefault("env", environment())
    return subprocess.run([sys.executable, "-m", "node", *args], stderr=subprocess.PIPE, timeout=120, **options)


def load(tmp_path, data_dir, *record_ids: str) -> None:
    path = tmp_path / "records.ttl"
    path.write_bytes(turtle([t for i in record_ids for t in renamed("snds", i)]))
    assert main(["load", "--data", str(data_dir), str(path)]) == 0


def one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert "Traceback" not in stderr and len(lines) == 1 and lines[0].startswith("ehds-node: error: "), stderr
    return lines[0]


def held_store(store_path: Path) -> subprocess.Popen:
    """Another process holding the store (as a second `harvest` or a `load` does); stops on stdin's end."""
    holder = subprocess.Popen([sys.executable, "-c", "import sys, pyoxigraph as ox\n"
                               "store = ox.Store(sys.argv[1]); print('open', flush=True); sys.stdin.read()",
                               str(store_path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "open\n"
    return holder


def record_file(tmp_path, name: str, *record_ids: str) -> str:
    path = tmp_path / name
    path.write_bytes(turtle([t for i in record_ids for t in renamed("snds", i)]))
    return str(path)
