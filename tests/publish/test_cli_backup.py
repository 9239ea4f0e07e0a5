"""`ehds-node backup DEST`: a copy of the embedded store that a node opens as its own; refused with a
pointer to the server's tools on a remote store, and refused cleanly while another process holds it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from node.cli import main
from node.config import Settings
from node.context import open_node
from tests.conftest import API_TOKEN, BASE_URL
from tests.publish.sample_records import renamed, turtle


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("EHDS_NODE_LOAD_BUNDLED_CATALOGUE", "false")
    monkeypatch.setenv("EHDS_NODE_BASE_URL", BASE_URL)
    return tmp_path / "data"


def load(tmp_path, data_dir, *record_ids: str) -> None:
    path = tmp_path / "records.ttl"
    path.write_bytes(turtle([t for i in record_ids for t in renamed("snds", i)]))
    assert main(["load", "--data", str(data_dir), str(path)]) == 0


def held(data_dir, *candidates: str) -> tuple[set[str], int]:
    """Which of these records the store in data_dir holds, and its change log's last number."""
    ctx = open_node(Settings(base_url=BASE_URL, data_dir=data_dir, load_bundled_catalogue=False))
    try:
        return {i for i in candidates if ctx.store.has_graph(ctx.naming.local_graph(i))}, ctx.store.last_sequence()
    finally:
        ctx.close()


def test_a_backup_opens_as_the_store_it_copied_and_stays_apart_from_it(tmp_path, data_dir, capsys):
    load(tmp_path, data_dir, "kept-a", "kept-b")
    target = tmp_path / "backups" / "monday"
    target.parent.mkdir()
    logged = held(data_dir)[1]
    assert main(["backup", "--data", str(data_dir), str(target)]) == 0
    assert str(target) in capsys.readouterr().out
    load(tmp_path, data_dir, "after-backup")  # the original moves on; the copy does not

    restored = tmp_path / "restored"
    restored.mkdir()
    shutil.move(str(target), restored / "store")
    ids = ("kept-a", "kept-b", "after-backup")
    assert held(restored, *ids) == ({"kept-a", "kept-b"}, logged)  # the records and their change log
    assert held(data_dir, *ids) == (set(ids), logged + 1)


def test_an_existing_destination_is_refused_and_left_alone(tmp_path, data_dir, capsys):
    load(tmp_path, data_dir, "one")
    target = tmp_path / "there"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    assert main(["backup", "--data", str(data_dir), str(target)]) == 2
    assert "exists" in capsys.readouterr().err
    assert [p.name for p in target.iterdir()] == ["keep.txt"]


@pytest.mark.parametrize("where", ["inside", "no parent"])
def test_a_destination_inside_the_store_or_without_a_parent_is_refused(tmp_path, data_dir, capsys, where):
    load(tmp_path, data_dir, "one")
    target = data_dir / "store" / "copy" if where == "inside" else tmp_path / "missing" / "copy"
    assert main(["backup", "--data", str(data_dir), str(target)]) == 2
    err = capsys.readouterr().err
    assert ("inside the store" if where == "inside" else "not a directory") in err and "Traceback" not in err
    assert not target.exists()


def test_no_store_in_the_data_directory_is_refused_without_creating_one(tmp_path, data_dir, capsys):
    assert main(["backup", "--data", str(data_dir), str(tmp_path / "copy")]) == 2
    assert "no store in" in capsys.readouterr().err
    assert not (data_dir / "store").exists() and not (tmp_path / "copy").exists()


def test_a_store_held_by_another_process_is_refused_with_exit_3(tmp_path, data_dir, capsys):
    load(tmp_path, data_dir, "one")
    holder = open_node(Settings(base_url=BASE_URL, data_dir=data_dir, load_bundled_catalogue=False))
    try:  # the RocksDB lock, as a running `serve` holds it
        assert main(["backup", "--data", str(data_dir), str(tmp_path / "copy")]) == 3
    finally:
        holder.close()
    err = capsys.readouterr().err
    assert "in use by another ehds-node process" in err and "Traceback" not in err  # no server runs
    assert not (tmp_path / "copy").exists()


def test_a_remote_store_is_refused_with_the_servers_own_tools(tmp_path, data_dir, capsys, monkeypatch):
    monkeypatch.setenv("EHDS_NODE_STORE", "sparql")
    monkeypatch.setenv("EHDS_NODE_STORE_QUERY_URL", "http://127.0.0.1:9/query")
    assert main(["backup", "--data", str(data_dir), str(tmp_path / "copy")]) == 2
    err = capsys.readouterr().err
    assert "http://127.0.0.1:9/query" in err and "oxigraph dump" in err and "backup_online" in err
    assert "Traceback" not in err and not (tmp_path / "copy").exists()


def test_writes_a_process_left_unflushed_are_in_the_backup(tmp_path, data_dir):
    """A writer that ended without flushing (a crash, SIGKILL) left its last writes in RocksDB's log:
    the backup opens the store for writing, which replays the log (a read-only open, as `oxigraph
    backup` does, copies the flushed files only and loses them)."""
    (data_dir / "store").mkdir(parents=True)
    writer = ("import os, sys, pyoxigraph as ox\n"
              "store = ox.Store(sys.argv[1])\n"
              "store.add(ox.Quad(ox.NamedNode('http://example.org/s'), ox.NamedNode('http://example.org/p'),\n"
              "                  ox.Literal('unflushed'), ox.NamedNode('http://example.org/g')))\n"
              "os._exit(0)\n")
    subprocess.run([sys.executable, "-c", writer, str(data_dir / "store")], check=True, timeout=60)
    assert main(["backup", "--data", str(data_dir), str(tmp_path / "copy")]) == 0
    copy = ox.Store.read_only(str(tmp_path / "copy"))
    assert [q.object.value for q in copy.quads_for_pattern(None, None, None, ox.NamedNode("http://example.org/g"))] \
        == ["unflushed"]


def test_the_server_backup_route_needs_the_token_and_names_no_path(client, node):
    assert client.post("/admin/backup").status_code == 401
    response = client.post("/admin/backup?path=/etc", headers={"Authorization": f"Bearer {API_TOKEN}"})
    assert response.status_code == 201
    taken = Path(response.get_json()["backup"])
    assert taken.parent == Path(node.settings.data_dir) / "backups" and taken.is_dir()
