"""Fetching + splitting a large paged DCAT catalogue: our dcat harvester vs plain requests + pyoxigraph.

    .venv/bin/python bench/harvest_fetch.py [--datasets 100000] [--page-size 100]

A generated catalogue (Hydra-paged Turtle, 19 triples per dataset) is served on loopback by this
process; each mode runs in its own child process, which reports its wall time and peak RSS:
- baseline: requests.get of each page, pyoxigraph.parse, find hydra:next; nothing else;
- harvester: DcatHarvester through the guarded Fetcher (caps, logging, address guard), splitting
  every page into records.
Modes run interleaved twice (best of two counts). Memory is checked for flatness by also running
the harvester on a tenth of the catalogue.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NEXT = "http://www.w3.org/ns/hydra/core#next"


def serve(total: int, page_size: int):
    from tests.harvesters.catalogues import catalogue_turtle
    from tests.harvesters.partner_server import PartnerServer, Reply

    server = PartnerServer()
    pages = -(-total // page_size)
    cache: dict[int, bytes] = {}

    def page(request):
        number = int(request.query["page"])
        if number not in cache:
            numbers = range((number - 1) * page_size + 1, min(number * page_size, total) + 1)
            this = server.url(f"/catalog?page={number}")
            following = server.url(f"/catalog?page={number + 1}") if number < pages else None
            cache[number] = catalogue_turtle(numbers, this_page=this, next_page=following).encode()
        return Reply(cache[number])

    server.handle("/catalog", page)
    return server


def run_baseline(url: str) -> dict:
    import pyoxigraph as ox
    import requests

    session, pages, triples = requests.Session(), 0, 0
    while url:
        response = session.get(url, headers={"Accept": "text/turtle"}, timeout=30)
        response.raise_for_status()
        quads = list(ox.parse(response.content, format=ox.RdfFormat.TURTLE, base_iri=url))
        pages, triples = pages + 1, triples + len(quads)
        url = next((q.object.value for q in quads if q.predicate.value == NEXT), None)
    return {"pages": pages, "triples": triples}


def run_harvester(url: str) -> dict:
    from harvesters import harvester_for
    from node.config import SourceConfig
    from node.fetch import Fetcher

    source = SourceConfig(name="bench", kind="dcat", url=url, allow_private_network=True, max_pages=1_000_000)
    pages = records = triples = 0
    with Fetcher(source) as fetcher:
        for page in harvester_for(source, fetcher).pages():
            pages, records = pages + 1, records + len(page.records)
            triples += sum(len(r.triples) for r in page.records)
    return {"pages": pages, "records": records, "record_triples": triples}


def child(mode: str, url: str) -> None:
    import harvesters  # noqa: F401  (imports are not what we measure)
    import pyoxigraph  # noqa: F401
    import requests  # noqa: F401

    started = time.perf_counter()
    counts = run_baseline(url) if mode == "baseline" else run_harvester(url)
    seconds = time.perf_counter() - started
    peak_mb = peak_rss_mb()
    print(json.dumps({"mode": mode, "seconds": seconds, "peak_rss_mb": peak_mb, **counts}))


def peak_rss_mb() -> float:
    """VmHWM of this process (ru_maxrss would include the forking parent's pages on Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(mode: str, url: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", mode, url], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--datasets", type=int, default=100_000)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--child", nargs=2, metavar=("MODE", "URL"))
    args = parser.parse_args()
    if args.child:
        return child(*args.child)
    small, large = serve(args.datasets // 10, args.page_size), serve(args.datasets, args.page_size)
    try:
        measure("baseline", small.url("/catalog?page=1"))  # warm the page cache of both servers
        measure("baseline", large.url("/catalog?page=1"))
        # Interleaved, best of two: a shared machine's load hits both modes alike.
        runs = [measure(mode, large.url("/catalog?page=1")) for _ in range(2) for mode in ("baseline", "harvester")]
        baseline = min((r for r in runs if r["mode"] == "baseline"), key=lambda r: r["seconds"])
        ours = min((r for r in runs if r["mode"] == "harvester"), key=lambda r: r["seconds"])
        ours_small = measure("harvester", small.url("/catalog?page=1"))
    finally:
        small.close()
        large.close()
    for row in (baseline, ours, ours_small):
        print(json.dumps(row))
    print(f"harvester / baseline time: {ours['seconds'] / baseline['seconds']:.2f}x "
          f"({ours['seconds']:.1f} s vs {baseline['seconds']:.1f} s for {ours['pages']} pages, "
          f"{ours['records']} records)")
    print(f"peak RSS: harvester {ours['peak_rss_mb']:.0f} MB for {args.datasets} datasets, "
          f"{ours_small['peak_rss_mb']:.0f} MB for {args.datasets // 10}; baseline {baseline['peak_rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
