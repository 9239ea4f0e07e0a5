"""Class constraints honour the FOAF, vCard, ORG and PROV subclass axioms the official validators import
(issue 14, finding 4), and every message generated from the shapes reads correctly."""

import re
from pathlib import Path

import pytest

from node import rdfio
from node.validation import Validator

DATA = """@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> . @prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix org: <http://www.w3.org/ns/org#> .
<http://e/d> a dcat:Dataset ; dct:title "T"@en ; dct:description "D"@en ; dct:publisher <http://e/org> ;
  dcat:contactPoint [ a vcard:{contact} ; vcard:fn "Desk" ; vcard:hasEmail <mailto:desk@e.org> ] .
<http://e/org> a {publisher} ; foaf:name "Org"@en .
"""
CLASS_MESSAGES = ("must be an agent, an organisation or a person (foaf:Agent)", "must be a contact (vcard:Kind)")


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
@pytest.mark.parametrize("publisher, contact", [
    ("foaf:Organization", "Organization"), ("foaf:Person", "Individual"), ("org:FormalOrganization", "Group"),
])
def test_subclasses_of_agent_and_kind_conform(engine, publisher, contact):
    triples = rdfio.parse_triples(DATA.format(publisher=publisher, contact=contact).encode(), "text/turtle")
    report = Validator.for_profile("dcat-ap-3", engine=engine).validate(triples)
    messages = [r.message for r in report.violations]
    assert not [m for m in messages if any(c in m for c in CLASS_MESSAGES)], messages


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_a_class_outside_the_hierarchy_is_still_a_violation(engine):
    triples = rdfio.parse_triples(DATA.format(publisher="<http://e/Thing>", contact="Organization").encode(),
                                  "text/turtle")
    report = Validator.for_profile("dcat-ap-3", engine=engine).validate(triples)
    assert any(CLASS_MESSAGES[0] in r.message for r in report.violations)


def test_shape_messages_read_correctly():
    for path in Path("shapes").glob("*.ttl"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"must be a [aeiou]", text), path
        assert not re.search(r"(\([\w:]+\)) \1", text), path


def test_nothing_published_carries_the_subclass_axioms(client):
    body = client.get("/catalog", query_string={"per_page": 100}, headers={"Accept": "application/n-triples"}).data
    assert b"rdf-schema#subClassOf" not in body


def test_the_batch_path_harvests_use_agrees():
    triples = rdfio.parse_triples(DATA.format(publisher="foaf:Organization", contact="Organization").encode(),
                                  "text/turtle")
    validator = Validator.for_profile("dcat-ap-3", violations_only=True)
    report = validator.validate_records([("http://e/d", triples)])["http://e/d"]
    assert not [r.message for r in report.violations if any(c in r.message for c in CLASS_MESSAGES)]
