"""Facet counts come from a value → graphs map read once and kept up to date from each write: a new
filter combination counts in memory (at 100,000 records a first filtered page scanned the store for
7-8 s), and the counts always equal a fresh read of the store."""

from node.catalog_index import FACETS, SOURCE_FACET, CatalogIndex, Selection
from node.records import delete, publish
from tests.catalog.test_index import snds_copy

ALL = (*FACETS, SOURCE_FACET)


def fresh_counts(node, selection):
    return {name: CatalogIndex(node.store).facet_counts(selection, name) for name in ALL}


def every_filter(node):
    """No filter, and each facet value the catalogue has, alone."""
    yield Selection()
    for name in FACETS:
        for value, _ in CatalogIndex(node.store).facet_counts(Selection(), name):
            yield Selection(facets=((name, value),))


def test_counts_after_writes_equal_a_fresh_read(node):
    index = node.index
    before = {s: {n: index.facet_counts(s, n) for n in ALL} for s in every_filter(node)}
    assert before[Selection()]["theme"]
    publish(node.store, node.naming, "copy-a", snds_copy(node, "copy-a"), node.validate)
    delete(node.store, node.naming, "oscour")
    for selection in every_filter(node):
        assert {n: index.facet_counts(selection, n) for n in ALL} == fresh_counts(node, selection), selection
    assert {n: index.facet_counts(Selection(), n) for n in ALL} != before[Selection()]


def test_a_new_filter_counts_without_scanning_the_store(node, monkeypatch):
    node.index.warm_up()
    expected = {s: fresh_counts(node, s) for s in every_filter(node)}

    def no_scan(*args, **kwargs):
        raise AssertionError("a filtered facet count scanned the store")

    monkeypatch.setattr(node.store, "index_term_values", no_scan)
    for selection, counts in expected.items():
        assert {n: node.index.facet_counts(selection, n) for n in ALL} == counts


def test_filtered_counts_are_the_records_the_filter_keeps(node):
    """Oracle: count by reading each selected record's own index terms."""
    for selection in every_filter(node):
        graphs = {e.graph for e in node.index.select(selection)}
        for name in FACETS:
            if any(n == name for n, _ in selection.facets):
                continue  # a facet's own counts ignore its own filter
            counted = {}
            for graph in graphs:
                for value in set(node.store.index_values(FACETS[name], graph)):
                    counted[value] = counted.get(value, 0) + 1
            assert dict(node.index.facet_counts(selection, name, limit=1000)) == counted, (selection, name)
