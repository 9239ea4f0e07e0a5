"""The query workers' read checkpoints: a query sees every write finished before it, and
checkpoints no worker uses any more are deleted (a store written all day must not fill the disk)."""

import pyoxigraph as ox
import pytest

from node.store.base import GraphChange
from node.store.oxigraph import OxigraphStore

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
CSV = "text/csv"


def write(store, graph: str, triples: int) -> None:
    rows = tuple(ox.Triple(ox.NamedNode(f"http://example.org/s{i}"), ox.NamedNode("http://example.org/p"),
                           ox.Literal(str(i))) for i in range(triples))
    store.apply([GraphChange(graph, rows)])


def test_each_query_sees_earlier_writes_and_old_checkpoints_are_deleted(tmp_path):
    store = OxigraphStore(tmp_path / "store")
    checkpoints = tmp_path / "store.snapshots"
    try:
        for size in (1, 3, 2):
            write(store, "http://example.org/g", size)
            assert store.query(COUNT, CSV, timeout=10).body.split() == [b"n", str(size).encode()]
            assert store.query(COUNT, CSV, timeout=10).body.split() == [b"n", str(size).encode()]
            assert len(list(checkpoints.iterdir())) == 1  # the current one; the worker left the older
    finally:
        store.close()
    assert not checkpoints.exists()


def test_an_answer_is_bounded_in_bytes_whatever_the_guard_read(monkeypatch):
    """The row cap rewrites a LIMIT the tokenizer found; the answer's size is bounded as it is written,
    so a query that misleads the tokenizer still cannot make the worker hold an unbounded answer."""
    from node.errors import QueryRefused
    from node.store import query_exec

    monkeypatch.setattr(query_exec, "MAX_ANSWER_BYTES", 5_000)
    store = OxigraphStore()  # in memory: the query runs in this process, with the patched bound
    store.apply([GraphChange("http://g/1", tuple(ox.Triple(ox.NamedNode(f"http://e/{n}"), ox.NamedNode("http://p"),
                                                         ox.Literal("x" * 50)) for n in range(200)))])
    with pytest.raises(QueryRefused, match="larger than 5000 bytes"):
        store.query("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", "application/sparql-results+json", timeout=10)
    assert store.query("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 5", "application/sparql-results+json",
                       timeout=10).body
