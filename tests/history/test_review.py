"""`ehds-node review --not-changed-since`: the records whose holders owe their yearly accuracy check."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from node.cli import main
from node.config import Settings
from tests.conftest import API_TOKEN, BASE_URL
from tests.publish.sample_records import renamed, turtle
from tests.publish.test_write_api import put

ROOT = Path(__file__).resolve().parents[2]
DCT_MODIFIED = "http://purl.org/dc/terms/modified"
CNAM = "French National Health Insurance Fund (Assurance Maladie, CNAM)"


def modified_in(triples, day: str):
    dated = ox.Literal(day, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))
    return [ox.Triple(t.subject, t.predicate, dated) if t.predicate.value == DCT_MODIFIED
            and t.subject.value.endswith(("/old", "/fresh")) else t for t in triples]


@pytest.fixture
def data_dir(tmp_path):
    """A node with 'old' (dct:modified 2020, its change-log entries pruned) and 'fresh' (also dct:modified
    2020, but written after the pruning: the change log says it changed today)."""
    from node.context import open_node
    from node.web.app import create_app

    settings = Settings(base_url=BASE_URL, data_dir=tmp_path / "data", api_token=API_TOKEN)
    ctx = open_node(settings)
    try:
        client = create_app(context=ctx).test_client()
        assert put(client, "old", turtle(modified_in(renamed("snds", "old"), "2020-01-15"))).status_code == 201
        ctx.store.prune_changes("9999-01-01T00:00:00.000Z")
        assert put(client, "fresh", turtle(modified_in(renamed("oscour", "fresh"), "2020-01-15"))).status_code == 201
    finally:
        ctx.close()
    return settings.data_dir


def review(capsys, data_dir, *args) -> tuple[int, str, str]:
    code = main(["review", "--data", str(data_dir), "--base-url", BASE_URL, *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_text_lists_the_old_record_under_its_holder_and_not_the_fresh_one(capsys, data_dir):
    code, out, _ = review(capsys, data_dir, "--not-changed-since", "12M")
    assert code == 0
    assert f"{CNAM} <{BASE_URL}agents/cnam>" in out
    assert "2020-01-15  old " in out and "dct:modified" in out
    assert " fresh " not in out


def test_csv_has_one_row_per_late_record_with_its_holder(capsys, data_dir):
    code, out, _ = review(capsys, data_dir, "--not-changed-since", "30D", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    old = [r for r in rows if r["record_id"] == "old"]
    assert [(r["holder"], r["holder_iri"], r["last_change"], r["basis"]) for r in old] == [
        (CNAM, BASE_URL + "agents/cnam", "2020-01-15T00:00:00Z", "dct:modified")]
    assert "fresh" not in {r["record_id"] for r in rows}


def test_json_groups_by_holder(capsys, data_dir):
    code, out, _ = review(capsys, data_dir, "--not-changed-since", "2Y", "--format", "json")
    document = json.loads(out)
    assert code == 0
    records = {r["record_id"]: (h["holder"], r) for h in document["holders"] for r in h["records"]}
    assert records["old"][0] == CNAM and records["old"][1]["page"] == BASE_URL + "datasets/old"
    assert "fresh" not in records and document["count"] == len(records)


def test_a_date_before_every_change_lists_nothing(capsys, data_dir):
    code, out, _ = review(capsys, data_dir, "--not-changed-since", "2019-06-30", "--format", "json")
    assert code == 0 and json.loads(out)["holders"] == []


@pytest.mark.parametrize("period", ["12", "12W", "M", "-3M", "0D", "99999Y", "2025-13-01", "tomorrow", "２M",
                                    "3000-01-01"])
def test_bad_periods_exit_2_with_a_message(capsys, data_dir, period):
    code, out, err = review(capsys, data_dir, f"--not-changed-since={period}")
    assert code == 2 and out == "" and "--not-changed-since" in err


def test_bad_format_missing_period_and_missing_store_exit_2(capsys, data_dir, tmp_path):
    with pytest.raises(SystemExit) as exit_info:
        main(["review", "--data", str(data_dir), "--not-changed-since", "12M", "--format", "xml"])
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit) as exit_info:
        main(["review", "--data", str(data_dir)])
    assert exit_info.value.code == 2
    code, _, err = review(capsys, tmp_path / "nothing-here", "--not-changed-since", "12M")
    assert code == 2 and "no node store" in err and not (tmp_path / "nothing-here" / "store").exists()


def test_the_real_command_line(data_dir):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "node", "review", "--data", str(data_dir), "--base-url", BASE_URL,
                           "--not-changed-since", "12M", "--format", "csv"], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert [r["record_id"] for r in csv.DictReader(io.StringIO(done.stdout)) if r["record_id"] in ("old", "fresh")] == ["old"]
    bad = subprocess.run([sys.executable, "-m", "node", "review", "--data", str(data_dir), "--not-changed-since", "soon"],
                         capture_output=True, text=True, env=env, timeout=120)
    assert bad.returncode == 2 and "ISO 8601" in bad.stderr and "Traceback" not in bad.stderr
