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
