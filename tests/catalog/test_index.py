"""The catalogue order kept up to date from each write equals a fresh read of the store."""

from node.catalog_index import CatalogIndex, Selection
from node.records import delete, publish
from node.store.base import GraphChange


def snds_copy(node, record_id):
    from node import rdfio
    from node.catalog import dataset_triples

    text = rdfio.serialize(dataset_triples(node.store, node.naming, "snds"), "application/n-triples").decode()
    triples = rdfio.parse_triples(text.replace("/datasets/snds", f"/datasets/{record_id}").encode(),
                                  "application/n-triples")
    return [t for t in triples if "#record" not in t.subject.value and not t.subject.value.endswith("/catalog")]


def test_incremental_order_matches_a_fresh_read(node):
    index = node.index
    assert len(index.entries()) == 6
    publish(node.store, node.naming, "copy-a", snds_copy(node, "copy-a"), node.validate, now="2031-01-01T00:00:00Z")
    publish(node.store, node.naming, "copy-b", snds_copy(node, "copy-b"), node.validate, now="2030-01-01T00:00:00Z")
    delete(node.store, node.naming, "oscour")
    publish(node.store, node.naming, "copy-a", snds_copy(node, "copy-a"), node.validate, now="2032-01-01T00:00:00Z")
    incremental = index.entries()
    assert incremental == CatalogIndex(node.store).entries()
    ids = [e.graph.rsplit("/", 1)[1] for e in incremental]
    assert ids[-2:] == ["copy-b", "copy-a"] and "oscour" not in ids  # order of first publication
    assert [e.modified for e in incremental if e.graph.endswith("copy-a")] == ["2032-01-01T00:00:00Z"]
    assert index.select(Selection(modified_since="2031-06-01T00:00:00Z"))[0].graph.endswith("copy-a")


def test_unknown_writes_fall_back_to_a_full_read(node):
    index = node.index
    index.entries()
    node.store.backend.update("DROP GRAPH <http://localhost:8080/graph/local/hydro>")  # the store cannot say what changed
    assert len(index.entries()) == 5
    node.store.apply([GraphChange("http://localhost:8080/graph/local/snds", None)])
    assert len(index.entries()) == 4 == len(CatalogIndex(node.store).entries())


def test_warm_up_leaves_the_first_catalogue_page_nothing_to_scan(node, monkeypatch):
    from node.catalog_index import FACETS, SOURCE_FACET, Selection

    node.index.warm_up()

    def no_scan(*args, **kwargs):
        raise AssertionError("the facet counts were not ready")

    monkeypatch.setattr(node.store, "index_term_values", no_scan)
    counts = {name: node.index.facet_counts(Selection(), name) for name in (*FACETS, SOURCE_FACET)}
    assert counts["theme"] and counts[SOURCE_FACET] == [("local", 6)]


def test_a_web_worker_warms_its_index_as_serve_does(tmp_path, monkeypatch):
    """`serve --workers N`: each worker's app (node.cli.serve_workers.worker_app) warms its own index in
    the background, so its first catalogue page finds the facet counts ready (as one-process serve)."""
    import threading

    from node.catalog_index import FACETS, SOURCE_FACET, Selection
    from node.cli.serve_workers import worker_app
    from node.config import Settings
    from tests.conftest import BASE_URL

    app = worker_app(Settings(base_url=BASE_URL, data_dir=tmp_path / "data"))  # the bundled six records
    ctx = app.config["NODE"]
    try:
        for thread in threading.enumerate():
            if thread.name == "warm-up":
                thread.join(timeout=60)

        def no_scan(*args, **kwargs):
            raise AssertionError("the facet counts were not ready")

        monkeypatch.setattr(ctx.store, "index_term_values", no_scan)
        counts = {name: ctx.index.facet_counts(Selection(), name) for name in (*FACETS, SOURCE_FACET)}
        assert counts["theme"] and counts[SOURCE_FACET] == [("local", 6)]
        listing = app.extensions["ehds.oai.listing"]  # and /oai's listing is built (no change-log read left)
        assert len(listing.items()) == 6
    finally:
        ctx.close()
