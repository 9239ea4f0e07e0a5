"""Commands that refused too late or said the wrong thing (load, harvest, serve, score, rebase): Ctrl-C
during a load, a source setting no command should take, messages that named the wrong cause."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from node.cli import main
from tests.abuse.cli_support import (command, data_dir, environment, one_error_line,  # noqa: F401 (fixture)
                                     record_file)
from tests.conftest import BASE_URL


# -- 5. one source check for every command --------------------------------------------------------

BAD_SOURCE_SETTINGS = [
    ('schedule = "every banana"', "schedule 'every banana'"),
    ("max_pages = -5", "max_pages must be at least 1"),
    ('profile = "nope"', "profile 'nope' is not one of"),
    ("page_size = 0", "page_size must be at least 1"),
    ("max_page_bytes = 0", "max_page_bytes must be at least 1"),
    ("max_run_bytes = 0", "max_run_bytes must be at least 1"),
    ("retries = -1", "retries must be at least 0"),
]


def config_with(tmp_path, partner, setting: str) -> Path:
    config = tmp_path / "node.toml"
    config.write_text(f'[node]\nbase_url = "{BASE_URL}"\nload_bundled_catalogue = false\n[[sources]]\nname = "partner"\n'
                      f'kind = "dcat"\nurl = "{partner.url("/catalog")}"\nallow_private_network = true\n{setting}\n')
    return config


@pytest.mark.parametrize("setting, says", BAD_SOURCE_SETTINGS)
def test_harvest_refuses_a_bad_source_setting_before_fetching(tmp_path, data_dir, partner, capsys, setting, says):
    config = config_with(tmp_path, partner, setting)
    assert main(["harvest", "partner", "--config", str(config), "--data", str(data_dir)]) == 2
    assert f"source 'partner': {says}" in one_error_line(capsys.readouterr().err)
    assert partner.hits == [] and not data_dir.exists()  # nothing fetched, no store created, no run recorded


@pytest.mark.parametrize("setting, says", BAD_SOURCE_SETTINGS[1:3])
def test_serve_refuses_the_same_source_settings(tmp_path, data_dir, partner, setting, says):
    config = config_with(tmp_path, partner, setting)
    done = command("serve", "--config", str(config), "--data", str(data_dir), "--port", "0")
    assert done.returncode == 2 and f"source 'partner': {says}" in one_error_line(done.stderr.decode())


def test_a_url_try_without_kind_lists_every_registered_kind(tmp_path, data_dir, capsys):
    from harvesters import HARVESTERS

    assert main(["harvest", "--url", "http://127.0.0.1:9/", "--data", str(data_dir)]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert "--url needs --kind" in line and all(kind in line for kind in HARVESTERS), line


# -- 3. Ctrl-C during load: the message says what was written -------------------------------------

def stored_records(data_dir, *record_ids: str) -> set[str]:
    from node.config import Settings
    from node.context import open_node

    ctx = open_node(Settings(base_url=BASE_URL, data_dir=data_dir, load_bundled_catalogue=False))
    try:
        return {i for i in record_ids if ctx.store.has_graph(ctx.naming.local_graph(i))}
    finally:
        ctx.close()


def ctrl_c_during(monkeypatch, owner, method: str, *, after: bool, when=lambda *args: True) -> None:
    """Ctrl-C (SIGINT to this process) while `owner.method` runs: just before it starts, or as it ends
    (as when it arrives during a native write: Python raises it once the write has returned)."""
    import signal

    original = getattr(owner, method)

    def interrupted(*args, **kwargs):
        if not when(*args):
            return original(*args, **kwargs)
        if not after:
            os.kill(os.getpid(), signal.SIGINT)
        result = original(*args, **kwargs)
        if after:
            os.kill(os.getpid(), signal.SIGINT)
        return result

    monkeypatch.setattr(owner, method, interrupted)


def writes_local_records(store, changes, **options) -> bool:
    return any("/graph/local/" in change.name for change in changes)


def test_ctrl_c_arriving_during_the_write_of_a_load_says_it_was_written(tmp_path, data_dir, capsys, monkeypatch):
    from node.store.records import RecordStore

    first = record_file(tmp_path, "first.ttl", "a1", "a2")
    second = record_file(tmp_path, "second.ttl", "b1")
    ctrl_c_during(monkeypatch, RecordStore, "apply", after=True, when=writes_local_records)
    assert main(["load", "--data", str(data_dir), first, second]) == 130
    captured = capsys.readouterr()
    assert "first.ttl: added a1" in captured.out and "second.ttl" not in captured.out
    assert captured.err.splitlines()[-1] == f"ehds-node: interrupted: written whole: {first}; nothing of {second}"
    monkeypatch.undo()
    monkeypatch.setenv("EHDS_NODE_LOAD_BUNDLED_CATALOGUE", "false")
    monkeypatch.setenv("EHDS_NODE_BASE_URL", BASE_URL)
    assert stored_records(data_dir, "a1", "a2", "b1") == {"a1", "a2"}


def test_ctrl_c_before_the_write_of_a_load_says_nothing_was_written(tmp_path, data_dir, capsys, monkeypatch):
    from node.validation import Validator

    first = record_file(tmp_path, "first.ttl", "a1")
    ctrl_c_during(monkeypatch, Validator, "validate_records", after=False)
    assert main(["load", "--data", str(data_dir), first]) == 130
    assert capsys.readouterr().err.splitlines()[-1] == "ehds-node: interrupted: nothing was written"
    monkeypatch.undo()
    monkeypatch.setenv("EHDS_NODE_LOAD_BUNDLED_CATALOGUE", "false")
    monkeypatch.setenv("EHDS_NODE_BASE_URL", BASE_URL)
    assert stored_records(data_dir, "a1") == set()


# -- 6. words that say what is wrong --------------------------------------------------------------

@pytest.mark.parametrize("given, says", [
    ("a-directory", "is a directory: give RDF files"),
    ("/dev/null", "/dev/null is not a regular file"),
    ("missing.ttl", "missing.ttl: no such file"),
])
def test_load_of_what_is_not_a_file_says_what_it_is(tmp_path, data_dir, capsys, given, says):
    (tmp_path / "a-directory").mkdir()
    target = given if given.startswith("/") else str(tmp_path / given)
    assert main(["load", "--data", str(data_dir), target]) == 2
    assert says in one_error_line(capsys.readouterr().err)


def test_score_of_standard_input_names_it_not_a_request_body(tmp_path):
    done = command("score", "-", input=b'<http://a.example/s> <http://a.example/p> "never closed .\n')
    assert done.returncode == 2
    line = one_error_line(done.stderr.decode())
    assert line.startswith("ehds-node: error: <stdin>: ") and "request body" not in line, line


def test_rebase_without_a_store_says_so_and_creates_none(tmp_path, data_dir, capsys):
    assert main(["rebase", "--data", str(data_dir), "https://new.example/"]) == 2
    assert f"no store in {data_dir / 'store'}" in one_error_line(capsys.readouterr().err)
    assert not data_dir.exists()


@pytest.mark.parametrize("where", ["flag", "environment"])
def test_an_empty_data_directory_is_refused_not_read_as_the_working_directory(tmp_path, where, monkeypatch):
    monkeypatch.chdir(tmp_path)
    record = record_file(tmp_path, "one.ttl", "one")
    if where == "flag":
        done = command("load", "--data", "", record)
    else:
        done = command("load", record, env={**environment(), "EHDS_NODE_DATA_DIR": ""})
    assert done.returncode == 2 and "setting 'data_dir'" in one_error_line(done.stderr.decode())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.ttl"]  # no ./store


def test_a_load_started_with_ctrl_c_ignored_keeps_ignoring_it(tmp_path, data_dir, capsys, monkeypatch):
    """A background job of a script (`ehds-node load x.ttl &`) starts with SIGINT ignored: the deferral
    must not turn it back on."""
    import signal

    from node.store.records import RecordStore

    ctrl_c_during(monkeypatch, RecordStore, "apply", after=True, when=writes_local_records)
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        assert main(["load", "--data", str(data_dir), record_file(tmp_path, "one.ttl", "a1")]) == 0
    finally:
        signal.signal(signal.SIGINT, previous)
    assert "added a1" in capsys.readouterr().out
