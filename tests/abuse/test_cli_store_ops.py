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


# -- 2. a harvest killed mid-apply: export and backup copy what the next start would serve ---------

def killed_mid_apply(tmp_path, partner, monkeypatch, *, total: int = 12, blocks_written: int = 4) -> Path:
    """A harvest of `total` records whose process dies after `blocks_written` of its apply's transactions:
    the store holds part of the run, its journal is left in data_dir/harvest/partner/."""
    from node.config import Settings, SourceConfig
    from node.context import open_node
    from node.harvest import journal, run_harvest
    from tests.harvesters.catalogues import serve_paged
    from tests.harvesters.conftest import make_fetcher

    data = tmp_path / "data"
    source = SourceConfig(name="partner", kind="dcat", url=serve_paged(partner, total=total, page_size=5),
                          allow_private_network=True, retries=0)
    ctx = open_node(Settings(base_url=BASE_URL, data_dir=data, load_bundled_catalogue=False))
    monkeypatch.setattr(journal, "LOAD_CHUNK", 1)  # a transaction per record: the kill falls between two
    written, apply = [], ctx.store.apply

    def dies_after_some(changes, **options):
        if len(written) == blocks_written:
            raise KeyboardInterrupt("killed mid-apply")
        written.append(1)
        return apply(changes, **options)

    monkeypatch.setattr(ctx.store, "apply", dies_after_some)
    try:
        with pytest.raises(KeyboardInterrupt):
            run_harvest(ctx, source, fetcher=make_fetcher(source))
    finally:
        ctx.close()
    monkeypatch.undo()
    monkeypatch.setenv("EHDS_NODE_LOAD_BUNDLED_CATALOGUE", "false")
    monkeypatch.setenv("EHDS_NODE_BASE_URL", BASE_URL)
    assert list((data / "harvest" / "partner").glob("*.apply.json")), "the kill left no journal"
    return data


def exported_datasets(data: Path, target: Path) -> int:
    from rdflib import Graph
    from rdflib.namespace import DCAT, RDF

    assert main(["export", "--data", str(data), "-o", str(target)]) == 0
    return len(set(Graph().parse(target, format="nt").subjects(RDF.type, DCAT.Dataset)))


def test_export_after_a_harvest_killed_mid_apply_holds_the_whole_run(tmp_path, partner, monkeypatch):
    data = killed_mid_apply(tmp_path, partner, monkeypatch)
    assert exported_datasets(data, tmp_path / "out.nt") == 12
    assert not list((data / "harvest").glob("*/*.apply.json"))  # finished, as the next start would
    from node.harvest import read_reports

    assert read_reports(data, "partner")[0]["status"] == "complete"


def test_a_backup_after_a_harvest_killed_mid_apply_restores_the_whole_run(tmp_path, partner, monkeypatch, capsys):
    data = killed_mid_apply(tmp_path, partner, monkeypatch)
    assert main(["backup", "--data", str(data), str(tmp_path / "copy")]) == 0
    restored = tmp_path / "restored"
    restored.mkdir()
    (tmp_path / "copy").rename(restored / "store")  # a data_dir with the store only: no journal beside it
    assert exported_datasets(restored, tmp_path / "restored.nt") == 12


def test_while_another_process_holds_the_store_a_pending_apply_is_refused_not_copied(tmp_path, partner, monkeypatch,
                                                                                      capsys):
    data = killed_mid_apply(tmp_path, partner, monkeypatch)
    holder = subprocess.Popen([sys.executable, "-c", "import sys, pyoxigraph as ox\n"
                               "store = ox.Store(sys.argv[1]); print('open', flush=True); sys.stdin.read()",
                               str(data / "store")], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "open\n"
        capsys.readouterr()
        assert main(["export", "--data", str(data), "-o", str(tmp_path / "out.nt")]) == 3
        assert "source 'partner': a harvest apply is in progress" in one_error_line(capsys.readouterr().err)
        assert main(["backup", "--data", str(data), str(tmp_path / "copy")]) == 3
        assert "a harvest apply is in progress" in one_error_line(capsys.readouterr().err)
    finally:
        holder.communicate("", timeout=30)
    assert not (tmp_path / "out.nt").exists() and not (tmp_path / "copy").exists()
    assert exported_datasets(data, tmp_path / "out.nt") == 12


# -- 4. the store held by another process: the true reason ----------------------------------------

def held_store(store_path: Path) -> subprocess.Popen:
    """Another process holding the store (as a second `harvest` or a `load` does); stops on stdin's end."""
    holder = subprocess.Popen([sys.executable, "-c", "import sys, pyoxigraph as ox\n"
                               "store = ox.Store(sys.argv[1]); print('open', flush=True); sys.stdin.read()",
                               str(store_path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "open\n"
    return holder


def test_a_harvest_beside_another_command_says_another_process_and_beside_serve_names_the_server(
        tmp_path, data_dir, partner, capsys, monkeypatch):
    from node.server_file import write_server_file
    from tests.harvesters.catalogues import partner_config

    config = tmp_path / "node.toml"
    config.write_text(partner_config(partner))
    monkeypatch.delenv("EHDS_NODE_API_TOKEN", raising=False)
    load(tmp_path, data_dir, "one")
    holder = held_store(data_dir / "store")
    try:
        capsys.readouterr()
        for command_line in (["harvest", "partner"], ["backup", str(tmp_path / "copy")]):
            assert main([*command_line, "--config", str(config), "--data", str(data_dir)]) == 3
            line = one_error_line(capsys.readouterr().err)
            assert "in use by another ehds-node process" in line and "serve" not in line.split("(")[0], line
        write_server_file(data_dir, "http://127.0.0.1:9/")  # a live process (this one) says it serves
        for command_line in (["harvest", "partner"], ["backup", str(tmp_path / "copy")]):
            assert main([*command_line, "--config", str(config), "--data", str(data_dir)]) == 3
            line = one_error_line(capsys.readouterr().err)
            assert "in use by the running ehds-node serve at http://127.0.0.1:9/" in line, line
            assert "EHDS_NODE_API_TOKEN" in line
    finally:
        holder.communicate("", timeout=30)


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


def record_file(tmp_path, name: str, *record_ids: str) -> str:
    path = tmp_path / name
    path.write_bytes(turtle([t for i in record_ids for t in renamed("snds", i)]))
    return str(path)


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


def test_on_a_shared_sparql_store_an_export_refuses_while_an_apply_is_pending(tmp_path, data_dir, capsys, monkeypatch):
    monkeypatch.setenv("EHDS_NODE_STORE", "sparql")
    monkeypatch.setenv("EHDS_NODE_STORE_QUERY_URL", "http://127.0.0.1:9/query")
    folder = data_dir / "harvest" / "partner"
    folder.mkdir(parents=True)
    (folder / "20260101T000000Z-x.apply.json").write_text("{}")  # another process's apply, or a stopped one's
    assert main(["export", "--data", str(data_dir), "-o", str(tmp_path / "out.nt")]) == 3
    line = one_error_line(capsys.readouterr().err)
    assert "source 'partner': a harvest apply is pending" in line and "shared store" in line, line
    assert not (tmp_path / "out.nt").exists()


def test_a_backup_the_server_took_while_a_harvest_apply_ran_is_removed_and_refused(tmp_path, data_dir, capsys,
                                                                                   monkeypatch):
    """The server answers POST /admin/backup between two of its writes; a harvest apply that ran meanwhile
    (its journal appeared, or its report was appended) may be half in the checkpoint."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from node.server_file import write_server_file

    load(tmp_path, data_dir, "one")
    taken = data_dir / "backups" / "taken"
    journal = data_dir / "harvest" / "partner" / "20260101T000000Z-x.apply.json"

    class Server(BaseHTTPRequestHandler):  # the running serve, as the backup command sees it
        def do_POST(self):
            journal.parent.mkdir(parents=True, exist_ok=True)
            journal.write_text("{}")  # a harvest apply starts while the checkpoint is taken
            taken.mkdir(parents=True)
            body = json.dumps({"backup": str(taken)}).encode()
            self.send_response(201)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    holder = held_store(data_dir / "store")
    try:
        write_server_file(data_dir, f"http://127.0.0.1:{server.server_address[1]}/")
        monkeypatch.setenv("EHDS_NODE_API_TOKEN", "t")
        capsys.readouterr()
        assert main(["backup", "--data", str(data_dir), str(tmp_path / "copy")]) == 3
        assert "a harvest apply ran in the server while it took the backup" in one_error_line(capsys.readouterr().err)
    finally:
        holder.communicate("", timeout=30)
        server.shutdown()
        server.server_close()
    assert not taken.exists() and not (tmp_path / "copy").exists()
