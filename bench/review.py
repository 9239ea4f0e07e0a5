"""`ehds-node review` at scale: N synthetic records (50 publishers, dct:modified 2020) in an in-memory
store, reviewed once with their change-log entries (none late) and once with the log pruned (every record
late, dated by dct:modified). Prints time per record and the Python heap's peak (tracemalloc: the store's
own memory is Rust's and not counted).

    PYTHONPATH=. python bench/review.py 100000
"""

from __future__ import annotations

import sys
import time
import tracemalloc

import pyoxigraph as ox

from node.config import Settings
from node.context import open_node
from node.records import stored_record
from node.review import by_holder, cutoff, late_records
from node.store.base import GraphChange

DCT, FOAF = "http://purl.org/dc/terms/", "http://xmlns.com/foaf/0.1/"
RDF_TYPE, DATASET = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "http://www.w3.org/ns/dcat#Dataset"
DATE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")


def record(naming, number: int) -> GraphChange:
    record_id = f"r{number}"
    dataset, agent = ox.NamedNode(naming.dataset(record_id)), ox.NamedNode(f"{naming.base_url}agents/a{number % 50}")
    triples = [ox.Triple(dataset, ox.NamedNode(RDF_TYPE), ox.NamedNode(DATASET)),
               ox.Triple(dataset, ox.NamedNode(DCT + "title"), ox.Literal(f"Dataset {number}", language="en")),
               ox.Triple(dataset, ox.NamedNode(DCT + "publisher"), agent),
               ox.Triple(agent, ox.NamedNode(FOAF + "name"), ox.Literal(f"Agent {number % 50}", language="en")),
               ox.Triple(dataset, ox.NamedNode(DCT + "modified"), ox.Literal("2020-01-01", datatype=DATE))]
    stored = stored_record(naming, record_id, dataset.value, triples, "2020-01-01T00:00:00Z", "2020-01-01T00:00:00Z")
    return GraphChange(naming.local_graph(record_id), tuple(stored))


def main(count: int) -> None:
    ctx = open_node(Settings(load_bundled_catalogue=False), in_memory=True)
    started = time.perf_counter()
    for first in range(0, count, 1000):
        ctx.store.apply([record(ctx.naming, n) for n in range(first, min(count, first + 1000))])
    print(f"built {count} records in {time.perf_counter() - started:.1f} s")
    for label, prune in (("change log kept, none late", False), ("change log pruned, all late", True)):
        if prune:
            ctx.store.prune_changes("9999")
        tracemalloc.start()
        started = time.perf_counter()
        groups = by_holder(late_records(ctx.store, ctx.naming, ctx.index.entries(), cutoff("2026-01-01")))
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        late = sum(len(records) for _, _, records in groups)
        print(f"{label}: {late} late in {len(groups)} holders, {elapsed:.1f} s ({elapsed / count * 1e6:.0f} µs a record), "
              f"Python heap peak {peak / 1e6:.1f} MB")
    ctx.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
