"""Abuse of the history pages and of `ehds-node review`: whatever arrives in a URL or an argument, an
answer with a message (never a 500 or a traceback); partners' titles cannot run in a terminal or a
spreadsheet; a diff of large versions is bounded."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from node.cli import main
from node.config import Settings
from node.errors import ParseError
from node.history import diff_versions
from node.review import cutoff
from node.store.changelog import ChangeEntry
from tests.conftest import API_TOKEN, BASE_URL
from tests.publish.sample_records import renamed, retitled, turtle
from tests.publish.test_write_api import put

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=TEXT, first=TEXT, last=TEXT)
def test_any_sequence_or_diff_argument_gets_400_or_404(client, sequence, first, last):
    from urllib.parse import quote

    for url in (f"/datasets/snds/history/{quote(sequence, safe='')}", "/datasets/snds/history/diff?from="
                + quote(first, safe="") + "&to=" + quote(last, safe="")):
        response = client.get(url)
        if response.status_code == 308:  # an encoded '/' gives '//' in the path: werkzeug merges the slashes
            assert "/" in sequence and response.headers["Location"].startswith("/datasets/snds/history/"), url
            continue
        assert response.status_code in (200, 400, 404), (url, response.status_code)
        if response.status_code != 200:
            assert response.get_json()["message"]


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_any_period_is_a_moment_in_the_past_or_a_parse_error(period):
    now = datetime(2026, 11, 29, tzinfo=timezone.utc)
    try:
        moment = cutoff(period, now)
    except ParseError as err:
        assert "--not-changed-since" in err.message
    else:
        assert moment <= now


def test_months_back_clamp_to_the_end_of_the_month():
    assert cutoff("1M", datetime(2026, 3, 31, 12, tzinfo=timezone.utc)) == datetime(2026, 2, 28, 12, tzinfo=timezone.utc)
    assert cutoff("1Y", datetime(2028, 2, 29, tzinfo=timezone.utc)) == datetime(2027, 2, 28, tzinfo=timezone.utc)
    assert cutoff("30d", datetime(2026, 3, 31, tzinfo=timezone.utc)) == datetime(2026, 3, 1, tzinfo=timezone.utc)


def test_a_diff_of_large_versions_lists_a_bounded_number_of_statements():
    dataset = "http://example.org/ds"
    keyword = "<http://example.org/ds> <http://www.w3.org/ns/dcat#keyword> \"{}\" .\n"
    old = ChangeEntry(1, "2026-01-01T00:00:00.000Z", "create", dataset, "g", "local", "h",
                      payload="".join(keyword.format(f"a{n}") for n in range(3000)))
    new = ChangeEntry(2, "2026-01-02T00:00:00.000Z", "update", dataset, "g", "local", "h",
                      payload="".join(keyword.format(f"b{n}") for n in range(3000)))
    diff = diff_versions(old, new, limit=100)
    assert (diff.added, diff.removed, diff.truncated) == (3000, 3000, True)
    assert sum(len(f.added) + len(f.removed) for f in diff.fields) == 100


@pytest.fixture
def hostile_titles(tmp_path):
    from node.context import open_node
    from node.web.app import create_app

    settings = Settings(base_url=BASE_URL, data_dir=tmp_path / "data", api_token=API_TOKEN)
    ctx = open_node(settings)
    try:
        client = create_app(context=ctx).test_client()
        title = '=HYPERLINK("http://evil.example/","click")\x1b[2J'
        assert put(client, "hostile", turtle(retitled(renamed("snds", "hostile"), title))).status_code == 201
        ctx.store.prune_changes("9999-01-01T00:00:00.000Z")  # then its dct:modified (2026-11-23) counts
    finally:
        ctx.close()
    return settings.data_dir


def test_partner_titles_reach_neither_the_terminal_nor_a_spreadsheet_as_commands(capsys, hostile_titles):
    args = ["review", "--data", str(hostile_titles), "--not-changed-since", "2099-01-01T00:00:00Z"]
    assert main(args) == 2  # in the future: refused
    capsys.readouterr()
    args[-1] = datetime.now(timezone.utc).isoformat()
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "hostile" in text and "\x1b" not in text
    assert main(args + ["--format", "csv"]) == 0
    rows = {r["record_id"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert rows["hostile"]["title"].startswith("'=HYPERLINK(")
