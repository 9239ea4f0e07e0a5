"""`ehds-node score`: text and JSON output, exit codes, inputs (file, directory, stdin), bad input."""

import io
import json
import sys
from pathlib import Path

import pytest

from node.cli import main
from tests.quality.fakes import FULL_RECORD, PREFIXES, FakeValidator

REPO = Path(__file__).resolve().parents[2]
SPARSE = PREFIXES + 'ex:sparse a dcat:Dataset ; dct:title "Sparse" .\n'


@pytest.fixture(autouse=True)
def conforming_validator(monkeypatch):
    """The CLI's SHACL step is another module's job: here every record conforms."""
    monkeypatch.setattr("node.cli.score.default_validator", lambda: FakeValidator())


@pytest.fixture
def records(tmp_path):
    (tmp_path / "full.ttl").write_text(FULL_RECORD)
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "sparse.ttl").write_text(SPARSE)
    (tmp_path / "notes.txt").write_text("not RDF")
    return tmp_path


def run(capsys, *argv):
    code = main(["score", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def test_text_explains_every_indicator_without_colours_off_a_terminal(records, capsys):
    code, out, err = run(capsys, records / "full.ttl")
    assert code == 0 and err == ""
    assert "Full record  <http://example.org/full>" in out
    assert "Good · 325/405 points (80 points not checked)" in out
    assert "✓ Keywords" in out and "30/30  2 keywords" in out
    assert "? accessURL reachable" in out and "run with --check-links" in out
    assert "HealthDCAT-AP essentials 0/9" in out
    assert "\033[" not in out


def test_json_is_stable_and_complete(records, capsys):
    code, out, _ = run(capsys, records / "full.ttl", "--format", "json")
    document = json.loads(out)
    assert code == 0 and list(document) == ["files", "min_rating", "below_min_rating"]
    [file] = document["files"]
    [dataset] = file["datasets"]
    assert (file["path"], file["average_points"], file["rating"]) == (str(records / "full.ttl"), 325, "good")
    assert [i["key"] for i in dataset["indicators"]][:4] == ["keyword", "theme", "spatial", "temporal"]
    assert {d["name"]: d["earned"] for d in dataset["dimensions"]} == {
        "findability": 100, "accessibility": 20, "interoperability": 110, "reusability": 75, "contextuality": 20}
    assert run(capsys, records / "full.ttl", "--format", "json")[1] == out  # same input, same bytes


def test_directory_is_read_recursively_and_min_rating_sets_the_exit_code(records, capsys):
    code, out, err = run(capsys, records, "--format", "json", "--min-rating", "sufficient")
    document = json.loads(out)
    assert [Path(f["path"]).name for f in document["files"]] == ["full.ttl", "sparse.ttl"]
    assert code == 1 and document["below_min_rating"] == ["http://example.org/sparse"]
    assert "http://example.org/sparse rates bad, below --min-rating sufficient" in err
    assert run(capsys, records / "full.ttl", "--min-rating", "good")[0] == 0
    assert run(capsys, records / "full.ttl", "--min-rating", "excellent")[0] == 1


def test_stdin(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(FULL_RECORD.encode())))
    code, out, _ = run(capsys, "-", "--format", "json")
    assert code == 0 and json.loads(out)["files"][0]["path"] == "<stdin>"


def test_syntax_error_exits_2_with_the_line(tmp_path, capsys):
    (tmp_path / "broken.ttl").write_text(PREFIXES + "ex:a a dcat:Dataset ;\n  dct:title \"unterminated .\n")
    code, out, err = run(capsys, tmp_path / "broken.ttl")
    assert code == 2 and out == ""
    assert err.startswith(f"ehds-node: error: {tmp_path / 'broken.ttl'}: not valid turtle") and "line" in err


@pytest.mark.parametrize("content, message", [
    (None, "no such file"),
    (PREFIXES + "ex:c a dcat:Catalog .\n", "no dcat:Dataset found"),
])
def test_nothing_to_score_exits_2(tmp_path, capsys, content, message):
    path = tmp_path / "input.ttl"
    if content is not None:
        path.write_text(content)
    code, _, err = run(capsys, path)
    assert code == 2 and message in err and "Traceback" not in err


def test_relative_iris_resolve_against_base_iri(tmp_path, capsys):
    (tmp_path / "relative.ttl").write_text(FULL_RECORD.replace("ex:full a", "<datasets/full> a"))
    code, out, _ = run(capsys, tmp_path / "relative.ttl", "--base-iri", "http://localhost:8080/", "--format", "json")
    assert code == 0
    assert "http://localhost:8080/datasets/full" in [d["dataset"] for d in json.loads(out)["files"][0]["datasets"]]


def test_colours_only_when_asked_for(records):
    from node.quality import score_catalogue
    from node.quality.text import render_text
    from node.rdfio import parse
    from tests.quality.fakes import vocabularies

    catalogue = score_catalogue(parse(FULL_RECORD.encode(), "text/turtle"), validator=FakeValidator(),
                                vocabularies=vocabularies())
    assert "\033[32m✓\033[0m Keywords" in render_text([("full.ttl", catalogue)], colour=True)
    assert "\033[" not in render_text([("full.ttl", catalogue)], colour=False)
