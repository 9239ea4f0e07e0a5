"""The fdp harvester against a generated FAIR Data Point on a loopback server."""

from __future__ import annotations

import pytest

from node.errors import HarvestError
from tests.harvesters.conftest import harvest


def harvest_fdp(url, **kwargs):
    return harvest(url, "fdp", **kwargs)

PREFIXES = """@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix fdp: <https://w3id.org/fdp/fdp-o#> . @prefix r3d: <http://www.re3data.org/schema/3-0#> .
@prefix ldp: <http://www.w3.org/ns/ldp#> .
"""


def serve_fdp(partner, *, root_link="fdp:metadataCatalog", datasets=("a", "b"), missing=()):
    u = partner.url
    partner.serve("/", PREFIXES + f'<{u("/")}> a fdp:FAIRDataPoint ; dct:title "FDP" ; '
                  f'{root_link} <{u("/catalog/c1")}> .')
    links = ", ".join(f"<{u('/dataset/' + d)}>" for d in datasets)
    partner.serve("/catalog/c1", PREFIXES + f'<{u("/catalog/c1")}> a dcat:Catalog ; dct:title "C1" ; '
                  f"dcat:dataset {links} .")
    for name in datasets:
        if name in missing:
            continue
        partner.serve(f"/dataset/{name}", PREFIXES + f'<{u("/dataset/" + name)}> a dcat:Dataset ; '
                      f'dct:title "Dataset {name}" ; dct:identifier "{name}" ; '
                      f'dcat:distribution <{u("/distribution/" + name)}> .')
        partner.serve(f"/distribution/{name}", PREFIXES + f'<{u("/distribution/" + name)}> a dcat:Distribution ; '
                      f'dcat:accessURL <https://data.example.org/{name}> .')
    return u("/")


@pytest.mark.parametrize("root_link", ["fdp:metadataCatalog", "r3d:dataCatalog", "ldp:contains"])
def test_root_to_catalogues_to_datasets_to_distributions(partner, root_link):
    pages = harvest_fdp(serve_fdp(partner, root_link=root_link))
    assert [p.url for p in pages] == [partner.url("/dataset/a"), partner.url("/dataset/b")]
    record = pages[0].records[0]
    assert record.dataset_iri == partner.url("/dataset/a") and record.identifiers == ("a",)
    values = {t.object.value for t in record.triples}
    assert "https://data.example.org/a" in values  # the distribution's own document was read
    assert not any(t.subject.value.endswith("/catalog/c1") for t in record.triples)
    assert all(hit.headers["Accept"].startswith("text/turtle") for hit in partner.hits)
    assert len(partner.hits) == 6  # root, catalogue, 2 datasets, 2 distributions


def test_dataset_that_is_gone_is_a_page_problem(partner):
    pages = harvest_fdp(serve_fdp(partner, datasets=("a", "gone", "b"), missing=("gone",)))
    assert [len(p.records) for p in pages] == [1, 0, 1]
    assert "dataset not read" in pages[1].problems[0] and "HTTP 404" in pages[1].problems[0]


def test_source_url_that_is_a_catalogue(partner):
    serve_fdp(partner)
    pages = harvest_fdp(partner.url("/catalog/c1"))
    assert [r.dataset_iri for p in pages for r in p.records] == [partner.url("/dataset/a"), partner.url("/dataset/b")]


def test_documents_count_toward_max_pages(partner):
    with pytest.raises(HarvestError, match=r"more than max_pages \(4\)"):
        harvest_fdp(serve_fdp(partner), max_pages=4)


def test_partner_down_mid_run_stops_the_run(partner):
    url = serve_fdp(partner)
    partner.serve("/dataset/b", b"down", content_type="text/plain", status=503)
    with pytest.raises(HarvestError, match="HTTP 503"):
        harvest_fdp(url)
