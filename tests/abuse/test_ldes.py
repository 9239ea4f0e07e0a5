"""A hostile feed partner (kind ldes): whatever a page holds, the run completes or fails with a message,
and a failed run leaves the previous copy and the feed position as they were."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.harvesters.ldes_feeds import FEED_PREFIXES, TRIG, activity, serve_feed
from tests.harvesters.test_ldes import central, feed_source, harvest, held, three_pages  # noqa: F401

MEDIA_TYPES = st.sampled_from([TRIG, "application/ld+json", "application/n-quads", "text/html", "application/json"])


def state(ctx) -> dict:
    return json.loads((ctx.settings.data_dir / "harvest" / "partner" / "state.json").read_text())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(lambda t: (FEED_PREFIXES + t).encode())),
       media_type=MEDIA_TYPES)
def test_any_page_completes_or_fails_cleanly(partner, central, body, media_type):  # noqa: F811
    url = serve_feed(partner, three_pages(partner))
    first = harvest(central, feed_source(url))
    assert first.status == "complete", first.error
    before, position = held(central), state(central)["feed_position"]
    partner.serve("/feed/2", body, content_type=media_type)
    report = harvest(central, feed_source(url, max_delete_share=1.0), full=True)
    assert report.status in ("complete", "failed")
    if report.status == "failed":
        assert report.error and "/feed/2" in report.error
        assert held(central) == before and state(central)["feed_position"] == position


def test_deeply_nested_json_ld_is_refused_by_the_depth_limit(partner, central):  # noqa: F811
    url = serve_feed(partner, three_pages(partner))
    partner.serve("/feed/2", ("[" * 5000 + "]" * 5000).encode(), content_type="application/ld+json")
    report = harvest(central, feed_source(url))
    assert report.status == "failed" and "nested" in report.error
    assert held(central) == set()


def test_a_member_without_time_or_object_is_ignored_not_fatal(partner, central):  # noqa: F811
    pages = three_pages(partner)
    stray = activity(partner, "Create", 7, "2024-03-03T00:00:00Z").replace(' ; as:published "2024-03-03T00:00:00Z"^^xsd:dateTime', "")
    pages[2][2].append(stray)
    url = serve_feed(partner, pages)
    report = harvest(central, feed_source(url))
    assert report.status == "complete", report.error
    assert "https://partner.example.eu/dataset/7" not in held(central)


def test_a_member_dated_in_the_future_waits_and_does_not_hide_later_members(partner, central):  # noqa: F811
    pages = three_pages(partner)
    pages[2][2].append(activity(partner, "Create", 8, "2999-01-01T00:00:00Z"))
    url = serve_feed(partner, pages)
    report = harvest(central, feed_source(url))
    assert report.status == "complete", report.error
    assert any("dated in the future" in p for p in report.problems)
    assert "https://partner.example.eu/dataset/8" not in held(central)
    assert state(central)["feed_position"]["published"] == "2024-03-02T00:00:00+00:00"


def test_an_activity_without_a_type_is_an_upsert_or_a_removal_by_its_payload(partner, central):  # noqa: F811
    pages = three_pages(partner)
    pages[2][2].append(activity(partner, "Update", 1, "2024-03-03T00:00:00Z", title="Untyped").replace(" a as:Update ;", ""))
    pages[2][2].append(activity(partner, "Delete", 4, "2024-03-04T00:00:00Z").replace(" a as:Delete ;", ""))
    url = serve_feed(partner, pages)
    report = harvest(central, feed_source(url, max_delete_share=1.0))
    assert report.status == "complete", report.error
    assert held(central) == {"https://partner.example.eu/dataset/1", "https://partner.example.eu/dataset/2"}
