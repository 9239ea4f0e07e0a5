"""The dcat harvester against generated catalogues on a loopback server."""

from __future__ import annotations

import gzip
import hashlib
from datetime import datetime, timezone

import pyoxigraph as ox
import pytest

from harvesters import harvester_for
from node.errors import FetchRefused, HarvestError
from node.rdfio import parse_triples, serialize
from tests.harvesters.catalogues import catalogue_turtle, dataset_iri, serve_paged
from tests.harvesters.conftest import harvest, make_fetcher, make_source
from tests.harvesters.partner_server import Reply

SINCE = datetime(2024, 6, 1, tzinfo=timezone.utc)


def dataset_iris(pages):
    return [record.dataset_iri for page in pages for record in page.records]


@pytest.mark.parametrize("legacy", [False, True], ids=["PartialCollectionView", "PagedCollection"])
def test_paged_catalogue_followed_to_the_end(partner, legacy):
    first = serve_paged(partner, total=25, page_size=10, legacy=legacy)
    pages = harvest(first)
    assert [p.url for p in pages] == [partner.url(f"/catalog?page={n}") for n in (1, 2, 3)]
    assert dataset_iris(pages) == [dataset_iri(n) for n in range(1, 26)]
    assert [len(p.records) for p in pages] == [10, 10, 5] and all(p.problems == () for p in pages)
    assert pages[0].next_url == partner.url("/catalog?page=2") and pages[-1].next_url is None


@pytest.mark.parametrize("media_type", ["text/turtle", "application/rdf+xml", "application/ld+json",
                                        "application/n-triples"])
def test_single_dump_in_each_syntax(partner, media_type):
    triples = parse_triples(catalogue_turtle([1, 2]).encode(), "text/turtle")
    url = partner.serve("/dump", serialize(triples, media_type), content_type=media_type)
    pages = harvest(url)
    assert len(pages) == 1 and dataset_iris(pages) == [dataset_iri(1), dataset_iri(2)]
    assert pages[0].records[0].identifiers == ("ds-1", "alt-1")


def test_gzipped_dump_and_text_plain_turtle(partner):
    body = catalogue_turtle([1, 2, 3]).encode()
    gz = partner.serve("/dump.ttl.gz", gzip.compress(body), content_type="application/octet-stream")
    assert len(dataset_iris(harvest(gz))) == 3
    plain = partner.serve("/dump.ttl", body, content_type="text/plain")  # common misconfiguration
    assert len(dataset_iris(harvest(plain))) == 3


def test_next_link_loop_is_detected(partner):
    page1, page2 = partner.url("/c?page=1"), partner.url("/c?page=2")
    partner.serve("/c?page=1", catalogue_turtle([1], this_page=page1, next_page=page2))
    partner.serve("/c?page=2", catalogue_turtle([2], this_page=page2, next_page=page1))
    with pytest.raises(HarvestError, match=r"next link .*/c\?page=1 points to a page already read \(paging loop\)"):
        harvest(page1)


def test_next_link_to_another_host_is_refused(partner):
    page1 = partner.url("/c?page=1")
    partner.serve("/c?page=1", catalogue_turtle([1], this_page=page1, next_page="http://elsewhere.example/c?page=2"))
    with pytest.raises(FetchRefused, match="host 'elsewhere.example' is not the source's host"):
        harvest(page1)
    assert partner.hits_for("/c") == 1


def test_max_pages_stops_the_run(partner):
    first = serve_paged(partner, total=50, page_size=10)
    with pytest.raises(HarvestError, match=r"more than max_pages \(3\) pages"):
        harvest(first, max_pages=3)
    assert partner.hits_for("/catalog") == 3


def test_modified_since_detected_from_hydra_search_template(partner):
    template = partner.url("/catalog{?page,since}")
    search = f"""<{partner.url('/catalog?page=1')}> hydra:search [ a hydra:IriTemplate ;
      hydra:template "{template}" ; hydra:mapping [ hydra:variable "since" ; hydra:property dct:modified ] ] .
    """
    partner.handle("/catalog", lambda request: Reply(
        (catalogue_turtle([3]) if "since" in request.query else catalogue_turtle([1, 2, 3]) + search).encode()))
    pages = harvest(partner.url("/catalog"), modified_since=SINCE)
    assert dataset_iris(pages) == [dataset_iri(3)] and pages[0].incremental
    assert partner.hits[-1].query == {"since": "2024-06-01T00:00:00Z"}


def test_modified_since_from_a_templated_source_url(partner):
    partner.handle("/catalog.ttl", lambda request: Reply(
        catalogue_turtle([2] if "modified_since" in request.query else [1, 2]).encode()))
    url = partner.url("/catalog.ttl{?modified_since}")
    assert dataset_iris(harvest(url)) == [dataset_iri(1), dataset_iri(2)]
    pages = harvest(url, modified_since=SINCE)
    assert dataset_iris(pages) == [dataset_iri(2)] and pages[0].incremental
    assert partner.hits[-1].query == {"modified_since": "2024-06-01T00:00:00Z"}
    assert len(partner.hits) == 2


def test_without_support_modified_since_means_a_full_run(partner):
    url = partner.serve("/catalog.ttl", catalogue_turtle([1, 2]))
    pages = harvest(url, modified_since=SINCE)
    assert len(dataset_iris(pages)) == 2 and not pages[0].incremental


def test_conditional_get_per_page_resumes_from_remembered_next(partner):
    first = serve_paged(partner, total=20, page_size=10)
    page1 = partner.routes["/catalog?page=1"]
    partner.handle("/catalog?page=1", lambda request: Reply(b"", status=304) if request.headers.get(
        "If-None-Match") == '"p1"' else Reply(page1.body, headers={"ETag": '"p1"'}))
    pages = harvest(first)
    validators = {p.url: p.validators for p in pages}
    assert validators[first] == {"etag": '"p1"', "next": partner.url("/catalog?page=2"),
                                 "digest": hashlib.sha256(page1.body).hexdigest()}
    again = harvest(first, validators=validators)
    assert again[0].not_modified and again[0].records == () and again[0].etag == '"p1"'
    assert [p.url for p in again] == [first, partner.url("/catalog?page=2")]  # resumed from the remembered next
    assert again[1].not_modified  # no ETag there, but the same bytes as last time


def test_a_page_sent_again_byte_for_byte_counts_as_not_modified(partner):
    """No ETag, no Last-Modified: the body's digest from last time stands in for them."""
    first = serve_paged(partner, total=20, page_size=10)
    validators = {p.url: p.validators for p in harvest(first)}
    partner.serve("/catalog?page=2", catalogue_turtle(range(11, 21), this_page=partner.url("/catalog?page=2"))
                  .replace("Dataset 15", "Dataset 15, revised"))
    again = harvest(first, validators=validators)
    assert again[0].not_modified and again[0].records == () and again[0].next_url == partner.url("/catalog?page=2")
    assert not again[1].not_modified and len(again[1].records) == 10
    assert "revised" in str([t.object for r in again[1].records for t in r.triples])


def test_unparseable_page_names_url_and_line(partner):
    url = partner.serve("/broken.ttl", catalogue_turtle([1]) + "\n<http://x> <http://y> .\n")
    with pytest.raises(HarvestError) as caught:
        harvest(url)
    assert caught.value.url == url and url in caught.value.message and "line" in caught.value.message.lower()


def test_json_ld_remote_context_is_refused_and_never_fetched(partner):
    partner.serve("/context.jsonld", b'{"@context": {"title": "http://purl.org/dc/terms/title"}}',
                  content_type="application/ld+json")
    body = ('{"@context": "%s", "@id": "https://partner.example.eu/dataset/1", "title": "x"}'
            % partner.url("/context.jsonld"))
    url = partner.serve("/catalog.jsonld", body, content_type="application/ld+json")
    with pytest.raises(HarvestError, match="remote contexts are not fetched"):
        harvest(url)
    assert partner.hits_for("/context.jsonld") == 0


def test_xml_entity_bomb_is_refused(partner):
    bomb = b"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY a "aaaaaaaaaa"> <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"> <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dct="http://purl.org/dc/terms/">
  <rdf:Description rdf:about="https://partner.example.eu/dataset/1"><dct:title>&d;</dct:title></rdf:Description>
</rdf:RDF>"""
    url = partner.serve("/catalog.rdf", bomb, content_type="application/rdf+xml")
    with pytest.raises(HarvestError, match="entity &b; is refused: it refers to other entities"):
        harvest(url)


def test_html_instead_of_rdf_is_a_clear_error(partner):
    url = partner.serve("/catalog", b"<html><body>Portal</body></html>", content_type="text/html")
    with pytest.raises(HarvestError, match="partner served 'text/html', not RDF"):
        harvest(url)


def test_pages_are_yielded_one_at_a_time(partner):
    first = serve_paged(partner, total=30, page_size=10)
    source = make_source(first)
    with make_fetcher(source) as fetcher:
        pages = harvester_for(source, fetcher).pages()
        next(pages)
        assert partner.hits_for("/catalog") == 1
        next(pages)
        assert partner.hits_for("/catalog") == 2


def test_record_triples_round_trip_as_a_graph(partner):
    url = partner.serve("/dump.ttl", catalogue_turtle([7]))
    record = harvest(url)[0].records[0]
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in record.triples)
    titles = [row["t"].value for row in store.query(
        "SELECT ?t WHERE { ?d a <http://www.w3.org/ns/dcat#Dataset> ; <http://purl.org/dc/terms/title> ?t }", use_default_graph_as_union=True)]
    assert titles == ["Dataset 7"]
