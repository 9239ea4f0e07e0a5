"""A record write with the change log against the same write without it (issue 11: target < 10 % more).

Two on-disk stores on the same machine, the same generated records (bench/catalog_records.py, ~45
stored triples each with the node's catalogue record, index terms and published form). Each record is
written as a PUT writes it: one transaction replacing one graph. "with log" goes through the
RecordStore (old version read, entry built and written in the same transaction); "without" is the
same RecordStore write with logging off (`logged=False`, as a rebase writes). Creates first, then updates of every record; the two
stores take turns in blocks so that machine noise hits both alike. Then the same comparison for whole
PUT requests through the write API (the record parsed and validated, as a steward's write is).

    python bench/changelog.py [--records 2000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from bench.catalog_records import BASE, dataset_triples
from node.records import Naming, stored_record
from node.store.base import GraphChange
from node.store.oxigraph import OxigraphStore
from node.store.records import RecordStore


def changes(naming: Naming, count: int, modified: str) -> list[GraphChange]:
    rng = random.Random(7)
    out = []
    for i in range(count):
        dataset, triples = dataset_triples(i, rng)
        stored = stored_record(naming, f"gen-{i}", dataset.value, triples, "2026-01-01T00:00:00Z", modified)
        out.append(GraphChange(naming.local_graph(f"gen-{i}"), tuple(stored)))
    return out


def timed_writes(write, batch: list[GraphChange]) -> list[float]:
    times = []
    for change in batch:
        start = time.perf_counter()
        write([change])
        times.append(time.perf_counter() - start)
    return times


def put_round(records: int, logged: bool, folder: str) -> list[float]:
    """PUT every bundled-like record through the write API (parse, validate, write), timed per request."""
    from node.config import Settings
    from node.context import open_node
    from node.web.app import create_app
    from tests.publish.sample_records import renamed, turtle

    ctx = open_node(Settings(base_url=BASE, data_dir=Path(folder) / ("put-logged" if logged else "put-plain"),
                             api_token="t"))
    if not logged:
        ctx.store._entries_for = lambda changes, run: []  # the same write, no entry
    client = create_app(context=ctx).test_client()
    headers = {"Content-Type": "text/turtle", "Authorization": "Bearer t"}
    times = []
    for i in range(records):
        body = turtle(renamed("snds", f"copy-{i}"))
        start = time.perf_counter()
        assert client.put(f"/datasets/copy-{i}", data=body, headers=headers).status_code == 201
        times.append(time.perf_counter() - start)
    ctx.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--block", type=int, default=100)
    parser.add_argument("--puts", type=int, default=150)
    args = parser.parse_args()
    naming = Naming(BASE)
    with tempfile.TemporaryDirectory() as folder:
        logged = RecordStore(OxigraphStore(Path(folder) / "logged"), naming)
        plain = RecordStore(OxigraphStore(Path(folder) / "plain"), naming)
        results: dict[str, list[float]] = {"with log": [], "without": []}
        for phase, modified in (("create", "2026-02-01T00:00:00Z"), ("update", "2026-03-01T00:00:00Z")):
            writes = changes(naming, args.records, modified)
            for start in range(0, len(writes), args.block):
                block = writes[start:start + args.block]
                results["with log"] += timed_writes(logged.apply, block)
                results["without"] += timed_writes(lambda c: plain.apply(c, logged=False), block)
        entries = logged.last_sequence()
        logged.close()
        plain.close()
    median = {name: statistics.median(times) * 1000 for name, times in results.items()}
    total = {name: sum(times) for name, times in results.items()}
    print(f"records: {args.records}, writes per store: {len(results['without'])}, change-log entries: {entries}")
    for name in results:
        print(f"  {name:9s} median {median[name]:.3f} ms/write, total {total[name]:.2f} s")
    print(f"ratio with/without: median {median['with log'] / median['without']:.3f}, "
          f"total {total['with log'] / total['without']:.3f}")
    with tempfile.TemporaryDirectory() as folder:
        put = {"with log": [], "without": []}
        for _ in range(3):  # turns, so that noise hits both
            put["without"] += put_round(args.puts // 3, False, folder + f"/{_}")
            put["with log"] += put_round(args.puts // 3, True, folder + f"/{_}")
    put_median = {name: statistics.median(times) * 1000 for name, times in put.items()}
    print(f"PUT /datasets/<id> (parse, validate, write), {len(put['without'])} each:")
    for name in put:
        print(f"  {name:9s} median {put_median[name]:.2f} ms/request")
    print(f"ratio with/without: median {put_median['with log'] / put_median['without']:.3f}")


if __name__ == "__main__":
    main()
