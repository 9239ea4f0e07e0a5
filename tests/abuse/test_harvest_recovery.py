"""Nothing a partner sends can stop the node from starting, and recovery leaves the run state true to
the store (issue 10, findings 1, 3, 7, 8)."""

from __future__ import annotations

import json
import time

import pytest

from node.config import Settings, SourceConfig
from node.context import open_node
from node.harvest import read_reports, run_harvest
from node.harvest.reports import HarvestReport, mark_running
from node.harvest.schedule import due
from node.harvest.staging import recover_interrupted_applies
from tests.harvest_runs.test_runs import harvested
from tests.harvesters.catalogues import BASE, PREFIXES, catalogue_turtle, dataset_iri, dataset_turtle, serve_paged
from tests.harvesters.conftest import make_fetcher, partner  # noqa: F401  (a pytest fixture)


def settings_for(tmp_path, **overrides) -> Settings:
    return Settings(base_url="http://central.test/", data_dir=tmp_path / "central", load_bundled_catalogue=False,
                    api_token="t", **overrides)


@pytest.fixture
def central(tmp_path):
    ctx = open_node(settings_for(tmp_path))
    yield ctx
    ctx.close()


def source(url, **overrides) -> SourceConfig:
    return SourceConfig(**({"name": "partner", "kind": "dcat", "url": url, "allow_private_network": True,
                            "retries": 0, "timeout": 5.0} | overrides))


def harvest(ctx, src, **options):
    return run_harvest(ctx, src, fetcher=make_fetcher(src), **options)


def test_a_page_with_two_9_mb_literals_fails_its_run_cleanly_and_the_node_restarts(partner, central, tmp_path):
    huge = "x" * 9_000_000
    body = catalogue_turtle([1, 2]) + (f'<{dataset_iri(1)}> <http://example.org/a> "{huge}" ; '
                                       f'<http://example.org/b> "{huge}" .\n')
    url = partner.serve("/big.ttl", body)
    report = harvest(central, source(url))
    assert report.status == "failed" and "over the limit" in report.error
    assert harvested(central) == {}
    assert not list((tmp_path / "central" / "harvest" / "partner").glob("*.apply.json*"))
    central.close()
    again = open_node(settings_for(tmp_path))  # starts; nothing to recover
    again.close()


def test_a_record_over_the_record_limit_is_rejected_with_its_reason_and_the_others_land(partner, tmp_path):
    ctx = open_node(settings_for(tmp_path, max_record_bytes=20_000))
    try:
        long_text = "word " * 5_000  # 25 KB: fine as a literal, too large as a record
        body = catalogue_turtle([1, 2, 3]) + f'<{dataset_iri(2)}> <http://example.org/note> "{long_text}" .\n'
        report = harvest(ctx, source(partner.serve("/c.ttl", body)))
        assert (report.status, report.written, report.rejected_count) == ("complete", 2, 1)
        assert "max_record_bytes" in report.rejected[0]["reasons"][0]
        assert set(harvested(ctx)) == {dataset_iri(1), dataset_iri(3)}
    finally:
        ctx.close()


def test_a_journal_that_cannot_be_applied_is_set_aside_and_every_command_starts(tmp_path):
    folder = tmp_path / "central" / "harvest" / "partner"
    folder.mkdir(parents=True)
    (folder / "run1.trig").write_bytes(b"<http://central.test/graph/source/partner/x> { this is not trig }\n")
    (folder / "run1.apply.json").write_text(json.dumps({"staged": "run1.trig", "replace": [], "delete": [],
                                                        "extra": []}))
    ctx = open_node(settings_for(tmp_path))  # serve, harvest and load all open the node this way
    ctx.close()
    assert not (folder / "run1.apply.json").exists()
    assert len(list(folder.glob("run1.apply.json.failed-*"))) == 1
    assert len(list(folder.glob("run1.trig.failed-*"))) == 1
    last = read_reports(tmp_path / "central", "partner", limit=1)[0]
    assert last["status"] == "failed" and "set aside as run1.apply.json.failed-" in last["error"]
    open_node(settings_for(tmp_path)).close()  # and again: nothing left to trip on


def test_a_rolled_forward_apply_also_writes_the_run_state(partner, central, monkeypatch):
    first = catalogue_turtle(range(1, 11))
    url = partner.serve("/cat.ttl", first)
    assert harvest(central, source(url)).written == 10
    partner.serve("/cat.ttl", catalogue_turtle([*range(1, 10), 11]))  # 10 goes (within the deletion guard), 11 comes

    def die(*args, **kwargs):
        raise KeyboardInterrupt("killed mid-apply")

    monkeypatch.setattr(central.store, "load_quads", die)
    with pytest.raises(KeyboardInterrupt):
        harvest(central, source(url))
    monkeypatch.undo()
    assert recover_interrupted_applies(central.store, central.settings.data_dir) == 1
    assert set(harvested(central)) == {dataset_iri(n) for n in (*range(1, 10), 11)}
    partner.serve("/cat.ttl", first)  # the partner goes back to the very bytes it served before the crash
    report = harvest(central, source(url))
    assert report.status == "complete"
    assert set(harvested(central)) == {dataset_iri(n) for n in range(1, 11)}


def renamed_catalogue(numbers, renamed: set[int]) -> str:
    """The same datasets (same dct:identifier), some under a new IRI."""
    text = catalogue_turtle(numbers)
    for number in renamed:
        text = text.replace(f"<{dataset_iri(number)}>", f"<{BASE}/renamed/{number}>")
        text = text.replace(f"<{dataset_iri(number)}/", f"<{BASE}/renamed/{number}/")
    return text


def test_records_renamed_by_their_partner_replace_their_old_copies(partner, central):
    numbers = range(1, 51)
    url = partner.serve("/cat.ttl", catalogue_turtle(numbers))
    assert harvest(central, source(url)).written == 50
    partner.serve("/cat.ttl", renamed_catalogue(numbers, {3, 7, 11, 20, 42}))
    report = harvest(central, source(url))
    assert (report.status, report.renamed, report.written) == ("complete", 5, 5)
    held = set(harvested(central))
    assert len(held) == 50 and f"{BASE}/renamed/42" in held and dataset_iri(42) not in held
    again = harvest(central, source(url), full=True)  # the same bytes again: nothing lost, nothing rewritten
    assert (again.unchanged, again.written, again.deleted) == (50, 0, 0)
    assert len(harvested(central)) == 50


def test_a_run_the_process_died_in_counts_as_failed_and_is_not_due_at_once(tmp_path):
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    mark_running(tmp_path / "central", HarvestReport("partner", started.replace(":", ""), started))
    open_node(settings_for(tmp_path)).close()  # the next start finds the marker
    last = read_reports(tmp_path / "central", "partner", limit=1)[0]
    assert last["status"] == "failed" and "process ended" in last["error"]
    scheduled = source("http://partner.test/", schedule="every 6h")
    assert not due(scheduled, last["started"], time.time())
    assert not (tmp_path / "central" / "harvest" / "partner" / "running.json").exists()


def test_dataset_turtle_helper_is_what_the_partner_serves():
    assert PREFIXES and dataset_turtle(1) in catalogue_turtle([1])
