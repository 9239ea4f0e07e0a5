"""Harvest runs against a real partner server on loopback: what lands in the store, and what never does."""

import pyoxigraph as ox
import pytest
from rdflib import URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from node.catalog_index import CatalogIndex
from node.config import SourceConfig
from node.harvest import read_reports, run_harvest
from node.harvest import journal as staging_module
from node.harvest.provenance import CONTENT_HASH, source_graph_prefix
from tests.harvesters.catalogues import catalogue_turtle, dataset_iri, serve_paged
from tests.harvesters.conftest import make_fetcher
from tests.harvesters.partner_server import Reply

ADMS_STATUS = ox.NamedNode("http://www.w3.org/ns/adms#status")


@pytest.fixture
def central(tmp_path):
    from node.config import Settings
    from node.context import open_node

    ctx = open_node(Settings(base_url="http://central.test/", data_dir=tmp_path / "central",
                             load_bundled_catalogue=False, api_token="t"))
    yield ctx
    ctx.close()


def source(url, **overrides):
    return SourceConfig(**({"name": "partner", "kind": "dcat", "url": url, "allow_private_network": True,
                            "retries": 0, "timeout": 5.0} | overrides))


def harvest(ctx, src, **options):
    return run_harvest(ctx, src, fetcher=make_fetcher(src), **options)


def harvested(ctx) -> dict[str, str]:
    """dataset IRI → content hash, for this source's graphs."""
    prefix = source_graph_prefix(ctx.naming, "partner")
    hashes = {q.graph_name.value: q.object.value for q in ctx.store.backend.quads(None, CONTENT_HASH, None, None)
              if q.graph_name.value.startswith(prefix)}
    return {entry.dataset: hashes[entry.graph] for entry in CatalogIndex(ctx.store).entries() if entry.graph in hashes}


def test_first_run_writes_every_record_with_provenance(partner, central):
    url = serve_paged(partner, total=7, page_size=3)
    report = harvest(central, source(url))
    assert (report.status, report.pages, report.fetched, report.written, report.rejected_count) == ("complete", 3, 7, 7, 0)
    assert set(harvested(central)) == {dataset_iri(n) for n in range(1, 8)}
    from node.catalog import PageRequest, page_triples, select_page
    from node.rdfio import to_rdflib

    page = select_page(central.index, PageRequest(per_page=100))
    graph = to_rdflib(page_triples(central.store, central.naming, page))
    sub_catalog = URIRef("http://central.test/sources/partner")
    assert (URIRef("http://central.test/catalog"), DCAT.catalog, sub_catalog) in graph
    assert (sub_catalog, DCAT.dataset, URIRef(dataset_iri(4))) in graph
    record = next(graph.subjects(URIRef("http://xmlns.com/foaf/0.1/primaryTopic"), URIRef(dataset_iri(4))))
    assert (record, RDF.type, DCAT.CatalogRecord) in graph
    assert graph.value(record, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")) == URIRef(partner.url("/catalog?page=2"))
    assert graph.value(record, DCTERMS.issued) is not None


def test_unchanged_rerun_rewrites_nothing(partner, central):
    url = serve_paged(partner, total=5, page_size=2)
    harvest(central, source(url))
    generation = central.store.generation
    again = harvest(central, source(url), full=True)
    assert (again.unchanged, again.written, again.deleted) == (5, 0, 0)
    assert central.store.generation - generation <= 1  # only the source description is refreshed


def test_changed_and_deleted_records_are_applied_after_a_complete_run(partner, central):
    url = serve_paged(partner, total=5, page_size=5)
    harvest(central, source(url))
    before = harvested(central)
    body = catalogue_turtle([1, 2, 3, 5]).replace('"Dataset 2"@en', '"Dataset 2, revised"@en')
    partner.serve("/catalog?page=1", body)
    report = harvest(central, source(url), full=True)
    assert (report.written, report.unchanged, report.deleted) == (1, 3, 1)
    after = harvested(central)
    assert set(after) == set(before) - {dataset_iri(4)}
    assert after[dataset_iri(2)] != before[dataset_iri(2)]
    assert after[dataset_iri(1)] == before[dataset_iri(1)]


def test_a_record_changed_by_a_later_run_is_updated_even_within_the_same_second(partner, central, monkeypatch):
    monkeypatch.setattr("node.harvest.run.now_iso", lambda: "2030-01-01T00:00:00Z")  # both runs, one second
    url = serve_paged(partner, total=3, page_size=3)
    harvest(central, source(url))
    partner.serve("/catalog?page=1", catalogue_turtle([1, 2, 3]).replace('"Dataset 2"@en', '"Dataset 2, revised"@en'))
    assert harvest(central, source(url), full=True).written == 1
    statuses = {q.graph_name.value: q.object.value.rsplit("/", 1)[1]
                for q in central.store.backend.quads(None, ADMS_STATUS, None, None)}
    by_dataset = {entry.dataset: statuses[entry.graph] for entry in CatalogIndex(central.store).entries()}
    assert by_dataset == {dataset_iri(1): "Created", dataset_iri(2): "Updated", dataset_iri(3): "Created"}


def test_partner_down_mid_run_leaves_the_previous_copy(partner, central):
    url = serve_paged(partner, total=6, page_size=2)
    harvest(central, source(url))
    before = harvested(central)
    partner.serve("/catalog?page=1", catalogue_turtle([1], this_page=partner.url("/catalog?page=1"),
                                                       next_page=partner.url("/catalog?page=2")).replace("Dataset 1", "Changed"))
    partner.routes["/catalog?page=2"] = Reply(b"down", content_type="text/plain", status=503)
    report = harvest(central, source(url), full=True)
    assert report.status == "failed" and "503" in report.error
    assert harvested(central) == before  # neither the change on page 1 nor any deletion landed
    assert read_reports(central.settings.data_dir, "partner")[0]["status"] == "failed"


def test_an_empty_answer_cannot_wipe_the_source_unless_forced(partner, central):
    url = serve_paged(partner, total=4, page_size=4)
    harvest(central, source(url))
    partner.serve("/catalog?page=1", catalogue_turtle([]))
    refused = harvest(central, source(url), full=True)
    assert (refused.deleted, refused.deletions_refused) == (0, 4)
    assert len(harvested(central)) == 4
    forced = harvest(central, source(url), full=True, force=True)
    assert forced.deleted == 4 and harvested(central) == {}


def test_invalid_records_are_rejected_with_reasons_and_a_good_copy_is_kept(partner, central):
    url = serve_paged(partner, total=3, page_size=3)
    harvest(central, source(url))
    good = harvested(central)[dataset_iri(2)]
    broken = catalogue_turtle([1, 2, 3]).replace('dct:title "Dataset 2"@en ; dct:description "Generated dataset 2."@en ;', "")
    partner.serve("/catalog?page=1", broken)
    report = harvest(central, source(url), full=True)
    assert report.rejected_count == 1 and report.rejected[0]["dataset"] == dataset_iri(2)
    assert any("title" in reason.lower() or "description" in reason.lower() for reason in report.rejected[0]["reasons"])
    assert harvested(central)[dataset_iri(2)] == good and report.deleted == 0


def test_warn_policy_keeps_records_with_violations(partner, central):
    broken = catalogue_turtle([1]).replace('dct:description "Generated dataset 1."@en ;', "")
    url = partner.serve("/all.ttl", broken)
    report = harvest(central, source(url, policy="warn"))
    assert (report.written, report.warnings, report.rejected_count) == (1, 1, 0)


def test_same_dataset_from_two_sources_is_reported_and_precedence_decides(partner, central):
    url = partner.serve("/a.ttl", catalogue_turtle([1, 2]))
    harvest(central, source(url, name="low", precedence=50))
    second = source(url, name="high", precedence=10)
    report = run_harvest(central, second, fetcher=make_fetcher(second))
    assert {d["dataset"] for d in report.duplicates} == {dataset_iri(1), dataset_iri(2)}
    assert all(d["kept"] == "high" for d in report.duplicates)
    holders = {e.graph.split("/graph/source/")[1].split("/")[0] for e in CatalogIndex(central.store).entries()}
    assert holders == {"high"}  # never both copies


def test_a_crash_while_applying_rolls_forward_on_the_next_start(partner, central, monkeypatch):
    url = serve_paged(partner, total=3, page_size=3)

    def die(*args, **kwargs):
        raise KeyboardInterrupt("killed mid-apply")

    monkeypatch.setattr(central.store.backend, "apply", die)  # the first write of the run is its apply
    with pytest.raises(KeyboardInterrupt):
        harvest(central, source(url))
    monkeypatch.undo()
    assert harvested(central) == {}
    assert staging_module.recover_interrupted_applies(central.store, central.settings.data_dir) == 1
    assert set(harvested(central)) == {dataset_iri(n) for n in (1, 2, 3)}


def test_a_next_link_loop_fails_the_run_without_writing(partner, central):
    page = partner.url("/loop")
    partner.serve("/loop", catalogue_turtle([1], this_page=page, next_page=page))
    report = harvest(central, source(page))
    assert report.status == "failed" and harvested(central) == {}


def test_dry_run_reports_without_writing(partner, central):
    url = partner.serve("/a.ttl", catalogue_turtle([1, 2]))
    report = harvest(central, source(url), dry_run=True)
    assert (report.status, report.fetched, report.written) == ("dry-run", 2, 2)
    assert harvested(central) == {} and not list(central.store.graph_names(central.naming.base_url + "graph/source/"))


def test_unreachable_partner_is_a_failed_run_not_a_crash(central):
    report = harvest(central, source("http://127.0.0.1:9/catalog"))
    assert report.status == "failed" and report.error


def test_private_hosts_are_refused_without_permission(central):
    src = source("http://127.0.0.1:9/catalog", allow_private_network=False)
    report = harvest(central, src)
    assert report.status == "failed" and ("private" in report.error or "loopback" in report.error)



def test_harvested_records_and_sources_dereference(partner, central):
    from node.web.app import create_app

    harvest(central, source(partner.serve("/a.ttl", catalogue_turtle([1, 2]))))
    client = create_app(context=central).test_client()
    listing = client.get("/catalog", headers={"Accept": "text/html"}).get_data(as_text=True)
    links = sorted(set(part.split('"')[0] for part in listing.split('href="datasets/partner.')[1:]))
    assert len(links) == 2
    page = client.get(f"/datasets/partner.{links[0]}", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "Dataset " in page.get_data(as_text=True)
    record = client.get(f"/datasets/partner.{links[0]}.nt").get_data(as_text=True)
    assert f"<http://central.test/datasets/partner.{links[0]}#record>" in record
    sub_catalog = client.get("/sources/partner", headers={"Accept": "text/turtle"})
    assert sub_catalog.status_code == 200 and b"Harvested from partner" in sub_catalog.data
    assert client.get("/sources/nobody").status_code == 404
    assert client.get("/datasets/partner.0123456789abcdef01234567").status_code == 404


def test_pages_answered_304_count_their_records_as_unchanged(partner, central):
    body = catalogue_turtle([1, 2, 3]).encode()

    def conditional(request):
        if request.headers.get("If-None-Match") == '"v1"':
            return Reply(b"", status=304, content_type=None, headers={"ETag": '"v1"'})
        return Reply(body, headers={"ETag": '"v1"'})

    url = partner.handle("/etag.ttl", conditional)
    harvest(central, source(url))
    again = harvest(central, source(url), full=True)
    assert (again.status, again.fetched, again.unchanged, again.written, again.deleted) == ("complete", 3, 3, 0, 0)
    assert len(harvested(central)) == 3


def test_unchanged_pages_keep_what_they_listed_last_time_not_where_records_first_came_from(partner, central):
    """Record 5 first came from page 3, then moved to page 2; when page 3 comes back byte for byte and
    page 2 drops record 5, record 5 is gone: an unchanged page vouches only for what it listed last run."""
    def serve(pages):
        for number, numbers in enumerate(pages, start=1):
            this = partner.url(f"/moving?page={number}")
            following = partner.url(f"/moving?page={number + 1}") if number < len(pages) else None
            partner.serve(f"/moving?page={number}", catalogue_turtle(numbers, this_page=this, next_page=following))
        return partner.url("/moving?page=1")

    url = serve([[1, 2], [3, 4], [5, 6]])
    assert harvest(central, source(url)).written == 6
    second = harvest(central, source(serve([[1, 2], [4, 5], [6]])), full=True)
    assert (second.status, second.written, second.unchanged, second.deleted) == ("complete", 0, 5, 1)
    third = harvest(central, source(serve([[1, 2], [4], [6]])), full=True)
    assert (third.status, third.fetched, third.unchanged, third.deleted) == ("complete", 4, 4, 1)
    assert set(harvested(central)) == {dataset_iri(n) for n in (1, 2, 4, 6)}


def test_a_store_failure_mid_run_is_a_failed_run_in_one_line(partner, central, monkeypatch, caplog):
    """A remote store that went away during a run printed a traceback and "an unexpected error"."""
    import logging

    from node.errors import StoreError
    from node.harvest import run as run_module

    def store_gone(ctx, run, page):
        raise StoreError("cannot reach the SPARQL server at (the node's store): connection refused")

    monkeypatch.setattr(run_module, "_take_page", store_gone)
    with caplog.at_level(logging.ERROR):
        report = harvest(central, source(serve_paged(partner, total=3, page_size=2)))
    assert report.status == "failed" and "cannot reach the SPARQL server" in report.error
    assert "unexpected" not in report.error
    assert not any(record.exc_info for record in caplog.records)
