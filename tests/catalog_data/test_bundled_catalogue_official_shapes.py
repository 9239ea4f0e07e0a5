"""The bundled HDH catalogue against the official shapes in ../shared (conformance).

- DCAT-AP 3.0.1: shacl-html/shapes.ttl + range.ttl on the whole file. The data types every object that
  range.ttl constrains (foaf:Agent, dct:LicenseDocument, skos:Concept, dct:Standard...), so no range
  constraint is left out. mdr-vocabularies.shape.ttl is left out: it needs the EU NAL files as data.
- HealthDCAT-AP Release 8: the shapes of each record's access level + validator/ranges/range.ttl + the
  DCAT-AP 3.0.0 shapes they import, repaired in memory (see tests/support/official_shapes.py), on each
  dataset's record graph (the R8 shapes target every dcat:Dataset).
Recommended shapes (sh:Warning) are run too: warnings do not fail, violations do.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF

from tests.support import official_shapes as shapes

pytestmark = pytest.mark.conformance

CATALOGUE_FILE = Path(__file__).resolve().parents[2] / "node" / "data" / "hdh-catalogue.ttl"
BASE = "http://localhost:8080/"
DCAT = Namespace("http://www.w3.org/ns/dcat#")
HEALTH = Namespace("http://healthdataportal.eu/ns/health#")
SLUGS = ["angioplasties-500k", "bone-marrow-register", "hydro", "i-share", "oscour", "snds"]


@pytest.fixture(scope="module")
def catalogue() -> Graph:
    return Graph().parse(CATALOGUE_FILE, format="turtle", publicID=BASE)


@pytest.fixture(scope="module")
def r8_shapes(ref):
    """Shapes graphs by (access level, recommended), loaded once per module."""
    cache: dict[tuple[str, bool], Graph] = {}

    def get(level: str, recommended: bool = False) -> Graph:
        if (level, recommended) not in cache:
            cache[level, recommended] = shapes.load_healthdcat_r8(ref, level, recommended)
        return cache[level, recommended]

    return get


def summary(outcome: shapes.Outcome) -> str:
    paths: dict[str, int] = {}
    for warning in outcome.warnings:
        paths[warning.path] = paths.get(warning.path, 0) + 1
    return f"{len(outcome.violations)} violations, {len(outcome.warnings)} warnings " + str(dict(sorted(paths.items())))


def test_the_slugs_are_all_the_datasets(catalogue):
    assert {URIRef(BASE + f"datasets/{s}") for s in SLUGS} == set(catalogue.subjects(RDF.type, DCAT.Dataset))


def test_whole_file_conforms_to_dcat_ap_301(ref, catalogue):
    outcome = shapes.validate(catalogue, shapes.load_dcat_ap_301(ref))
    assert not outcome.violations, outcome.report("Violation")
    assert not outcome.warnings, outcome.report("Warning")


def test_whole_file_dcat_ap_301_recommended(ref, catalogue, record_property):
    outcome = shapes.validate(catalogue, shapes.load_dcat_ap_301(ref, recommended=True))
    print("DCAT-AP 3.0.1 + recommended:", summary(outcome))
    record_property("warnings", len(outcome.warnings))
    assert not outcome.violations, outcome.report("Violation")


@pytest.mark.parametrize("slug", SLUGS)
def test_record_conforms_to_healthdcat_r8(catalogue, r8_shapes, slug):
    dataset = URIRef(BASE + f"datasets/{slug}")
    record = shapes.record_graph(catalogue, dataset)
    outcome = shapes.validate(record, r8_shapes(shapes.access_level(catalogue, dataset)))
    assert not outcome.violations, outcome.report("Violation")


@pytest.mark.parametrize("slug", SLUGS)
def test_record_healthdcat_r8_recommended(catalogue, r8_shapes, slug, record_property):
    dataset = URIRef(BASE + f"datasets/{slug}")
    record = shapes.record_graph(catalogue, dataset)
    outcome = shapes.validate(record, r8_shapes(shapes.access_level(catalogue, dataset), recommended=True))
    print(f"HealthDCAT-AP R8 + recommended, {slug}:", summary(outcome))
    record_property("warnings", len(outcome.warnings))
    assert not outcome.violations, outcome.report("Violation")


def test_catalogue_conforms_to_healthdcat_r8(catalogue, r8_shapes):
    """The catalogue node itself (R8 requires dcatap:applicableLegislation on it): whole file, valid as
    long as every dataset is NON_PUBLIC; with mixed levels, validate the catalogue per level instead."""
    levels = {shapes.access_level(catalogue, d) for d in catalogue.subjects(RDF.type, DCAT.Dataset)}
    assert levels == {"non-public"}, "mixed access levels: this test must validate per level"
    outcome = shapes.validate(catalogue, r8_shapes("non-public"))
    assert not outcome.violations, outcome.report("Violation")


def test_r8_repair_leaves_valid_shacl(r8_shapes):
    graph = r8_shapes("non-public")
    SH = Namespace("http://www.w3.org/ns/shacl#")
    assert all((shape, SH.path, None) in graph for shape in graph.objects(None, SH.property))
    assert not list(graph.triples((None, SH.extends, None)))


def test_r8_repair_keeps_the_structured_data_rule(catalogue, r8_shapes):
    """The R8 rule "hasStructuredData true => hasVariables" sits in a property shape without sh:path;
    the repair turns it into a node shape, so it must still fire."""
    record = shapes.record_graph(catalogue, URIRef(BASE + "datasets/oscour"))
    record.remove((None, HEALTH.hasVariables, None))
    outcome = shapes.validate(record, r8_shapes("non-public"))
    messages = [v.message for v in outcome.violations]
    assert any("hasStructuredData is true" in m for m in messages), outcome.report()


def test_r8_shapes_catch_a_missing_hdab(catalogue, r8_shapes):
    record = shapes.record_graph(catalogue, URIRef(BASE + "datasets/snds"))
    record.remove((None, HEALTH.hdab, None))
    outcome = shapes.validate(record, r8_shapes("non-public"))
    assert any(v.path == HEALTH.hdab.n3() for v in outcome.violations), outcome.report()
