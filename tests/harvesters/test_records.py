"""split_records: one page's graph → one record per dataset, self-contained, stopping at boundaries."""

from __future__ import annotations

import pyoxigraph as ox

from harvesters.records import split_records
from node.rdfio import parse_triples
from tests.harvesters.catalogues import catalogue_turtle, dataset_iri

DCT = "http://purl.org/dc/terms/"


def split(turtle: str, source: str = "partner"):
    return split_records(parse_triples(turtle.encode(), "text/turtle"), "https://partner.example.eu/p1", source=source)


def test_each_dataset_gets_its_closure_and_not_its_neighbours():
    records, problems = split(catalogue_turtle([1, 2, 3]))
    assert problems == [] and [r.dataset_iri for r in records] == [dataset_iri(n) for n in (1, 2, 3)]
    first = records[0]
    subjects = {t.subject.value for t in first.triples if isinstance(t.subject, ox.NamedNode)}
    assert subjects == {dataset_iri(1), dataset_iri(1) + "/csv", "https://partner.example.eu/org/partner"}
    texts = {t.object.value for t in first.triples if isinstance(t.object, ox.Literal)}
    assert {"Desk 1", "alt-1", "CSV 1", "Partner"} <= texts
    assert not any("2" in value for value in texts if value.startswith(("Desk", "CSV", "Dataset")))
    assert len(first.triples) == 19  # 9 about the dataset, 2+3 in blank nodes, 3 distribution, 2 publisher
    assert first.identifiers == ("ds-1", "alt-1") and first.modified == "2024-03-01"
    assert first.source_url == "https://partner.example.eu/p1"


def test_links_to_other_datasets_are_kept_but_not_followed():
    turtle = catalogue_turtle([1, 2]) + f"<{dataset_iri(1)}> dct:relation <{dataset_iri(2)}> .\n"
    records, _ = split(turtle)
    first = {(t.subject.value, t.predicate.value, t.object.value) for t in records[0].triples
             if not isinstance(t.subject, ox.BlankNode)}
    assert (dataset_iri(1), DCT + "relation", dataset_iri(2)) in first
    assert not any(s == dataset_iri(2) for s, _, _ in first)


def test_untyped_dataset_linked_from_catalogue_is_a_record():
    turtle = catalogue_turtle([1]).replace("a dcat:Dataset ;", "")
    records, _ = split(turtle)
    assert [r.dataset_iri for r in records] == [dataset_iri(1)]


def test_blank_node_dataset_gets_stable_skolem_iri_per_source():
    turtle = """@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
    [] a dcat:Dataset ; dct:identifier "x-1" ; dct:title "A" ; dcat:distribution [ dct:title "D" ] ."""
    first, again, other = split(turtle)[0][0], split(turtle)[0][0], split(turtle, source="other")[0][0]
    assert first.dataset_iri.startswith("urn:uuid:") and first.dataset_iri == again.dataset_iri
    assert other.dataset_iri != first.dataset_iri
    assert sum(1 for t in first.triples if t.subject.value == first.dataset_iri) == 4


def test_blank_node_dataset_without_identifier_or_title_is_a_problem():
    turtle = "@prefix dcat: <http://www.w3.org/ns/dcat#> . [] a dcat:Dataset ; dcat:keyword \"k\" ."
    records, problems = split(turtle)
    assert records == [] and "neither dct:identifier nor dct:title" in problems[0]
