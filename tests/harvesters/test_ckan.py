"""The ckan harvester against a loopback server implementing package_search over generated datasets."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

import pyoxigraph as ox
import pytest

from node.errors import HarvestError
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
