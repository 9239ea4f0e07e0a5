"""The fast engine (Rust `shacl`, chunked) and the reference engine (pyshacl, whole graph) agree."""

import pytest
import shacl

from node.validation import Validator
from node.validation.engines import FastEngine, _blank_nodes_in_order
from tests.validation.support import GOLDEN, golden_triples

GOLDEN_FILES = sorted(p.name for p in GOLDEN.glob("*.ttl"))


def keys(report):
    return sorted(r.key() for r in report.results)


@pytest.mark.parametrize("profile", ["healthdcat-ap", "dcat-ap-3"])
@pytest.mark.parametrize("name", GOLDEN_FILES)
def test_engines_agree_on_every_golden_case(profile, name):
    triples = golden_triples(name)
    fast = Validator.for_profile(profile).validate(triples)
    reference = Validator.for_profile(profile, engine="pyshacl").validate(triples)
    assert keys(fast) == keys(reference)
    assert fast.results == reference.results  # same datasets, shapes and messages too


def test_blank_node_numbering_of_the_pinned_engine():
    """shacl 0.3.4 numbers data blank nodes after the shapes' own, in order of first appearance.

    The fast path maps results on blank nodes back through that rule; an engine upgrade that changes it
    must fail here, not silently mislabel results."""
    assert shacl.__version__ == "0.3.4"
    shapes = ('_:s <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/ns/shacl#NodeShape> .\n'
              '_:s <http://www.w3.org/ns/shacl#targetSubjectsOf> <urn:label> .\n'
              '_:s <http://www.w3.org/ns/shacl#property> _:p .\n'
              '_:p <http://www.w3.org/ns/shacl#path> <urn:label> .\n'
              '_:p <http://www.w3.org/ns/shacl#maxLength> "0"^^<http://www.w3.org/2001/XMLSchema#integer> .\n')
    engine = FastEngine(shapes)
    assert engine.bnode_offset == len(_blank_nodes_in_order(shapes)) == 2
    labels = [f"n{i}" for i in range(300)]
    data = "".join(f'<urn:d> <urn:p> _:{label} .\n' for label in reversed(labels))
    data += "".join(f'_:{label} <urn:label> "{label}" .\n' for label in labels)
    results = engine.run(data)
    assert len(results) == 300
    assert all(r.focus_node == "_:" + r.value.strip('"') for r in results)


def test_catalogue_split_into_many_chunks_matches_the_whole_graph(monkeypatch):
    """Many records, small chunks, shared agents and links between datasets: same results as one graph."""
    from bench.catalogue import generate_catalogue
    from node.validation import validator as module

    triples = generate_catalogue(60, broken_share=0.2, seed=7)
    monkeypatch.setattr(module, "RECORDS_PER_CHUNK", 7)
    fast = Validator.for_profile("healthdcat-ap").validate(triples)
    reference = Validator.for_profile("healthdcat-ap", engine="pyshacl").validate(triples)
    assert fast.violations, "the generated catalogue should have broken records"
    assert keys(fast) == keys(reference)
