"""The DCAT-AP Feed at scale (issue 11): 100,000 records, 300,000 changes; pages under 50 ms?

A store is generated once under bench/out/ (the records of bench/catalog_records.py, each created then
updated twice: 300,000 change-log entries, each with its version as payload). The entries are written
straight through the backend in bulk (not one PUT at a time: that would take an hour), in exactly the
layout the record store writes (node.store.changelog.entry_triples). Then, through the Flask app in
this process (no HTTP), the median time of: the feed's root, an index node, the newest page, a page in
the middle, and — the peer in the same run — a catalogue page of the same 100 records' published forms.

    python bench/feed.py [--records 100000] [--versions 3] [--repeat 20]
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import time
from pathlib import Path

import pyoxigraph as ox

from bench.catalog_records import BASE, record_quads
from node.config import Settings
from node.context import open_node
from node.records import Naming
from node.store import changelog
from node.store.changelog import ChangeEntry

OUT = Path(__file__).parent / "out"
TRIG = "application/trig"


def build(records: int, versions: int) -> Path:
    data_dir = OUT / f"feed-{records}x{versions}"
    if (data_dir / "COMPLETE").exists():
        return data_dir
    shutil.rmtree(data_dir, ignore_errors=True)
    started = time.perf_counter()
    ctx = open_node(Settings(base_url=BASE, data_dir=data_dir, load_bundled_catalogue=False))
    raw, naming, rng = ctx.store.backend._store, Naming(BASE), random.Random(records)
    sequence = 0
    batch: list[ox.Quad] = []
    for version in range(versions):
        for i in range(records):
            quads = list(record_quads(naming, i, rng)) if version == 0 else []
            payload = next((q.object.value for q in quads if q.predicate.value.endswith("publishedForm")), None) \
                or f"<{BASE}datasets/gen-{i}> <http://purl.org/dc/terms/title> \"version {version}\" .\n"
            sequence += 1
            graph = naming.local_graph(f"gen-{i}")
            entry = ChangeEntry(sequence, f"2026-{1 + version * 4:02d}-01T00:00:{i % 60:02d}.{i % 1000:03d}Z",
                                "create" if version == 0 else "update", f"{BASE}datasets/gen-{i}", graph, "local",
                                changelog.content_hash(payload), None, payload)
            name = ox.NamedNode(changelog.entry_iri(BASE, sequence))
            batch += quads + [ox.Quad(t.subject, t.predicate, t.object, name)
                              for t in changelog.entry_triples(BASE, entry)]
            if len(batch) > 200_000:
                raw.bulk_extend(batch)
                batch = []
    raw.bulk_extend(batch)
    raw.flush()
    ctx.close()
    (data_dir / "COMPLETE").write_text(f"{sequence}\n")
    print(f"# built {records:,} records, {sequence:,} changes in {time.perf_counter() - started:.0f} s")
    return data_dir


def median_ms(client, url: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url, headers={"Accept": TRIG if "feed" in url else "text/turtle"})
        assert response.status_code == 200, (url, response.status_code)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--versions", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    data_dir = build(args.records, args.versions)
    from node.feed import PAGE_SIZE
    from node.web.app import create_app

    ctx = open_node(Settings(base_url=BASE, data_dir=data_dir, load_bundled_catalogue=False,
                             change_retention_days=36500))
    try:
        last = ctx.store.last_sequence()
        pages = -(-last // PAGE_SIZE)
        client = create_app(context=ctx).test_client()
        client.get("/catalog?per_page=1")  # the catalogue index, read once (not timed)
        urls = {"feed root": "/feed", "index node 1": "/feed/index/1", f"page {pages} (newest)": f"/feed/page/{pages}",
                f"page {pages // 2} (middle)": f"/feed/page/{pages // 2}", "page 1 (oldest)": "/feed/page/1",
                "peer: /catalog page of 100 records": f"/catalog?page={max(1, args.records // 200)}&per_page=100"}
        print(f"## {args.records:,} records, {last:,} changes, {pages:,} feed pages of {PAGE_SIZE}")
        print("| document | median ms |\n|---|---:|")
        for name, url in urls.items():
            print(f"| {name} | {median_ms(client, url, args.repeat):.1f} |")
    finally:
        ctx.close()


if __name__ == "__main__":
    main()
