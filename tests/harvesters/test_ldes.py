"""Kind `ldes`: harvest runs that follow a hand-written DCAT-AP Feed on a loopback partner."""

import json


from node.catalog_index import CatalogIndex
from node.config import SourceConfig
from node.harvest import run_harvest
from node.harvest.provenance import source_graph_prefix
from tests.harvesters.catalogues import dataset_iri
from tests.harvest_runs.test_runs import central  # noqa: F401  (a pytest fixture: the harvest runs' central node)
from tests.harvesters.conftest import make_fetcher
from tests.harvesters.ldes_feeds import FEED_PREFIXES, TRIG, activity, relation, serve_feed, titles

JAN, FEB, MAR, APR, MAY = ("2024-01-01T00:00:00Z", "2024-02-01T00:00:00Z", "2024-03-01T00:00:00Z",
                           "2024-04-01T00:00:00Z", "2024-05-01T00:00:00Z")


def feed_source(url, **overrides):
    return SourceConfig(**({"name": "partner", "kind": "ldes", "url": url, "allow_private_network": True,
                            "retries": 0, "timeout": 5.0} | overrides))


def harvest(ctx, src, **options):
    return run_harvest(ctx, src, fetcher=make_fetcher(src), **options)


def held(ctx) -> set[str]:
    prefix = source_graph_prefix(ctx.naming, "partner")
    return {e.dataset for e in CatalogIndex(ctx.store).entries() if e.graph.startswith(prefix)}


def state(ctx) -> dict:
    return json.loads((ctx.settings.data_dir / "harvest" / "partner" / "state.json").read_text())


def three_pages(partner):
    """Creates of 1–4, an update of 2, a delete of 3, over three pages (January, February, March)."""
    return [
        (JAN, FEB, [activity(partner, "Create", 1, "2024-01-02T00:00:00Z"),
                    activity(partner, "Create", 2, "2024-01-03T00:00:00Z")]),
        (FEB, MAR, [activity(partner, "Create", 3, "2024-02-02T00:00:00Z"),
                    activity(partner, "Create", 4, "2024-02-03T00:00:00Z"),
                    activity(partner, "Update", 2, "2024-02-04T00:00:00Z", title="Dataset 2, revised")]),
        (MAR, APR, [activity(partner, "Delete", 3, "2024-03-02T00:00:00Z")]),
    ]


def test_first_run_replicates_the_feed(partner, central):
    url = serve_feed(partner, three_pages(partner))
    report = harvest(central, feed_source(url))
    assert report.status == "complete", report.error
    assert held(central) == {dataset_iri(n) for n in (1, 2, 4)}
    assert titles(central, [dataset_iri(2)]) == {dataset_iri(2): "Dataset 2, revised"}
    assert state(central)["feed_position"] == {
        "published": "2024-03-02T00:00:00+00:00", "activity": partner.url("/activity/delete-3-2024-03-02T00:00:00Z")}
    assert report.written == 3 and report.deleted == 0  # 3 was created and deleted within the same run


def test_later_runs_apply_only_the_new_members_and_nothing_when_nothing_is_new(partner, central):
    pages = three_pages(partner)
    url = serve_feed(partner, pages)
    harvest(central, feed_source(url))
    pages.append((APR, MAY, [activity(partner, "Update", 1, "2024-04-02T00:00:00Z", title="One, again"),
                             activity(partner, "Create", 5, "2024-04-03T00:00:00Z"),
                             activity(partner, "Delete", 4, "2024-04-04T00:00:00Z")]))
    serve_feed(partner, pages)
    report = harvest(central, feed_source(url, max_delete_share=0.5))  # 1 of 3 is over the default 0.30
    assert report.status == "complete", report.error
    assert (report.written, report.deleted, report.fetched) == (2, 1, 2)
    assert held(central) == {dataset_iri(n) for n in (1, 2, 5)}
    assert titles(central, [dataset_iri(1)])[dataset_iri(1)] == "One, again"
    assert partner.hits_for("/feed/1") == 1 and partner.hits_for("/feed/2") == 1  # pruned by their LessThan bound
    assert state(central)["feed_position"]["activity"] == partner.url("/activity/delete-4-2024-04-04T00:00:00Z")
    changes_before = central.store.last_sequence()
    quiet = harvest(central, feed_source(url))
    assert (quiet.status, quiet.written, quiet.deleted, quiet.fetched) == ("complete", 0, 0, 0)
    assert [e for e in central.store.changes(changes_before + 1, changes_before + 50) if e.source == "partner"] == []


def test_deleting_most_records_is_refused_unless_forced(partner, central):
    pages = three_pages(partner)
    url = serve_feed(partner, pages)
    harvest(central, feed_source(url))
    position = state(central)["feed_position"]
    pages.append((APR, MAY, [activity(partner, "Delete", 1, "2024-04-02T00:00:00Z"),
                             activity(partner, "Delete", 2, "2024-04-03T00:00:00Z")]))
    serve_feed(partner, pages)
    refused = harvest(central, feed_source(url))
    assert (refused.status, refused.deleted, refused.deletions_refused) == ("complete", 0, 2)
    assert held(central) == {dataset_iri(n) for n in (1, 2, 4)}
    assert state(central)["feed_position"] == position  # the refused deletes are read again next time
    forced = harvest(central, feed_source(url), force=True)
    assert (forced.status, forced.deleted) == ("complete", 2)
    assert held(central) == {dataset_iri(4)}


def test_a_relation_to_another_origin_is_not_followed(partner, central):
    pages = three_pages(partner)
    elsewhere = partner.url("/feed/evil", host="localhost")
    partner.serve("/feed/evil", FEED_PREFIXES + activity(partner, "Create", 9, "2024-01-05T00:00:00Z"), content_type=TRIG)
    url = serve_feed(partner, pages, {"1": [relation("GreaterThanOrEqualTo", elsewhere, JAN)]})
    report = harvest(central, feed_source(url))
    assert report.status == "complete", report.error
    assert partner.hits_for("/feed/evil") == 0
    assert dataset_iri(9) not in held(central)
    assert any("relation not followed" in p and "localhost" in p for p in report.problems)


def test_a_cycle_of_relations_ends(partner, central):
    pages = three_pages(partner)
    root = partner.url("/feed")
    url = serve_feed(partner, pages, {"3": [relation("GreaterThanOrEqualTo", partner.url("/feed/1"), JAN),
                                            relation("GreaterThanOrEqualTo", root, JAN)]})
    report = harvest(central, feed_source(url))
    assert report.status == "complete", report.error
    assert [partner.hits_for(f"/feed/{n}") for n in (1, 2, 3)] == [1, 1, 1] and partner.hits_for("/feed") == 1
    assert held(central) == {dataset_iri(n) for n in (1, 2, 4)}


def test_a_malformed_page_fails_the_run_and_the_previous_copy_stays(partner, central):
    pages = three_pages(partner)
    url = serve_feed(partner, pages)
    harvest(central, feed_source(url))
    position = state(central)["feed_position"]
    pages.append((APR, MAY, [activity(partner, "Delete", 1, "2024-04-02T00:00:00Z")]))
    serve_feed(partner, pages)
    partner.serve("/feed/4", FEED_PREFIXES + "<a> <b> { <c> <d> ", content_type=TRIG)
    report = harvest(central, feed_source(url))
    assert report.status == "failed" and "/feed/4" in report.error and "TriG" in report.error
    assert held(central) == {dataset_iri(n) for n in (1, 2, 4)}
    assert state(central)["feed_position"] == position


def test_an_invalid_payload_is_rejected_on_its_own(partner, central):
    pages = three_pages(partner)
    broken = activity(partner, "Create", 6, "2024-03-03T00:00:00Z").replace('dct:title "Dataset 6"@en ;', "")
    pages[2][2].append(broken)
    url = serve_feed(partner, pages)
    report = harvest(central, feed_source(url))
    assert report.status == "complete"
    assert [r["dataset"] for r in report.rejected] == [dataset_iri(6)]
    assert held(central) == {dataset_iri(n) for n in (1, 2, 4)}


def test_a_json_ld_page_is_read_like_trig(partner, central):
    import pyoxigraph as ox

    pages = three_pages(partner)
    url = serve_feed(partner, pages)
    trig = partner.routes["/feed/2"].body
    jsonld = ox.serialize(ox.parse(trig, format=ox.RdfFormat.TRIG), format=ox.RdfFormat.JSON_LD)
    partner.serve("/feed/2", jsonld, content_type="application/ld+json")
    report = harvest(central, feed_source(url))
    assert report.status == "complete", report.error
    assert held(central) == {dataset_iri(n) for n in (1, 2, 4)}


def test_the_cli_tries_a_feed_as_a_dry_run(partner, tmp_path, capsys):
    from node.cli import main

    url = serve_feed(partner, three_pages(partner))
    code = main(["harvest", "--url", url, "--kind", "ldes", "--allow-private-network", "--data",
                 str(tmp_path / "data"), "--base-url", "http://central.test/"])
    out = capsys.readouterr().out
    assert code == 0 and "try: dry-run" in out
    assert [partner.hits_for(f"/feed/{n}") for n in (1, 2, 3)] == [1, 1, 1]
