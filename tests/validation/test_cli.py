"""`ehds-node validate` through node.cli.main, and once through the installed console script."""

import io
import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import SH

from node.cli import main
from tests.validation.support import GOLDEN

VALID = str(GOLDEN / "valid-non-public.ttl")
DCT_TITLE = "http://purl.org/dc/terms/title"
BROKEN = str(GOLDEN / "missing-title.ttl")


def test_valid_file_exits_0_with_a_summary_line(capsys):
    assert main(["validate", VALID]) == 0
    out = capsys.readouterr().out
    assert out.strip().splitlines()[-1].startswith(f"{VALID}: conforms — 0 violation(s)")
    assert "\033[" not in out  # no colours when stdout is not a terminal


def test_broken_file_exits_1_and_names_dataset_field_and_fix(capsys):
    assert main(["validate", BROKEN, "--severity", "violation"]) == 1
    out = capsys.readouterr().out
    assert "Dataset <https://registry.example.org/dataset>" in out
    assert "dct:title" in out and 'Add dct:title "' in out
    assert "does not conform — 1 violation(s)" in out


def test_text_heading_shows_the_dataset_title(capsys):
    assert main(["validate", str(GOLDEN / "bad-date-literal.ttl"), "--severity", "violation"]) == 1
    out = capsys.readouterr().out
    assert 'Dataset "Regional cancer registry 2023" <https://registry.example.org/dataset>' in out
    assert 'value "2024-02-30"^^xsd:date' in out


def test_missing_file_and_syntax_error_exit_2_with_line_and_column(tmp_path, capsys):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix dct: <http://purl.org/dc/terms/> .\n<a> dct:title \"unclosed .\n")
    assert main(["validate", str(tmp_path / "absent.ttl"), str(bad), VALID]) == 2
    out = capsys.readouterr().out
    assert "absent.ttl: could not validate:" in out and "no such file" in out
    assert "bad.ttl: could not validate:" in out and "line 2" in out
    assert f"{VALID}: conforms" in out  # the other files are still validated


def test_unknown_profile_exits_2(capsys):
    assert main(["validate", VALID, "--profile", "dcat-ap-9"]) == 2
    assert "known profiles: dcat-ap-3, healthdcat-ap" in capsys.readouterr().err


def test_directory_is_read_recursively(tmp_path, capsys):
    (tmp_path / "sub").mkdir()
    shutil.copy(VALID, tmp_path / "a.ttl")
    shutil.copy(BROKEN, tmp_path / "sub" / "b.ttl")
    (tmp_path / "notes.txt").write_text("not RDF")
    assert main(["validate", str(tmp_path), "--format", "json"]) == 1
    files = [f["file"] for f in json.loads(capsys.readouterr().out)["files"]]
    assert files == [str(tmp_path / "a.ttl"), str(tmp_path / "sub" / "b.ttl")]


def test_stdin(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(Path(BROKEN).read_bytes())))
    assert main(["validate", "-"]) == 1
    assert "<stdin>: does not conform" in capsys.readouterr().out


def test_json_is_stable_and_filtered_by_severity(capsys):
    assert main(["validate", BROKEN, "--format", "json", "--severity", "violation"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["format_version"] == 1 and document["conforms"] is False
    (entry,) = document["files"]
    assert entry["counts"]["violation"] == 1 and entry["checked"] == ["violation"]  # warnings not run
    assert [r["severity"] for r in entry["results"]] == ["violation"]
    result = entry["results"][0]
    assert set(result) == {"severity", "dataset", "focus_node", "path", "value", "constraint", "shape", "rule", "message",
                           "location"}  # location: added in format 1 (a blank focus node's path from the dataset)
    assert result["constraint"] == "MinCountConstraintComponent"


def test_turtle_is_a_shacl_validation_report(capsys):
    assert main(["validate", BROKEN, "--format", "turtle"]) == 1
    graph = Graph().parse(data=capsys.readouterr().out, format="turtle")
    (report,) = graph.subjects(None, SH.ValidationReport)
    assert not graph.value(report, SH.conforms).toPython()
    assert any(graph.objects(None, SH.focusNode))


def test_junit_marks_the_failing_dataset(capsys):
    assert main(["validate", BROKEN, VALID, "--format", "junit"]) == 1
    root = ET.fromstring(capsys.readouterr().out)
    suites = root.findall("testsuite")
    assert [s.get("failures") for s in suites] == ["1", "0"]
    assert suites[0].find("testcase/failure") is not None


def test_fail_on_warning(capsys):
    assert main(["validate", VALID, "--fail-on", "warning"]) == 1
    assert main(["validate", VALID, "--fail-on", "violation"]) == 0


def test_extra_shapes_file_adds_rules_and_a_bad_one_exits_2(tmp_path, capsys):
    extra = tmp_path / "extra.ttl"
    extra.write_text("""@prefix sh: <http://www.w3.org/ns/shacl#> .
<urn:local#VersionShape> a sh:NodeShape ; sh:targetClass <http://www.w3.org/ns/dcat#Dataset> ;
  sh:property [ sh:path <http://www.w3.org/ns/dcat#version> ; sh:minCount 1 ; sh:message "Local rule: give a version." ] .
""")
    assert main(["validate", VALID, "--shapes", str(extra), "--severity", "violation"]) == 1
    assert "Local rule: give a version." in capsys.readouterr().out
    assert main(["validate", VALID, "--shapes", str(tmp_path / "missing.ttl")]) == 2
    assert "shapes file not found" in capsys.readouterr().err


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_hidden_engine_option(engine, capsys):
    assert main(["validate", BROKEN, "--engine", engine, "--format", "json"]) == 1


def test_console_script_end_to_end():
    script = Path(sys.executable).with_name("ehds-node")
    done = subprocess.run([str(script), "validate", BROKEN, "--severity", "violation"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "does not conform" in done.stdout and "Traceback" not in done.stderr


def test_urls_to_private_addresses_and_other_schemes_are_refused(capsys):
    assert main(["validate", "http://127.0.0.1:9/record.ttl", "ftp://example.org/record.ttl"]) == 2
    out = capsys.readouterr().out
    assert "http://127.0.0.1:9/record.ttl: could not validate: could not fetch:" in out
    assert "loopback" in out and "download the file" in out
    assert "ftp://example.org/record.ttl: could not validate: only http and https URLs are fetched" in out


def _generated_catalogue_file(tmp_path, suffix: str, datasets: int = 250):
    """A catalogue of several engine chunks (100 records each), written as N-Triples or Turtle."""
    import pyoxigraph as ox

    from bench.catalogue import generate_catalogue

    triples = generate_catalogue(datasets, broken_share=0.2, seed=5)
    path = tmp_path / f"catalogue{suffix}"
    form = ox.RdfFormat.N_TRIPLES if suffix == ".nt" else ox.RdfFormat.TURTLE
    path.write_bytes(ox.serialize(triples, format=form))
    return path, triples


@pytest.mark.parametrize("suffix", [".nt", ".ttl"])
def test_a_file_is_streamed_from_disk_and_reported_as_in_memory(tmp_path, monkeypatch, capsys, suffix):
    from node.validation import Validator

    path, triples = _generated_catalogue_file(tmp_path, suffix)
    expected = Validator.for_profile("healthdcat-ap").validate(triples)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("a local file was read into memory"))
    assert main(["validate", str(path), "--format", "json", "--severity", "info"]) == 1
    (entry,) = json.loads(capsys.readouterr().out)["files"]
    assert entry["results"] == [r.to_dict() for r in expected.results] and len(entry["results"]) > 500
    assert entry["datasets"] == list(expected.datasets) and len(entry["datasets"]) == 250
    titles = entry["titles"]
    assert titles["https://catalogue.example.org/dataset/7"] == "Dataset 7"
    datasets = set(expected.datasets)  # every dataset with a title has it (the catalogue's is not a dataset's)
    assert len(titles) == sum(1 for t in triples if t.predicate.value == DCT_TITLE and t.subject.value in datasets)


def test_a_syntax_error_deep_in_a_streamed_file_gives_its_line(tmp_path, capsys):
    path, _ = _generated_catalogue_file(tmp_path, ".nt", datasets=50)
    lines = path.read_text().splitlines()
    lines[2000] = lines[2000].replace(" .", " ;")
    path.write_text("\n".join(lines) + "\n")
    assert main(["validate", str(path)]) == 2
    out = capsys.readouterr().out
    assert f"{path}: could not validate: not valid n-triples:" in out and "line 2001" in out
    assert "Traceback" not in out


def test_stdin_over_its_size_limit_is_refused_with_what_to_do(monkeypatch, capsys):
    from node.validation import inputs

    monkeypatch.setattr(inputs, "MAX_INPUT_BYTES", 1_000_000)
    data = Path(BROKEN).read_bytes() * (1_000_000 // len(Path(BROKEN).read_bytes()) + 1)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert main(["validate", "-"]) == 2
    out = capsys.readouterr().out
    assert "<stdin>: could not validate: larger than 1 MB, the limit for standard input;" in out
    assert "save it to a file and validate the file (files have no size limit)" in out


@pytest.mark.parametrize("padding", [0, 1_100_000])
def test_an_rdf_xml_entity_bomb_on_disk_is_refused_however_long_its_dtd(tmp_path, capsys, padding):
    """The streamed path checks the document type declaration before the parser sees the file; one too
    long to check is refused too."""
    filler = b"<!-- " + b"x" * padding + b" -->" if padding else b""
    bomb = (b'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ ' + filler + b' <!ENTITY a "aaaaaaaaaa">'
            b' <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"> <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"> ]>\n'
            b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dct="http://purl.org/dc/terms/">'
            b'<rdf:Description rdf:about="https://e.test/d"><dct:title>&c;</dct:title></rdf:Description></rdf:RDF>')
    path = tmp_path / "bomb.rdf"
    path.write_bytes(bomb)
    assert main(["validate", str(path)]) == 2
    out = capsys.readouterr()
    assert "refused" in out.out + out.err


def test_severity_violation_runs_only_the_rules_that_can_fail(capsys):
    """--severity violation with the default --fail-on: same violations and exit code, warnings not run."""
    broken = str(GOLDEN / "missing-title.ttl")
    assert main(["validate", "--format", "json", broken]) == 1
    full = json.loads(capsys.readouterr().out)["files"][0]
    assert main(["validate", "--format", "json", "--severity", "violation", broken]) == 1
    light = json.loads(capsys.readouterr().out)["files"][0]
    assert light["checked"] == ["violation"] and full["checked"] == ["violation", "warning", "info"]
    assert light["results"] == [r for r in full["results"] if r["severity"] == "violation"]
    assert full["counts"]["warning"] > 0 and light["counts"]["warning"] == 0
    assert main(["validate", "--severity", "violation", broken]) == 1
    assert "warnings not checked" in capsys.readouterr().out
    assert main(["validate", "--severity", "violation", "--fail-on", "warning", broken]) == 1
    assert "warnings not checked" not in capsys.readouterr().out  # warnings can fail the run: they are checked
