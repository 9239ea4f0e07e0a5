"""The store operations of the command line (export, backup, harvest) under the failures a tester found:
an output that cannot be written, a harvest killed mid-apply, the store held by another process. Each
answer is one `ehds-node: error:` line with the exit code of node/errors.py, and never a half-written
file or a copy that differs from what the next start serves."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest

from node.cli import main
from tests.abuse.cli_support import command, data_dir, held_store, load, one_error_line  # noqa: F401 (fixture)
from tests.conftest import BASE_URL


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
