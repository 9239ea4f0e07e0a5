"""Golden cases: one file per defect, each firing exactly the expected rule on the expected node and path."""

import pytest

from node.validation import Validator
from tests.validation.support import DCAT, DCT, EX, GOLDEN, HEALTH, VCARD, blank_object, golden_triples

DATASET = EX + "dataset"


def iri(text: str) -> str:
    return f"<{text}>"


EXPECTED = {
    "missing-title.ttl": {(DATASET, iri(DCT + "title"), "MinCountConstraintComponent")},
    "bad-date-literal.ttl": {(DATASET, iri(DCT + "issued"), "OrConstraintComponent")},
    "wrong-datatype.ttl": {(DATASET, iri(HEALTH + "hasStructuredData"), "DatatypeConstraintComponent")},
    "theme-outside-vocabulary.ttl": {(DATASET, iri(DCAT + "theme"), "ClassConstraintComponent"),
                                     (DATASET, iri(DCAT + "theme"), "QualifiedMinCountConstraintComponent")},
    "missing-hdab.ttl": {(DATASET, iri(HEALTH + "hdab"), "MinCountConstraintComponent")},
    "structured-without-variables.ttl": {(DATASET, iri(HEALTH + "hasVariables"), "MinCountConstraintComponent")},
    "wrong-access-rights.ttl": {(DATASET, iri(DCT + "accessRights"), "InConstraintComponent")},
    "missing-access-url.ttl": {(EX + "access", iri(DCAT + "accessURL"), "MinCountConstraintComponent")},
    "health-category-outside-vocabulary.ttl": {
        (DATASET, iri(HEALTH + "healthCategory"), "ClassConstraintComponent"),
        (DATASET, iri(HEALTH + "healthCategory"), "NodeConstraintComponent")},
    "non-public-without-keyword.ttl": {(DATASET, iri(DCAT + "keyword"), "MinCountConstraintComponent")},
    "hdab-without-contact-point.ttl": {(DATASET, iri(HEALTH + "hdab"), "NodeConstraintComponent")},
    "title-as-link.ttl": {(DATASET, iri(DCT + "title"), "NodeKindConstraintComponent")},
}


@pytest.fixture(scope="module")
def validator():
    return Validator.for_profile("healthdcat-ap")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_defect_fires_exactly_its_rule(validator, name):
    report = validator.validate(golden_triples(name))
    assert not report.conforms
    assert {(r.focus_node, r.path, r.constraint) for r in report.violations} == EXPECTED[name]
    for result in report.violations:
        assert result.dataset == DATASET
        assert result.message and result.name and result.shape.startswith("https://w3id.org/ehds-node/shapes#")


def test_contact_point_without_email_or_url_is_reported_on_that_blank_node(validator):
    triples = golden_triples("contact-without-email-or-url.ttl")
    report = validator.validate(triples)
    contact = blank_object(triples, DCAT + "contactPoint")
    assert [(r.focus_node, r.path, r.constraint, r.dataset) for r in report.violations] == [
        (contact, f"(<{VCARD}hasEmail>|<{VCARD}hasURL>)", "MinCountConstraintComponent", DATASET)]
    assert "vcard:hasEmail or vcard:hasURL" in report.violations[0].message


@pytest.mark.parametrize("name", ["valid-non-public.ttl", "valid-public.ttl"])
def test_valid_records_give_no_violation(validator, name):
    report = validator.validate(golden_triples(name))
    assert report.conforms, [r.message for r in report.violations]
    assert report.datasets == (DATASET,)


def test_level_rules_follow_access_rights(validator):
    """The NON_PUBLIC-only rules do not fire on the PUBLIC record, which lacks keyword, type, provenance."""
    public = validator.validate(golden_triples("valid-public.ttl"))
    assert not [r for r in public.results if "non-public" in (r.name or "")]
    non_public = validator.validate(golden_triples("non-public-without-keyword.ttl"))
    assert [r.name for r in non_public.violations] == ["non-public dataset keyword: required"]


def test_every_golden_file_is_covered():
    files = {p.name for p in GOLDEN.glob("*.ttl")}
    assert files == set(EXPECTED) | {"contact-without-email-or-url.ttl", "valid-non-public.ttl", "valid-public.ttl"}


def test_dcat_ap_3_profile_ignores_health_rules():
    report = Validator.for_profile("dcat-ap-3").validate(golden_triples("missing-hdab.ttl"))
    assert report.conforms
    assert not any(HEALTH in (r.path or "") for r in report.results)


def test_rdflib_graph_input_gives_the_same_results(validator):
    from node.rdfio import to_rdflib

    triples = golden_triples("bad-date-literal.ttl")
    assert validator.validate(to_rdflib(triples)).results == validator.validate(triples).results
