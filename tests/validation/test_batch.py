"""validate_records (a harvested page in a few engine runs) gives each record exactly its own report."""

import pytest

from node.rdfio import parse_triples
from node.validation import Validator
from tests.validation.support import GOLDEN, golden_triples

PREFIXES = """@prefix cv: <http://data.europa.eu/m8g/> . @prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcatap: <http://data.europa.eu/r5r/> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> . @prefix healthdcatap: <http://healthdataportal.eu/ns/health#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix ex: <https://registry.example.org/> .
"""


def record(n: int, *, publisher: str, title: bool = True) -> list:
    """A public dataset whose publisher ex:registry is described as given (or only referenced)."""
    text = PREFIXES + f"""
ex:dataset{n} a dcat:Dataset ; {'dct:title "Registry extract"@en ;' if title else ''}
    dct:description "Incident cases."@en ; dct:identifier "R-{n}" ;
    dct:accessRights <http://publications.europa.eu/resource/authority/access-right/PUBLIC> ;
    dcatap:applicableLegislation <http://data.europa.eu/eli/reg/2025/327/oj> ;
    dcat:theme <http://publications.europa.eu/resource/authority/data-theme/HEAL> ;
    healthdcatap:healthCategory <https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories/PHDR> ;
    healthdcatap:hasStructuredData false ; healthdcatap:hdab ex:hdab ; dct:publisher ex:registry ;
    dct:issued "2024-03-01"^^xsd:date ; dcat:distribution ex:access{n} ;
    dcat:contactPoint [ a <http://www.w3.org/2006/vcard/ns#Kind> ; <http://www.w3.org/2006/vcard/ns#hasEmail> <mailto:team{n}@example.org> ] .
ex:access{n} a dcat:Distribution ; dcat:accessURL <https://hdab.example.org/requests> ;
    dcatap:applicableLegislation <http://data.europa.eu/eli/reg/2025/327/oj> .
ex:hdab a foaf:Agent ; foaf:name "Health Data Access Body"@en ; cv:contactPoint ex:hdab-contact .
ex:hdab-contact a cv:ContactPoint ; cv:email "access@hdab.example.org" .
{publisher}
"""
    return parse_triples(text.encode(), "text/turtle")


BROKEN_PUBLISHER = "ex:registry a foaf:Agent ."  # no foaf:name: a violation on the publisher itself
GOOD_PUBLISHER = ('ex:registry a foaf:Agent ; foaf:name "Registry"@en ; cv:contactPoint ex:registry-contact .'
                  'ex:registry-contact a cv:ContactPoint ; cv:email "registry@example.org" .')


@pytest.fixture(scope="module")
def validator():
    return Validator.for_profile("healthdcat-ap")


def runs_counted(validator, monkeypatch) -> list:
    calls = []
    run = validator.engine.run
    monkeypatch.setattr(validator.engine, "run", lambda text: calls.append(text) or run(text))
    return calls


def test_a_broken_shared_publisher_fails_every_record_that_describes_it(validator, monkeypatch):
    records = [(f"d{n}", record(n, publisher=BROKEN_PUBLISHER)) for n in range(6)]
    records.append(("referenced-only", record(6, publisher="")))  # conflicts: must run apart
    records.append(("described-well", record(7, publisher=GOOD_PUBLISHER)))  # conflicts too
    records.append(("no-title", record(8, publisher=BROKEN_PUBLISHER, title=False)))
    alone = {key: validator.validate(triples) for key, triples in records}
    calls = runs_counted(validator, monkeypatch)
    batch = validator.validate_records(records)
    assert batch == alone
    assert len(calls) == 3, "the records describing the same publisher share one run; the two others run apart"
    for key in [f"d{n}" for n in range(6)] + ["no-title"]:
        failing = {(r.focus_node, r.path) for r in batch[key].violations}
        assert ("https://registry.example.org/registry", "<http://xmlns.com/foaf/0.1/name>") in failing, key
    assert batch["described-well"].conforms
    assert any(r.path == "<http://purl.org/dc/terms/title>" for r in batch["no-title"].violations)


def test_blank_nodes_keep_their_own_labels_and_never_mix(validator):
    """Every record labels its contact point _:b0-like labels of its own; results name them as alone."""
    text = PREFIXES + "ex:d a dcat:Dataset ; dcat:contactPoint _:c . _:c a <http://www.w3.org/2006/vcard/ns#Kind> ."
    records = [(f"r{n}", parse_triples(text.replace("ex:d ", f"ex:d{n} ").encode(), "text/turtle")) for n in range(3)]
    alone = {key: validator.validate(triples) for key, triples in records}
    batch = validator.validate_records(records)
    assert batch == alone
    assert any(r.focus_node.startswith("_:") for r in batch["r1"].results)


def test_batch_matches_each_golden_record_alone(validator):
    names = sorted(p.name for p in GOLDEN.glob("*.ttl"))
    records = [(name, golden_triples(name)) for name in names]
    batch = validator.validate_records(records)
    assert batch == {name: validator.validate(triples) for name, triples in records}
    assert not batch["valid-public.ttl"].violations and batch["missing-title.ttl"].violations


def test_reference_engine_gives_the_same_batch_reports():
    records = [(f"d{n}", record(n, publisher=BROKEN_PUBLISHER)) for n in range(3)]
    fast = Validator.for_profile("healthdcat-ap").validate_records(records)
    reference = Validator.for_profile("healthdcat-ap", engine="pyshacl").validate_records(records)
    assert {k: r.results for k, r in fast.items()} == {k: r.results for k, r in reference.items()}


def test_text_serialised_in_batches_is_the_text_of_the_whole(monkeypatch):
    """Blank nodes keep their labels across serialisation batches, so a record split by a batch boundary
    is still one record, and a subject's lines in two batches are still all its lines."""
    from node.validation import records

    triples = golden_triples("contact-without-email-or-url.ttl")
    whole = "".join(records.ntriples_texts(triples))
    index = records.TripleIndex([whole])
    monkeypatch.setattr(records, "SERIALIZE_BATCH", 3)
    texts = list(records.ntriples_texts(triples))
    assert "".join(texts) == whole and len(texts) > 3
    in_batches = records.TripleIndex(texts)
    assert list(in_batches.subjects()) == list(index.subjects())
    assert all(sorted(in_batches.text(s).splitlines()) == sorted(index.text(s).splitlines()) for s in index.subjects())


def test_results_are_grouped_under_the_nearest_dataset():
    from node.validation.placing import owning_dataset
    from node.validation.records import TripleIndex

    dcat = "<http://www.w3.org/ns/dcat#"
    lines = [f"<urn:catalog> <{dcat[1:]}dataset> <urn:d1> .", f"<urn:d1> <{RDF_TYPE}> {dcat}Dataset> .",
             f"<urn:d2> <{RDF_TYPE}> {dcat}Dataset> .", "<urn:d2> <urn:p> <urn:agent> .",
             "<urn:d1> <urn:p> <urn:agent> .", "<urn:d1> <urn:p> _:dist .", "_:dist <urn:q> <urn:undescribed> .",
             "<urn:agent> <urn:name> \"A\" ."]
    index = TripleIndex(["".join(line + "\n" for line in lines)])
    assert owning_dataset("_:dist", index) == "<urn:d1>"
    assert owning_dataset("<urn:agent>", index) == "<urn:d1>"  # of the datasets linking to it, the first described
    assert owning_dataset("<urn:undescribed>", index) == "<urn:d1>"  # a focus node without triples of its own
    assert owning_dataset("<urn:catalog>", index) is None


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
