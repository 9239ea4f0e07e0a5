"""Validator.for_profile(..., violations_only=True): the rules that can only warn are left out, and the
violations are exactly those of the full profile (harvesting acts on violations alone)."""

import pytest

from bench.catalogue import generate_catalogue
from node.validation import Validator
from tests.validation.support import GOLDEN, golden_triples


def violation_keys(report):
    return [(r.focus_node, r.path, r.constraint, r.value, r.shape) for r in report.violations]


@pytest.mark.parametrize("profile", ["healthdcat-ap", "dcat-ap-3"])
@pytest.mark.parametrize("name", sorted(p.name for p in GOLDEN.glob("*.ttl")))
def test_golden_records_give_the_same_violations(profile, name):
    triples = golden_triples(name)
    full = Validator.for_profile(profile).validate(triples)
    light = Validator.for_profile(profile, violations_only=True).validate(triples)
    assert violation_keys(light) == violation_keys(full)
    assert not light.warnings and all(r.severity == "violation" for r in light.results)


def test_a_generated_catalogue_gives_the_same_violations_and_no_warnings():
    triples = generate_catalogue(300, broken_share=0.1)
    full = Validator.for_profile("healthdcat-ap").validate(triples)
    light = Validator.for_profile("healthdcat-ap", violations_only=True).validate(triples)
    assert full.violations and full.warnings  # the comparison means something
    assert violation_keys(light) == violation_keys(full)
    assert not light.warnings


def test_only_property_shapes_that_warn_or_inform_are_left_out():
    from rdflib import BNode, Graph
    from rdflib.namespace import SH

    from node.profiles import get_profile, shape_text
    from node.validation.validator import _merge_turtle, _without_lesser_rules

    text = _merge_turtle([shape_text(f) for f in get_profile("healthdcat-ap").shape_files])
    full, light = Graph().parse(data=text, format="nt"), Graph().parse(data=_without_lesser_rules(text), format="nt")
    left_out = set(full.subjects(SH.path, None)) - set(light.subjects(SH.path, None))
    assert len(left_out) > 50
    assert {full.value(shape, SH.severity) for shape in left_out} <= {SH.Warning, SH.Info}
    named = {t for t in light if not any(isinstance(term, BNode) for term in t)}
    assert named and named <= set(full)  # nothing added or changed
