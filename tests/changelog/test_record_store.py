"""The record store's change log: every write of a record leaves one entry, written with it."""

from __future__ import annotations

import ast
from pathlib import Path

import pyoxigraph as ox
import pytest

from node.harvest import journal
from tests.harvest_runs.test_runs import harvest, source
from tests.harvesters.catalogues import catalogue_turtle, dataset_iri, serve_paged
from tests.publish.sample_records import renamed, retitled, turtle
from tests.publish.test_write_api import AUTH, put

ROOT = Path(__file__).resolve().parents[2]


def kinds(ctx, first: int = 1) -> list[tuple[str, str]]:
    return [(e.kind, e.dataset_iri) for e in ctx.store.changes(first, ctx.store.last_sequence())]


def test_the_bundled_records_are_six_creates(node):
    entries = node.store.changes(1, node.store.last_sequence())
    assert [e.kind for e in entries] == ["create"] * 6
    assert [e.sequence for e in entries] == list(range(1, 7))
    assert {e.source for e in entries} == {"local"}


def test_put_update_and_delete_each_log_one_entry_with_the_published_form(node, client):
    start = node.store.last_sequence()
    assert put(client, "copy", turtle(renamed("snds", "copy"))).status_code == 201
    assert put(client, "copy", turtle(retitled(renamed("snds", "copy"), "Autre titre"))).status_code == 200
    assert client.delete("/datasets/copy", headers=AUTH).status_code == 204
    iri = "http://localhost:8080/datasets/copy"
    assert kinds(node, start + 1) == [("create", iri), ("update", iri), ("delete", iri)]
    create, update, delete = node.store.changes(start + 1, start + 3)
    assert "Autre titre" in update.payload and "Autre titre" not in create.payload
    assert delete.payload is None and create.published <= update.published <= delete.published
    assert [e.sequence for e in node.store.history(iri)] == [start + 1, start + 2, start + 3]


def test_a_refused_write_logs_nothing(node, client):
    start = node.store.last_sequence()
    body = turtle(renamed("snds", "bad")).replace(b"dcat:Dataset", b"dcat:Nothing", 1)
    assert put(client, "bad", body).status_code >= 400
    assert client.delete("/datasets/never-was", headers=AUTH).status_code == 404
    assert node.store.last_sequence() == start


def test_the_sequence_survives_a_restart(settings):
    from node.context import open_node

    ctx = open_node(settings)
    last = ctx.store.last_sequence()
    ctx.close()
    ctx = open_node(settings)
    try:
        ctx.store.apply([])  # nothing to write: nothing logged
        assert ctx.store.last_sequence() == last == 6
    finally:
        ctx.close()


def test_harvest_runs_log_creates_updates_deletes_with_their_run(partner, central):
    url = partner.serve("/a.ttl", catalogue_turtle([1, 2]))
    first = harvest(central, source(url))
    assert sorted(kinds(central)) == [("create", dataset_iri(1)), ("create", dataset_iri(2))]
    assert {e.run for e in central.store.changes(1, 2)} == {first.run_id}
    assert {e.source for e in central.store.changes(1, 2)} == {"partner"}
    partner.serve("/a.ttl", catalogue_turtle([2, 3]))
    second = harvest(central, source(url, max_delete_share=0.5))
    assert sorted(kinds(central, 3)) == [("create", dataset_iri(3)), ("delete", dataset_iri(1))]
    assert {e.run for e in central.store.changes(3, 4)} == {second.run_id}


def test_a_replayed_journal_logs_nothing_twice(partner, central, monkeypatch):
    url = serve_paged(partner, total=3, page_size=3)
    applied = []

    def apply_then_die(store, path):
        saved = path.read_bytes(), (path.parent / f"{path.name.split('.')[0]}.trig").read_bytes()
        journal.apply_journal(store, path)
        applied.append(saved)
        raise KeyboardInterrupt("killed after the apply, before the run files were tidied")

    monkeypatch.setattr("node.harvest.staging.apply_journal", apply_then_die)
    try:
        harvest(central, source(url))
    except KeyboardInterrupt:
        pass
    monkeypatch.undo()
    assert central.store.last_sequence() == 3
    plan, staged = applied[0]
    folder = central.settings.data_dir / "harvest" / "partner"
    replay = folder / "again.apply.json"
    replay.write_bytes(plan.replace(b'"staged": "', b'"staged": "again-', 1))
    (folder / f"again-{replay.name}").unlink(missing_ok=True)
    import json

    (folder / json.loads(replay.read_text())["staged"]).write_bytes(staged)
    journal.apply_journal(central.store, replay)
    assert central.store.last_sequence() == 3


def test_no_module_outside_node_store_scans_quads():
    offenders = []
    for path in sorted((ROOT / "node").rglob("*.py")) + sorted((ROOT / "harvesters").rglob("*.py")) + [ROOT / "app.py"]:
        if "store" in path.relative_to(ROOT).parts[:2] and path.parts[-2] == "store":
            continue
        for call in ast.walk(ast.parse(path.read_text())):
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr in (
                    "quads", "quads_for_pattern", "load_quads", "update"):
                if call.func.attr == "update" and not _looks_like_store(call.func.value):
                    continue
                offenders.append(f"{path.relative_to(ROOT)}:{call.lineno} .{call.func.attr}()")
    assert offenders == []


def _looks_like_store(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr in ("store", "backend", "_store")


def test_the_in_memory_store_runs_the_same_log(settings):
    from node.context import open_node

    ctx = open_node(settings, in_memory=True)
    try:
        assert ctx.store.backend.path is None
        assert [e.kind for e in ctx.store.changes(1, ctx.store.last_sequence())] == ["create"] * 6
        graph = ctx.naming.local_graph("snds")
        ctx.store.apply([journal.GraphChange(graph, None)])
        assert ctx.store.change(7).kind == "delete" and ctx.store.change(7).dataset_iri.endswith("/snds")
        assert not ctx.store.has_graph(graph)
    finally:
        ctx.close()


def test_first_sequence_at_a_time_finds_the_boundary(node):
    entries = node.store.changes(1, node.store.last_sequence())
    assert node.store.first_sequence_at("") == 1
    assert node.store.first_sequence_at("9999") == node.store.last_sequence() + 1
    assert node.store.first_sequence_at(entries[-1].published) <= entries[-1].sequence
    assert isinstance(ox.NamedNode(entries[0].graph), ox.NamedNode)


def test_pruning_keeps_the_newest_and_the_numbering(node, client):
    for n in range(3):
        assert put(client, f"p{n}", turtle(renamed("snds", f"p{n}"))).status_code == 201
    last = node.store.last_sequence()
    cut = node.store.change(last - 1).published
    pruned = node.store.prune_changes(cut)
    assert pruned == node.store.first_sequence() - 1 and pruned >= 6
    assert node.store.change(1) is None and node.store.change(last).kind == "create"
    node.store._last_sequence = None  # as a restart finds it: from the head and the entries
    assert node.store.last_sequence() == last
    assert put(client, "p9", turtle(renamed("snds", "p9"))).status_code == 201
    assert node.store.change(last + 1).dataset_iri.endswith("/p9")
    assert [e.sequence for e in node.store.changes(1, last + 1)][0] == node.store.first_sequence()


def test_pruning_everything_keeps_the_numbering_across_a_restart(node):
    last = node.store.last_sequence()
    assert node.store.prune_changes("9999-01-01T00:00:00.000Z") == last
    node.store._last_sequence = None  # as a restart finds it
    assert node.store.last_sequence() == last and node.store.changes(1, last) == []
    node.store.apply([journal.GraphChange(node.naming.local_graph("snds"), None)])
    assert node.store.change(last + 1).kind == "delete"


def test_times_read_back_in_one_sortable_form(node, monkeypatch):
    from node.store import changelog

    times = iter(["2026-12-01T10:00:26.100Z", "2026-12-01T10:00:26.150Z", "2026-12-01T10:00:27.000Z"])
    real = changelog.timestamp
    monkeypatch.setattr(changelog, "timestamp", lambda now=None: real(now) if now is not None else next(times))
    start = node.store.last_sequence()
    for record_id in ("snds", "oscour", "hydro"):
        node.store.apply([journal.GraphChange(node.naming.local_graph(record_id), None)])
    read = [e.published for e in node.store.changes(start + 1, start + 3)]
    assert read == ["2026-12-01T10:00:26.100Z", "2026-12-01T10:00:26.150Z", "2026-12-01T10:00:27.000Z"]
    assert node.store.first_sequence_at("2026-12-01T10:00:26.120Z") == start + 2
    assert node.store.first_sequence_at("2026-12-01T10:00:26.999Z") == start + 3


def test_old_entries_are_pruned_at_start_and_retention_has_a_floor(settings, monkeypatch):
    from dataclasses import replace

    from node.context import open_node
    from node.errors import ConfigError
    from node.store import changelog

    with pytest.raises(ConfigError, match="change_retention_days"):
        replace(settings, change_retention_days=3)
    real = changelog.timestamp
    monkeypatch.setattr(changelog, "timestamp",  # the bundled records were written long ago
                        lambda now=None: real(now) if now is not None else "2020-01-01T00:00:00.000Z")
    ctx = open_node(settings)
    last = ctx.store.last_sequence()
    ctx.close()
    monkeypatch.setattr(changelog, "timestamp", real)
    ctx = open_node(settings)  # a start today: those entries are past the 400 days
    try:
        assert ctx.store.first_sequence() == last + 1 and ctx.store.changes(1, last) == []
    finally:
        ctx.close()


def test_a_deletion_outlives_the_retention_so_oai_deletions_are_persistent(node, client):
    """OAI-PMH Identify says deletedRecord 'persistent': a record's last deletion is kept when the log
    is pruned (below the first sequence: the feed starts after it), and /oai still reports it."""
    assert client.delete("/datasets/hydro", headers=AUTH).status_code == 204
    deleted = node.store.last_sequence()
    node.store.prune_changes("9999-01-01T00:00:00.000Z")
    assert node.store.change(deleted).kind == "delete" and node.store.changes(1, deleted) == []
    assert node.store.change(deleted - 1) is None  # everything else went
    answer = client.get("/oai?verb=ListIdentifiers&metadataPrefix=oai_dc").get_data(as_text=True)
    assert answer.count('status="deleted"') == 1 and "hydro" in answer
