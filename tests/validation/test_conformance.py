"""Agreement with the official DCAT-AP 3.0.1 shapes (shapes.ttl + range.ttl), read from ../shared.

On the official examples, the samples and records mutated one defect at a time, our dcat-ap-3 profile
must report a violation on every (focus node, path) the official files report, and may report more only
where docs/validation.md lists a deliberate difference. Both run with the same background vocabularies.
"""

from functools import lru_cache
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SH, XSD

from node.errors import ParseError
from node.rdfio import from_rdflib, parse_triples, to_rdflib
from node.validation import Validator
from tests.support.official_shapes import load_dcat_ap_301
from tests.support.shared import params_from_reference, reference, shared_dir

pytestmark = pytest.mark.conformance

DCT, DCAT, ADMS, DCATAP = ("http://purl.org/dc/terms/", "http://www.w3.org/ns/dcat#",
                           "http://www.w3.org/ns/adms#", "http://data.europa.eu/r5r/")
DCAT_RESOURCES = {URIRef(DCAT + c) for c in ("Dataset", "Catalog", "DataService", "DatasetSeries")}
# Deliberate differences (docs/validation.md): (path, constraint) we report and the official files do not.
DATE_PATHS = {f"<{DCT}issued>", f"<{DCT}modified>", f"<{DCAT}startDate>", f"<{DCAT}endDate>"}
VOCABULARY_PATHS = {f"<{DCT}accessRights>", f"<{ADMS}status>", f"<{DCATAP}availability>"}


def deliberate(result) -> bool:
    return ((result.path in DATE_PATHS and result.constraint == "OrConstraintComponent")
            or (result.path in VOCABULARY_PATHS and result.constraint == "NodeConstraintComponent"))


@lru_cache(maxsize=1)
def official() -> Validator:
    return Validator(load_dcat_ap_301(reference).serialize(format="nt"), profile="dcat-ap-3.0.1 official")


def compare(triples) -> tuple[set, set]:
    """(official violations we miss, our violations that are neither official nor deliberate)."""
    theirs = {(r.focus_node, r.path) for r in official().validate(triples).violations}
    ours_report = Validator.for_profile("dcat-ap-3").validate(triples)
    ours = {(r.focus_node, r.path) for r in ours_report.violations}
    extra = {(r.focus_node, r.path, r.constraint) for r in ours_report.violations
             if (r.focus_node, r.path) not in theirs and not deliberate(r)}
    return theirs - ours, extra


def documents() -> list[Path]:
    examples = sorted(reference("standards", "dcat-ap-3.0.1", "examples").glob("*.ttl"))
    samples = sorted(reference("samples").rglob("*.ttl"))
    return examples + samples + [reference("standards", "healthdcat-ap-release-8", "examples",
                                           "example-healthdcat-dataset.ttl")]


def metadata_documents():
    """Documents that parse and describe at least one DCAT resource (templates and shapes files do not)."""
    found = []
    for path in documents():
        try:
            triples = parse_triples(path.read_bytes(), filename=path.name)
        except ParseError:
            continue  # e.g. piveau templates with {placeholders}; listed in docs/validation.md
        if any(t.predicate.value == str(RDF.type) and URIRef(t.object.value) in DCAT_RESOURCES for t in triples):
            found.append((path.name, triples))
    return found


def test_enough_reference_documents_are_compared():
    assert len(metadata_documents()) >= 30  # 30 when written: 14 examples, 15 samples, the R8 example


@pytest.mark.parametrize("name,triples", params_from_reference(metadata_documents),
                         ids=lambda v: v if isinstance(v, str) else "")
def test_examples_and_samples_agree_with_the_official_shapes(name, triples):
    shared_dir()
    missed, extra = compare(triples)
    assert not missed, f"official violations we do not report: {missed}"
    assert not extra, f"violations the official shapes do not report: {extra}"


BASES = ("example-bee-population.ttl", "example-bee-population-dataset-series.ttl", "example-healthdcat-dataset.ttl")


def base_records():
    return [(n, t) for n, t in metadata_documents() if n in BASES] + [
        ("valid-non-public.ttl", parse_triples((Path(__file__).parent / "golden" / "valid-non-public.ttl").read_bytes()))]


def mutations(graph, shapes):
    """(label, mutated graph) for every official property constraint that applies to a node of the record."""
    for shape in set(shapes.subjects(SH.path, None)):
        node_shape = next(shapes.subjects(SH.property, shape), None)
        target = shapes.value(node_shape, SH.targetClass) if node_shape is not None else None
        path = shapes.value(shape, SH.path)
        if target is None or not isinstance(path, URIRef):
            continue
        focus = next(iter(sorted(graph.subjects(RDF.type, target))), None)
        if focus is None:
            continue
        for kind, mutated in _mutate(graph, shapes, shape, focus, path):
            yield f"{target.n3()} {path.n3()} {kind}", mutated


def _mutate(graph, shapes, shape, focus, path):
    values = list(graph.objects(focus, path))
    if shapes.value(shape, SH.minCount) is not None and values:
        yield "removed", _copy(graph, remove=[(focus, path, v) for v in values])
    if shapes.value(shape, SH.maxCount) is not None:
        yield "doubled", _copy(graph, add=[(focus, path, URIRef("https://mutant.example.org/a")),
                                            (focus, path, URIRef("https://mutant.example.org/b"))])
    kind = shapes.value(shape, SH.nodeKind)
    if kind is not None:
        wrong = URIRef("https://mutant.example.org/iri") if kind == SH.Literal else Literal("plain text")
        yield "node kind", _copy(graph, add=[(focus, path, wrong)])
    datatype = shapes.value(shape, SH.datatype)
    if datatype is not None:
        yield "datatype", _copy(graph, add=[(focus, path, Literal("not a value", datatype=XSD.string))])
    if shapes.value(shape, SH["class"]) is not None:
        yield "class", _copy(graph, add=[(focus, path, URIRef("https://mutant.example.org/untyped"))])
    if shapes.value(shape, SH.node) is not None:
        yield "node", _copy(graph, add=[(focus, path, Literal("yesterday"))])


def _copy(graph, remove=(), add=()):
    copy = to_rdflib(from_rdflib(graph))
    for triple in remove:
        copy.remove(triple)
    for triple in add:
        copy.add(triple)
    return copy


@pytest.mark.parametrize("name,triples", params_from_reference(base_records),
                         ids=lambda v: v if isinstance(v, str) else "")
def test_records_mutated_one_defect_at_a_time_agree(name, triples):
    shared_dir()
    shapes = load_dcat_ap_301(reference)
    graph = to_rdflib(triples)
    failures, count = [], 0
    for label, mutated in mutations(graph, shapes):
        count += 1
        missed, extra = compare(mutated)
        if missed or extra:
            failures.append((label, missed, extra))
    assert count >= 20, "too few mutations apply: is the record a DCAT record?"
    assert not failures, failures[:5]


def test_both_engines_agree_on_the_official_shapes():
    reference_engine = Validator(load_dcat_ap_301(reference).serialize(format="nt"), engine="pyshacl")
    for name, triples in metadata_documents():
        # sets: the official files say the same thing twice in places (shapes.ttl and range.ttl), with
        # different wording, and the engines pick different messages for the duplicates
        fast = {r.key() for r in official().validate(triples).results}
        slow = {r.key() for r in reference_engine.validate(triples).results}
        assert fast == slow, name
