"""--profile ehds-minimum: the EHDS minimum metadata elements (draft implementing act, Art. 77(1) of
Regulation 2025/327), each through its HealthDCAT-AP property (issue 14, finding 8)."""

import json

import pytest

from node import rdfio
from node.cli import main
from node.profiles import PROFILES
from node.validation import Validator

ELEMENTS = {
    "access rights": "http://purl.org/dc/terms/accessRights",
    "applicable legislation": "http://data.europa.eu/r5r/applicableLegislation",
    "coding system": "http://healthdataportal.eu/ns/health#hasCodingSystem",
    "custodian": "http://data.europa.eu/930/custodian",
    "distribution": "http://www.w3.org/ns/dcat#distribution",
    "geographical coverage": "http://purl.org/dc/terms/spatial",
    "health category": "http://healthdataportal.eu/ns/health#healthCategory",
    "health data access body": "http://healthdataportal.eu/ns/health#hdab",
    "identifier": "http://purl.org/dc/terms/identifier",
    "provenance": "http://purl.org/dc/terms/provenance",
    "temporal coverage": "http://purl.org/dc/terms/temporal",
    "variables": "http://healthdataportal.eu/ns/health#hasVariables",
}
BARE = b"<http://e/d> a <http://www.w3.org/ns/dcat#Dataset> ."


def test_every_element_is_named_when_missing():
    report = Validator.for_profile("ehds-minimum").validate(rdfio.parse_triples(BARE, "text/turtle"))
    found = {r.path.strip("<>") for r in report.violations}
    assert found == set(ELEMENTS.values())
    for label in ELEMENTS:
        assert any(f"has no {label} (" in r.message for r in report.violations), label


def test_a_dataset_with_every_element_conforms():
    lines = [BARE.decode()] + [f"<http://e/d> <{p}> <http://e/value-{i}> ." for i, p in enumerate(ELEMENTS.values())]
    report = Validator.for_profile("ehds-minimum").validate(rdfio.parse_triples("\n".join(lines).encode(), "text/turtle"))
    assert report.conforms, [r.message for r in report.violations]


@pytest.mark.parametrize("output", ["text", "json", "turtle", "junit"])
def test_the_profile_works_in_every_output_format(tmp_path, capsys, output):
    path = tmp_path / "bare.ttl"
    path.write_bytes(BARE)
    assert main(["validate", "--profile", "ehds-minimum", "--format", output, str(path)]) == 1
    out = capsys.readouterr().out
    assert "healthdataportal.eu/ns/health#hdab" in out or "healthdcatap:hdab" in out
    if output == "json":
        assert json.loads(out)["conforms"] is False


def test_the_profile_is_registered_for_the_web_and_the_cli():
    assert "ehds-minimum" in PROFILES


BUNDLED_IRI = "http://localhost:8080/datasets/"


def validate_bundled(tmp_path, capsys, *options) -> str:
    from tests.publish.sample_records import bundled_bytes

    path = tmp_path / "catalogue.ttl"
    path.write_bytes(bundled_bytes())
    assert main(["validate", "--profile", "ehds-minimum", *options, str(path)]) == 1
    return capsys.readouterr().out


def test_the_text_report_ends_with_the_checklist(tmp_path, capsys):
    out = validate_bundled(tmp_path, capsys)
    section = out[out.index("EHDS minimum metadata elements (12)"):]
    assert "2 of 6 dataset(s) give them all" in section
    assert "✓ access rights (dct:accessRights): 6/6" in section
    assert "✗ coding system (healthdcatap:hasCodingSystem): 3/6 — missing in" in section
    assert "✗ custodian (geodcatap:custodian): 5/6" in section and "datasets/hydro>" in section


def test_json_turtle_and_junit_carry_the_checklist(tmp_path, capsys):
    import xml.etree.ElementTree as ET

    checklist = json.loads(validate_bundled(tmp_path, capsys, "--format", "json"))["files"][0]["ehds_minimum"]
    assert {e["element"]: e["property"] for e in checklist} == ELEMENTS
    custodian = next(e for e in checklist if e["element"] == "custodian")
    assert (custodian["datasets"], len(custodian["missing"])) == (6, 1) and custodian["missing"][0].endswith("/hydro")
    assert "#   ✗ custodian (geodcatap:custodian): 5/6" in validate_bundled(tmp_path, capsys, "--format", "turtle")
    suites = ET.fromstring(validate_bundled(tmp_path, capsys, "--format", "junit")).findall("testsuite")
    [minimum] = [s for s in suites if s.get("name").endswith("EHDS minimum metadata elements")]
    assert (minimum.get("tests"), minimum.get("failures")) == ("12", "2")


@pytest.mark.parametrize("language, heading", [("en", "EHDS minimum metadata elements"),
                                                ("fr", "Éléments de métadonnées minimaux de l'EEDS")])
def test_the_web_validator_shows_the_checklist(client, language, heading):
    from html import unescape

    from tests.publish.sample_records import bundled_bytes

    text = "@base <http://localhost:8080/> .\n" + bundled_bytes().decode()  # the file's IRIs are relative
    response = client.post("/validate", data={"text": text, "profile": "ehds-minimum"},
                           headers={"Accept": "text/html", "Accept-Language": language})
    page = unescape(response.get_data(as_text=True))
    section = page[page.index('id="ehds-minimum"'):]
    assert heading in section and "healthdcatap:hasCodingSystem" in section and "3/6" in section
