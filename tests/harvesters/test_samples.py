"""Real partner data from ../shared/reference/samples served on loopback (conformance: reads ../shared)."""

from __future__ import annotations

import json

import pytest

from node.errors import HarvestError
from tests.harvesters.conftest import harvest
from tests.harvesters.partner_server import Reply

pytestmark = pytest.mark.conformance

MEDIA_TYPES = {"ttl": "text/turtle", "rdf": "application/rdf+xml", "jsonld": "application/ld+json"}
# Record counts: the dcat:Dataset count each file has according to samples/SOURCES.md.
DCAT_SAMPLES = {
    "ckanext-dcat/dcat/catalog.rdf": 2, "ckanext-dcat/dcat/catalog_datasets_list.rdf": 2,
    "ckanext-dcat/dcat/catalog_pod.jsonld": 1, "ckanext-dcat/dcat/catalog_with_at_graph.jsonld": 1,
    "ckanext-dcat/dcat/dataset.rdf": 1, "ckanext-dcat/dcat/dataset_afs.ttl": 1,
    "ckanext-dcat/dcat/dataset_deri.ttl": 1, "ckanext-dcat/dcat/dataset_gob_es.ttl": 1,
    "ckanext-dcat/dcat/dataset_gov_de.rdf": 1, "ckanext-dcat/dcat/dataset_health.ttl": 1,
    "ckanext-dcat/dcat/dataset_health_multilingual.ttl": 1, "ckanext-dcat/dcat/dataset_health_no_blank.ttl": 1,
    "ckanext-dcat/dcat/dataset_multilingual.ttl": 1, "ckanext-dcat/dcat/dataset_sweden.rdf": 1,
    "piveau-hub-registry/example_consus_ckan.ttl": 1, "piveau-hub-registry/update_example.ttl": 1,
    "fairdatapoint/disgenet.ttl": 1, "fairdatapoint/fantom5.ttl": 1, "fairdatapoint/gda-lumc.ttl": 1,
    "fairdatapoint/goNlSvR5-dataset.ttl": 1,
}
# The files SOURCES.md lists as not parsing, with the line our parser reports.
MALFORMED_SAMPLES = {
    "ckanext-dcat/dcat/dataset.ttl": 149,  # undeclared prefix (rdflib says 158)
    "ckanext-dcat/croissant/full_croissant_dataset.jsonld": 78,
    "piveau-hub-registry/example_catalog.ttl": 27, "piveau-hub-registry/example_dataset.ttl": 17,
    "piveau-hub-registry/example_distribution.ttl": 17, "piveau-hub-registry/example_index_dataset.ttl": 17,
    "piveau-hub-registry/example_metric.ttl": 40, "piveau-hub-registry/simple_dataset.ttl": 17,
}


def serve_sample(partner, ref, name: str) -> str:
    body = ref("samples", *name.split("/")).read_bytes()
    return partner.serve("/" + name, body, content_type=MEDIA_TYPES[name.rsplit(".", 1)[1]])


@pytest.mark.parametrize("name, expected", sorted(DCAT_SAMPLES.items()))
def test_dcat_sample_yields_its_datasets(partner, ref, name, expected):
    pages = harvest(serve_sample(partner, ref, name))
    records = [r for p in pages for r in p.records]
    assert len(records) == expected and all(p.problems == () for p in pages)
    assert all(r.triples and r.dataset_iri for r in records)


def test_health_sample_record_content(partner, ref):
    record = harvest(serve_sample(partner, ref, "ckanext-dcat/dcat/dataset_health.ttl"))[0].records[0]
    predicates = {t.predicate.value for t in record.triples}
    assert {"http://healthdataportal.eu/ns/health#healthCategory", "http://healthdataportal.eu/ns/health#hdab",
            "http://www.w3.org/ns/dcat#distribution"} <= predicates
    assert record.identifiers and record.modified


@pytest.mark.parametrize("name, line", sorted(MALFORMED_SAMPLES.items()))
def test_malformed_sample_is_rejected_naming_url_and_line(partner, ref, name, line):
    url = serve_sample(partner, ref, name)
    with pytest.raises(HarvestError) as caught:
        harvest(url)
    assert caught.value.url == url and caught.value.source == "partner"
    assert caught.value.message.startswith(url) and f"line {line}" in caught.value.message


def test_ckan_samples_through_package_search(partner, ref):
    folder = ref("samples", "ckanext-dcat", "ckan")
    packages = []
    for path in sorted(folder.glob("*.json")):
        loaded = json.loads(path.read_bytes())
        packages.extend(loaded if isinstance(loaded, list) else [loaded])
    body = json.dumps({"success": True, "result": {"count": len(packages), "results": packages}}).encode()
    partner.handle("/api/3/action/package_search", lambda request: Reply(
        body if request.query["start"] == "0" else
        json.dumps({"success": True, "result": {"count": len(packages), "results": []}}).encode(),
        content_type="application/json"))
    pages = harvest(partner.url("/"), "ckan", page_size=100)
    mapped = [r for p in pages for r in p.records]
    records = {r.dataset_iri: r for r in mapped}  # four samples are variants of 'test-dataset-shacl'
    problems = [problem for p in pages for problem in p.problems]
    # catalog.json, dataset.json and catalog_datasets_list.json are DCAT-JSON exports, not CKAN dicts.
    assert len(mapped) + len(problems) == len(packages) and len(problems) == 4 and len(records) == 7
    assert all("neither 'name' nor 'id'" in problem for problem in problems)
    health = records["http://example.healthdata.nl/set/dataset"]
    found = {(t.predicate.value, t.object.value) for t in health.triples}
    assert ("http://healthdataportal.eu/ns/health#numberOfRecords", "123456789") in found
    assert ("https://w3id.org/dpv#hasLegalBasis", "https://w3id.org/dpv#Consent") in found
    assert ("http://healthdataportal.eu/ns/health#trustedDataHolder", "true") in found
    assert health.identifiers == ("http://example.com/dataset/1234567890", "internalURI:admsIdentifier0")


def test_fair_data_point_samples(partner, ref):
    """The DTL FDP examples, rehosted on loopback: one dataset IRI in them does not match its link."""
    folder = ref("samples", "fairdatapoint")
    for path in folder.glob("*.ttl"):
        text = path.read_text().replace("http://www.dtls.nl", partner.url("").rstrip("/"))
        subject = None
        for line in text.splitlines():  # serve each document at the path of the resource it describes
            if line.strip().startswith(("<", "fdp:", "fantom5:", "transcriptomics:", "comparativeGenomics:",
                                        "goNlSvR5:")) and not line.startswith("@"):
                subject = _resolve(line.split()[0], text, partner)
                break
        partner.serve(subject.replace(partner.url("").rstrip("/"), ""), text)
    pages = harvest(partner.url("/fdp"), "fdp")
    records = [r.dataset_iri.replace(partner.url("").rstrip("/"), "") for p in pages for r in p.records]
    assert records == ["/fdp/textmining/gene-disease-association_disgenet", "/fdp/transcriptomics/fantom5",
                       "/fdp/comparativeGenomics/goNlSvR5"]
    problems = [problem for p in pages for problem in p.problems]
    assert len(problems) == 1 and "gene-disease-association_lumc" in problems[0] and "HTTP 404" in problems[0]


def _resolve(term: str, text: str, partner) -> str:
    if term.startswith("<"):
        return term.strip("<>")
    prefix, local = term.split(":", 1)
    for line in text.splitlines():
        if line.startswith(f"@prefix {prefix}:"):
            return line.split("<", 1)[1].split(">", 1)[0] + local
    raise AssertionError(f"no prefix {prefix} in sample")
