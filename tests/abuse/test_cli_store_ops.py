"""The store operations of the command line (export, backup, load, harvest, rebase) under the failures a
tester found: an output that cannot be written, an interrupted harvest, Ctrl-C, two processes, bad
source settings, misleading words. Each answer is one `ehds-node: error:` line with the exit code of
node/errors.py, and never a half-written file or a copy that differs from what the next start serves."""

from __future__ import annotations

import os
import resource
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
    return subprocess.run([sys.executable, "-m", "node", *args], env=environment(), stderr=subprocess.PIPE,
                          timeout=120, **options)


def load(tmp_path, data_dir, *record_ids: str) -> None:
    path = tmp_path / "records.ttl"
    path.write_bytes(turtle([t for i in record_ids for t in renamed("snds", i)]))
    assert main(["load", "--data", str(data_dir), str(path)]) == 0


def one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert "Traceback" not in stderr and len(lines) == 1 and lines[0].startswith("ehds-node: error: "), stderr
    return lines[0]


# -- 1. export: an output that cannot be written ------------------------------------------------

@pytest.mark.parametrize("target, code, says", [
    ("missing/dir/x.ttl", 2, "is not a directory: create it first"),
    ("a-directory", 2, "is a directory"),
    ("/dev/full", 3, "cannot write the export to /dev/full: No space left on device"),
])
def test_an_export_that_cannot_be_written_is_one_line_and_its_exit_code(tmp_path, data_dir, capsys, target, code, says):
    load(tmp_path, data_dir, "one")
    (tmp_path / "a-directory").mkdir()
    capsys.readouterr()
    output = target if target.startswith("/") else str(tmp_path / target)
    assert main(["export", "--data", str(data_dir), "--format", "ttl", "-o", output]) == code
    assert says in one_error_line(capsys.readouterr().err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-directory", "data", "records.ttl"]


def test_an_export_to_a_full_standard_output_is_one_line_exit_3(tmp_path, data_dir):
    load(tmp_path, data_dir, "one")
    with open("/dev/full", "wb") as full:
        done = command("export", "--data", str(data_dir), "--format", "ttl", stdout=full)
    assert done.returncode == 3
    assert "cannot write the export to standard output: No space left on device" in one_error_line(done.stderr.decode())


def _small_file_limit():
    resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))  # a disk that fills after 2,000 bytes


def test_an_export_cut_short_leaves_no_half_written_file_and_the_old_one_whole(tmp_path, data_dir):
    load(tmp_path, data_dir, *(f"r{n}" for n in range(5)))
    fresh, old = tmp_path / "fresh.ttl", tmp_path / "old.ttl"
    old.write_bytes(b"# the previous export\n")
    for target in (fresh, old):
        done = command("export", "--data", str(data_dir), "-o", str(target), preexec_fn=_small_file_limit)
        assert done.returncode == 3 and "File too large" in one_error_line(done.stderr.decode())
    assert not fresh.exists() and old.read_bytes() == b"# the previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "old.ttl", "records.ttl"]  # no temporary left
    done = command("export", "--data", str(data_dir), "-o", str(old))
    assert done.returncode == 0 and b"exported 5 datasets" in done.stderr
    assert old.read_bytes().count(b"dcat:Dataset") >= 5
