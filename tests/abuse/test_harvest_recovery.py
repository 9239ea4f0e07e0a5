"""Harvest abuse and recovery: nothing a partner sends, and no crash, stops the node from starting
or loses records (issue 10: findings 1, 3, 7 and 8)."""

import hashlib
import json
import logging
import time

import pytest

from node.cli import main
from node.config import Settings, SourceConfig
from node.context import open_node
from node.harvest import read_reports, recover_interrupted_applies, run_harvest
from node.harvest import journal
from node.harvest.schedule import due, failures_in_a_row
from tests.harvesters.catalogues import BASE, catalogue_turtle, dataset_iri, dataset_turtle
from tests.harvesters.conftest import make_fetcher
from tests.harvesters.partner_server import Reply
from tests.harvest_runs.test_runs import harvested


def settings(tmp_path, **overrides):
    return Settings(**({"base_url": "http://central.test/", "data_dir": tmp_path / "central",
                        "load_bundled_catalogue": False, "api_token": "t"} | overrides))


def source(url, **overrides):
    return SourceConfig(**({"name": "partner", "kind": "dcat", "url": url, "allow_private_network": True,
                            "retries": 0, "timeout": 30.0, "schedule": "every 1h"} | overrides))


def harvest(ctx, src, **options):
    return run_harvest(ctx, src, fetcher=make_fetcher(src), **options)


def huge_page() -> str:
    """A valid 18 MB page: datasets 1-3, and dataset 4 with two 9 MB literals."""
    big = dataset_turtle(4).replace('dct:description "Generated dataset 4."@en ;',
                                    f'dct:description "{"a" * 9_000_000}"@en, "{"b" * 9_000_000}"@fr ;')
    return catalogue_turtle([1, 2, 3]) + big


@pytest.mark.parametrize("limits, reason", [
    ({}, "max_literal_bytes"),                                                    # the defaults
    ({"max_literal_bytes": 10_000_000, "max_record_bytes": 30_000_000}, "max_record_bytes"),
    ({"max_literal_bytes": 10_000_000, "max_record_bytes": 100_000_000}, "more than the store can load"),
])
def test_a_page_with_huge_literals_rejects_that_record_and_the_node_restarts(partner, tmp_path, limits, reason):
    url = partner.serve("/huge.ttl", huge_page())
    ctx = open_node(settings(tmp_path, **limits))
    try:
        report = harvest(ctx, source(url))
        assert report.status == "complete" and report.written == 3 and report.rejected_count == 1
        assert report.rejected[0]["dataset"] == dataset_iri(4) and reason in report.rejected[0]["reasons"][0]
        assert set(harvested(ctx)) == {dataset_iri(n) for n in (1, 2, 3)}
    finally:
        ctx.close()
    assert not list((tmp_path / "central" / "harvest" / "partner").glob("*.apply.json"))
    from node.web.app import create_app

    client = create_app(settings(tmp_path, **limits)).test_client()
    assert client.get("/catalog", headers={"Accept": "text/turtle"}).status_code == 200
    assert read_reports(tmp_path / "central", "partner")[0]["rejected_count"] == 1


def _unappliable_journal(folder, graphs, name="20260101T000000Z-bad"):
    """A journal whose staged file is corrupt (cut in the middle of a statement)."""
    (folder / f"{name}.trig").write_bytes(b"<http://central.test/graph/x> {\n<http://a> <http://b> \"cut")
    (folder / f"{name}.apply.json").write_text(json.dumps({"staged": f"{name}.trig", "replace": graphs,
                                                           "delete": [], "extra": []}))


def test_an_unappliable_journal_is_set_aside_and_every_command_starts(partner, tmp_path, caplog, capsys):
    url = partner.serve("/c.ttl", catalogue_turtle([1, 2, 3]))
    ctx = open_node(settings(tmp_path))
    harvest(ctx, source(url))
    graphs = [q.graph_name.value for q in ctx.store.backend.quads(None, journal_hash_predicate(), None, None)]
    ctx.close()
    folder = tmp_path / "central" / "harvest" / "partner"
    config = tmp_path / "node.toml"
    config.write_text(f'[node]\nbase_url = "http://central.test/"\nload_bundled_catalogue = false\n'
                      f'[[sources]]\nname = "partner"\nkind = "dcat"\nurl = "{url}"\nallow_private_network = true\n')
    data = str(tmp_path / "central")
    record = tmp_path / "one.ttl"
    record.write_text(catalogue_turtle([9]).replace(f"{BASE}/dataset/9", "http://central.test/datasets/nine"))
    from node.web.app import create_app

    def serve_starts() -> bool:
        app = create_app(settings(tmp_path))
        try:
            return app.test_client().get("/catalog").status_code == 200
        finally:
            app.config["NODE"].close()  # as serve does when it stops: the next command opens the store

    starts = [serve_starts,
              lambda: main(["harvest", "partner", "--config", str(config), "--data", data]) == 0,
              lambda: main(["load", str(record), "--config", str(config), "--data", data]) in (0, 1)]
    for number, start in enumerate(starts):
        _unappliable_journal(folder, graphs, name=f"2026010{number}T000000Z-bad")
        caplog.clear()
        with caplog.at_level(logging.ERROR, logger="ehds.harvest"):
            assert start()
        events = [json.loads(r.getMessage()) for r in caplog.records if r.getMessage().startswith("{")]
        assert any(e["event"] == "harvest-journal-set-aside" for e in events)
        assert not list(folder.glob("*.apply.json"))
        failed = [r for r in read_reports(tmp_path / "central", "partner") if r.get("journal_set_aside")]
        assert len(failed) == number + 1 and f"2026010{number}T000000Z-bad" in failed[0]["journal_set_aside"]
    assert len(list((folder / journal.SET_ASIDE).iterdir())) == 3
    ctx = open_node(settings(tmp_path))
    try:
        assert set(harvested(ctx)) == {dataset_iri(n) for n in (1, 2, 3)}  # the previous copy stayed
    finally:
        ctx.close()


def journal_hash_predicate():
    from node.harvest.provenance import CONTENT_HASH

    return CONTENT_HASH


def etagged(body: str):
    """A partner route that answers 304 to a matching If-None-Match."""
    tag = '"' + hashlib.sha256(body.encode()).hexdigest()[:16] + '"'

    def reply(request):
        sent = {k.lower(): v for k, v in request.headers.items()}.get("if-none-match")
        if sent == tag:
            return Reply(b"", status=304, headers={"ETag": tag})
        return Reply(body.encode(), headers={"ETag": tag})
    return reply


def test_a_crash_after_the_apply_then_the_partner_reverting_gives_the_partners_records(partner, tmp_path, monkeypatch):
    old = catalogue_turtle([1, 2, 3])
    new = old.replace('"Dataset 2"@en', '"Dataset 2, revised"@en')
    partner.routes["/c.ttl"] = etagged(old)
    url = partner.url("/c.ttl")
    ctx = open_node(settings(tmp_path))
    try:
        harvest(ctx, source(url))
        before = harvested(ctx)
        partner.routes["/c.ttl"] = etagged(new)

        def die(*args, **kwargs):
            raise KeyboardInterrupt("killed between the store writes and the run state")

        monkeypatch.setattr(journal, "_leave_run_files", die)
        with pytest.raises(KeyboardInterrupt):
            harvest(ctx, source(url))
        monkeypatch.undo()
        assert recover_interrupted_applies(ctx.store, ctx.settings.data_dir) == 1  # what the next start does
        assert harvested(ctx)[dataset_iri(2)] != before[dataset_iri(2)]
        partner.routes["/c.ttl"] = etagged(old)  # the partner goes back to the exact bytes it served before
        report = harvest(ctx, source(url))
        assert report.written == 1 and report.unchanged == 2
        assert harvested(ctx) == before
    finally:
        ctx.close()


def test_a_renamed_dataset_replaces_its_old_copy(partner, tmp_path):
    numbers = range(1, 51)
    url = partner.serve("/c.ttl", catalogue_turtle(numbers))
    ctx = open_node(settings(tmp_path))
    try:
        assert harvest(ctx, source(url)).written == 50
        renamed = catalogue_turtle(numbers)
        for n in range(1, 6):  # same dct:identifier "ds-n", new IRI
            renamed = renamed.replace(f"{BASE}/dataset/{n}>", f"{BASE}/moved/{n}>").replace(
                f"{BASE}/dataset/{n}/", f"{BASE}/moved/{n}/")
        partner.serve("/c.ttl", renamed)
        report = harvest(ctx, source(url))
        assert (report.renamed, report.written, report.deleted, report.duplicates_count) == (5, 5, 0, 0)
        assert {r["previous"] for r in report.renames} == {dataset_iri(n) for n in range(1, 6)}
        expected = {f"{BASE}/moved/{n}" for n in range(1, 6)} | {dataset_iri(n) for n in range(6, 51)}
        assert set(harvested(ctx)) == expected
        again = harvest(ctx, source(url))  # the same page bytes afterwards
        assert (again.unchanged, again.written, again.deleted) == (50, 0, 0)
        assert set(harvested(ctx)) == expected
        assert "renamed 5" in report.summary()
    finally:
        ctx.close()


def test_a_crashed_run_counts_as_failed_and_the_source_is_not_due_at_once(partner, tmp_path, monkeypatch):
    url = partner.serve("/c.ttl", catalogue_turtle([1]))
    ctx = open_node(settings(tmp_path))
    from node.harvest import run as run_module

    def segfault(*args, **kwargs):
        raise SystemExit("the process died reading the page")

    monkeypatch.setattr(run_module, "_take_page", segfault)
    with pytest.raises(SystemExit):
        harvest(ctx, source(url))
    ctx.close()
    assert read_reports(tmp_path / "central", "partner") == []  # nothing saved: the process died
    ctx = open_node(settings(tmp_path))  # the next start
    ctx.close()
    runs = read_reports(tmp_path / "central", "partner")
    assert runs[0]["status"] == "failed" and "did not finish" in runs[0]["error"]
    assert not due(source(url), runs[0]["started"], time.time(), failures_in_a_row(runs))
    assert due(source(url), runs[0]["started"], time.time() + 3600, 1)
    assert not due(source(url), runs[0]["started"], time.time() + 3600, 2)  # backs off after repeated failures
    assert due(source(url), runs[0]["started"], time.time() + 7200, 2)


def test_an_unexpected_error_reading_a_page_is_a_failed_run(partner, tmp_path, monkeypatch):
    url = partner.serve("/c.ttl", catalogue_turtle([1]))
    ctx = open_node(settings(tmp_path))
    from node.harvest import run as run_module

    monkeypatch.setattr(run_module, "_take_page", lambda *a: (_ for _ in ()).throw(MemoryError("too big")))
    try:
        report = harvest(ctx, source(url))
        assert report.status == "failed" and "MemoryError" in report.error
        assert not (tmp_path / "central" / "harvest" / "partner" / journal.RUNNING_FILE).exists()
    finally:
        ctx.close()


def test_an_apply_that_fails_during_the_run_is_set_aside_and_the_previous_copy_stays(partner, tmp_path, monkeypatch):
    url = partner.serve("/c.ttl", catalogue_turtle([1, 2]))
    ctx = open_node(settings(tmp_path))
    try:
        harvest(ctx, source(url))
        before = harvested(ctx)
        partner.serve("/c.ttl", catalogue_turtle([1, 2]).replace('"Dataset 2"@en', '"Changed"@en'))

        def unloadable(staged, graphs):
            raise journal.JournalUnusable("Reached the buffer maximal size of 16777216")

        monkeypatch.setattr(journal, "_check_staged", unloadable)
        report = harvest(ctx, source(url))
        assert report.status == "failed" and "16777216" in report.error and report.journal_set_aside
        assert harvested(ctx) == before
        monkeypatch.undo()
        assert read_reports(tmp_path / "central", "partner")[0]["journal_set_aside"] == report.journal_set_aside
        again = harvest(ctx, source(url))  # the validators were forgotten: the page is read again
        assert again.status == "complete" and again.written == 1
    finally:
        ctx.close()
