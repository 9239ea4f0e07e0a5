"""The ckan harvester against a loopback server implementing package_search over generated datasets."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

import pyoxigraph as ox
import pytest
from rdflib.compare import isomorphic

from harvesters.ckan_mapping import dataset_triples
from node.errors import HarvestError
from node.rdfio import to_rdflib
from tests.harvesters.conftest import harvest
from tests.harvesters.partner_server import Reply


def harvest_ckan(url, **kwargs):
    return harvest(url, "ckan", **kwargs)

DCAT, DCT = "http://www.w3.org/ns/dcat#", "http://purl.org/dc/terms/"


def package(number: int, **fields) -> dict:
    return {
        "id": f"id-{number:04d}", "name": f"dataset-{number}", "title": f"Dataset {number}",
        "notes": f"About dataset {number}.", "metadata_created": "2024-01-01T10:00:00.000001",
        "metadata_modified": f"2024-{1 + number % 12:02d}-15T10:00:00.000001",
        "tags": [{"name": "health"}, {"name": f"tag{number}"}], "license_id": "CC-BY-4.0",
        "organization": {"name": "hdh", "title": "Health Data Hub"},
        "maintainer": "Data desk", "maintainer_email": "desk@example.org",
        "extras": [{"key": "theme", "value": '["http://publications.europa.eu/resource/authority/data-theme/HEAL"]'},
                   {"key": "access_rights", "value": "http://publications.europa.eu/resource/authority/access-right/PUBLIC"}],
        "resources": [{"id": f"res-{number}", "name": "Data", "url": f"https://data.example.org/{number}.csv",
                       "format": "CSV", "mimetype": "text/csv", "size": 1024}],
        **fields,
    }


def ckan_site(partner, packages: list, requests_seen: list | None = None):
    """A minimal package_search: rows/start paging, metadata_modified sort and range fq."""
    def package_search(request):
        query = request.query
        found = sorted(packages, key=lambda p: (p.get("metadata_modified", ""), p.get("id", "")))
        match = re.fullmatch(r"metadata_modified:\[(\S+) TO \*\]", query.get("fq", ""))
        if match:
            found = [p for p in found if p["metadata_modified"] >= match.group(1).rstrip("Z")]
        start, rows = int(query["start"]), int(query["rows"])
        body = {"success": True, "result": {"count": len(found), "results": found[start:start + rows]}}
        return Reply(json.dumps(body).encode(), content_type="application/json")

    partner.handle("/api/3/action/package_search", package_search)
    return partner.url("/")


def triples_of(record):
    return {(t.subject.value, t.predicate.value, t.object.value) for t in record.triples}


def test_paging_with_rows_and_start(partner):
    url = ckan_site(partner, [package(n) for n in range(1, 8)])
    pages = harvest_ckan(url, page_size=3)
    assert [len(p.records) for p in pages] == [3, 3, 1]
    assert [hit.query["start"] for hit in partner.hits] == ["0", "3", "6"]
    assert partner.hits[0].query["sort"] == "metadata_modified asc, id asc"
    assert len({r.dataset_iri for p in pages for r in p.records}) == 7
    assert not any(p.incremental for p in pages)


def test_incremental_uses_metadata_modified_range(partner):
    url = ckan_site(partner, [package(n) for n in range(1, 13)])
    pages = harvest_ckan(url, modified_since=datetime(2024, 10, 1, tzinfo=timezone.utc))
    assert partner.hits[0].query["fq"] == "metadata_modified:[2024-10-01T00:00:00Z TO *]"
    names = sorted(r.dataset_iri.rsplit("/", 1)[1] for p in pages for r in p.records)
    assert names == ["dataset-10", "dataset-11", "dataset-9"] and all(p.incremental for p in pages)


def test_mapping_of_core_fields(partner):
    url = ckan_site(partner, [package(1)])
    record = harvest_ckan(url)[0].records[0]
    iri = partner.url("/dataset/dataset-1")
    assert record.dataset_iri == iri and record.identifiers == ("id-0001",)
    assert record.modified == "2024-02-15T10:00:00.000001"
    found = triples_of(record)
    distribution = f"{iri}/resource/res-1"
    for expected in [
        (iri, DCT + "title", "Dataset 1"), (iri, DCT + "description", "About dataset 1."),
        (iri, DCAT + "keyword", "health"), (iri, DCAT + "theme",
                                            "http://publications.europa.eu/resource/authority/data-theme/HEAL"),
        (iri, DCT + "accessRights", "http://publications.europa.eu/resource/authority/access-right/PUBLIC"),
        (iri, DCT + "issued", "2024-01-01T10:00:00.000001"), (iri, DCAT + "distribution", distribution),
        (distribution, DCAT + "accessURL", "https://data.example.org/1.csv"),
        (distribution, DCT + "format", "http://publications.europa.eu/resource/authority/file-type/CSV"),
        (distribution, DCAT + "mediaType", "http://www.iana.org/assignments/media-types/text/csv"),
        (distribution, DCAT + "byteSize", "1024"), (distribution, DCT + "license", "CC-BY-4.0"),
        (partner.url("/organization/hdh"), "http://xmlns.com/foaf/0.1/name", "Health Data Hub"),
    ]:
        assert expected in found, expected
    emails = {o for s, p, o in found if p == "http://www.w3.org/2006/vcard/ns#hasEmail"}
    assert emails == {"mailto:desk@example.org"}


def test_uri_extra_names_the_dataset(partner):
    url = ckan_site(partner, [package(1, extras=[{"key": "uri", "value": "https://hdh.example/ds/1"}])])
    assert harvest_ckan(url)[0].records[0].dataset_iri == "https://hdh.example/ds/1"


def test_unmappable_dict_is_a_page_problem_and_the_rest_goes_on(partner):
    broken = package(2, metadata_modified="2024-03-15T10:00:00", issued="last tuesday")
    url = ckan_site(partner, [package(1), broken, package(3)])
    page = harvest_ckan(url)[0]
    assert len(page.records) == 2
    assert len(page.problems) == 1 and "dataset dataset-2 not mapped" in page.problems[0]
    assert "'issued' is not an ISO 8601 date" in page.problems[0]


def test_ckan_failure_is_a_harvest_error(partner):
    body = json.dumps({"success": False, "error": {"message": "Search Query is invalid"}}).encode()
    partner.serve("/api/3/action/package_search", body, content_type="application/json")
    with pytest.raises(HarvestError, match="CKAN reported failure: .*Search Query is invalid"):
        harvest_ckan(partner.url("/"))


def test_not_json_is_a_harvest_error(partner):
    partner.serve("/api/3/action/package_search", b"<html>", content_type="text/html")
    with pytest.raises(HarvestError, match="not JSON .* is this a CKAN Action API"):
        harvest_ckan(partner.url("/api/3/action/"))


def test_records_are_graphs_oxigraph_can_load(partner):
    url = ckan_site(partner, [package(1)])
    record = harvest_ckan(url)[0].records[0]
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in record.triples)
    assert len(store) == len(set(record.triples))


# --- qualified relations, qualified attributions, provenance activities -------------------------

MINIMAL = {"id": "id-1", "name": "d1"}
DATASET = "https://ckan.example.org/dataset/d1"
PREFIXES = """@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> . @prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def added_triples(**fields) -> list:
    """The triples that `fields` add to a minimal dataset (whose own triples have no blank node)."""
    baseline = set(dataset_triples(MINIMAL, "https://ckan.example.org")[1])
    return [t for t in dataset_triples({**MINIMAL, **fields}, "https://ckan.example.org")[1] if t not in baseline]


def assert_same_graph(triples: list, turtle: str) -> None:
    expected = ox.parse(PREFIXES + turtle, format=ox.RdfFormat.TURTLE)
    ours, theirs = to_rdflib(triples), to_rdflib(expected)
    assert len(ours) == len(triples), "a triple was emitted twice"
    assert isomorphic(ours, theirs), ours.serialize(format="turtle")


def test_qualified_relation_is_a_relationship_with_typed_iris():
    triples = added_triples(qualified_relation=[
        {"uri": "", "relation": "http://example.com/dataset/2", "role": "http://www.iana.org/assignments/relation/related"},
        {"uri": "https://ckan.example.org/relationship/9", "relation": "the 2019 edition", "role": ""}])
    assert_same_graph(triples, f"""
        <{DATASET}> dcat:qualifiedRelation [ a dcat:Relationship ; dct:relation <http://example.com/dataset/2> ;
                dcat:hadRole <http://www.iana.org/assignments/relation/related> ] ,
            <https://ckan.example.org/relationship/9> .
        <http://example.com/dataset/2> a rdfs:Resource .
        <http://www.iana.org/assignments/relation/related> a dcat:Role .
        <https://ckan.example.org/relationship/9> a dcat:Relationship ; dct:relation "the 2019 edition" .""")


def test_qualified_attribution_with_full_agent_and_agent_by_iri():
    agent = {"uri": "https://ror.org/04ex9", "name": "Sciensano", "email": "info@sciensano.be",
             "homepage": "https://www.sciensano.be", "url": "https://sciensano.be/en",
             "type": "http://purl.org/adms/publishertype/NationalAuthority", "identifier": "ROR 04ex9"}
    triples = added_triples(qualified_attribution=[
        {"agent": [agent], "role": "https://inspire.ec.europa.eu/metadata-codelist/ResponsiblePartyRole/processor"},
        {"agent": ["https://orcid.org/0000-0002-1825-0097"], "role": ""}])
    assert_same_graph(triples, f"""
        <{DATASET}> prov:qualifiedAttribution [ a prov:Attribution ; prov:agent <https://ror.org/04ex9> ;
                dcat:hadRole <https://inspire.ec.europa.eu/metadata-codelist/ResponsiblePartyRole/processor> ] ,
            [ a prov:Attribution ; prov:agent <https://orcid.org/0000-0002-1825-0097> ] .
        <https://ror.org/04ex9> a foaf:Agent ; foaf:name "Sciensano" ; foaf:mbox <mailto:info@sciensano.be> ;
            foaf:homepage <https://sciensano.be/en>, <https://www.sciensano.be> ;
            dct:type <http://purl.org/adms/publishertype/NationalAuthority> ; dct:identifier "ROR 04ex9" .""")


def test_provenance_activity_with_times_and_associated_agent():
    triples = added_triples(provenance_activity=[{
        "uri": "https://ckan.example.org/activity/linkage", "label": "Record linkage",
        "seeAlso": "https://www.ehealth.fgov.be/ttp", "dct_type": "http://dbpedia.org/resource/Record_linkage",
        "startedAtTime": "2021-01-01T00:00:00+00:00", "endedAtTime": "2021-03-31",
        "wasAssociatedWith": [{"name": "Dr. Joris van Loenhout", "email": "mailto:joris@sciensano.be",
                               "actedOnBehalfOf": [{"name": "Sciensano"}, {"name": ""}]}]}])
    assert_same_graph(triples, f"""
        <{DATASET}> prov:wasGeneratedBy <https://ckan.example.org/activity/linkage> .
        <https://ckan.example.org/activity/linkage> a prov:Activity ; rdfs:label "Record linkage" ;
            rdfs:seeAlso <https://www.ehealth.fgov.be/ttp> ; dct:type <http://dbpedia.org/resource/Record_linkage> ;
            prov:startedAtTime "2021-01-01T00:00:00+00:00"^^xsd:dateTime ; prov:endedAtTime "2021-03-31"^^xsd:date ;
            prov:wasAssociatedWith [ a foaf:Agent ; foaf:name "Dr. Joris van Loenhout" ;
                foaf:mbox <mailto:joris@sciensano.be> ;
                prov:actedOnBehalfOf [ a prov:Organization ; foaf:name "Sciensano" ] ] .""")


def test_empty_rows_and_sub_fields_produce_nothing():
    empty_agent = {"uri": "", "name": "", "email": "", "homepage": "", "type": "", "identifier": "",
                   "actedOnBehalfOf": [{"name": ""}]}
    assert added_triples(
        qualified_relation=[{"uri": "", "relation": "", "role": ""}],
        qualified_attribution=[{"agent": [empty_agent], "role": ""}],
        provenance_activity=[{"uri": "", "label": "", "startedAtTime": "", "wasAssociatedWith": [empty_agent]}],
    ) == []
    assert added_triples(qualified_relation="", qualified_attribution=[], provenance_activity=None) == []


def test_values_of_another_shape_are_skipped():
    assert added_triples(qualified_relation="http://example.com/dataset/2",
                         qualified_attribution=["Sciensano", 3], provenance_activity=[["label"]]) == []
    triples = added_triples(qualified_relation=[{"relation": ["http://example.com/a"], "role": {"en": "x"}}],
                            provenance_activity=[{"label": "Linkage", "wasAssociatedWith": "Dr. J",
                                                  "seeAlso": "not an IRI", "dct_type": 7}])
    assert_same_graph(triples, f"""
        <{DATASET}> dcat:qualifiedRelation [ a dcat:Relationship ] ;
            prov:wasGeneratedBy [ a prov:Activity ; rdfs:label "Linkage" ] .""")


def test_legacy_extras_hold_the_fields_as_json():
    relation = [{"uri": "", "relation": "http://example.com/dataset/2", "role": ""}]
    triples = added_triples(extras=[{"key": "qualified_relation", "value": json.dumps(relation)}])
    assert_same_graph(triples, f"""
        <{DATASET}> dcat:qualifiedRelation [ a dcat:Relationship ; dct:relation <http://example.com/dataset/2> ] .
        <http://example.com/dataset/2> a rdfs:Resource .""")


def test_activity_time_that_is_not_iso_8601_is_a_page_problem(partner):
    odd = package(2, provenance_activity=[{"label": "Linkage", "startedAtTime": "spring 2021"}])
    page = harvest_ckan(ckan_site(partner, [package(1), odd]))[0]
    assert [r.dataset_iri.rsplit("/", 1)[1] for r in page.records] == ["dataset-1"]
    assert len(page.problems) == 1 and "dataset dataset-2 not mapped" in page.problems[0]
    assert "'provenance_activity.startedAtTime' is not an ISO 8601 date" in page.problems[0]
