"""Replicating the catalogue by its DCAT-AP Feed (`ldes-client`, npm) against crawling it (/catalog pages).

A store built by bench/feed.py (records created, then updated) is served by `ehds-node serve` on
127.0.0.1:8080 (its IRIs are http://localhost:8080/...). In the same run: (a) the reference LDES client
replicates the whole feed (`ldes-client -q`: every version of every record, deletions included); (b) a
crawler reads every /catalog page (100 records each, N-Triples) following hydra:next — the current
records only. Wall time of each and the ratio.

    python bench/feed_replication.py --ldes-client PATH [--records 10000] [--versions 2]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

import pyoxigraph as ox
import requests

from bench.feed import build

ROOT = "http://localhost:8080/"
NEXT = "http://www.w3.org/ns/hydra/core#next"


def crawl() -> tuple[int, int]:
    url, pages, datasets = ROOT + "catalog?per_page=100", 0, 0
    with requests.Session() as session:
        while url:
            body = session.get(url, headers={"Accept": "application/n-triples"}, timeout=60).content
            pages += 1
            url = None
            for quad in ox.parse(body, format=ox.RdfFormat.N_TRIPLES):
                if quad.predicate.value == NEXT:
                    url = quad.object.value
                elif quad.predicate.value == "http://www.w3.org/ns/dcat#dataset":
                    datasets += 1
    return pages, datasets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ldes-client", required=True)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--versions", type=int, default=2)
    args = parser.parse_args()
    data_dir = build(args.records, args.versions)
    server = subprocess.Popen([sys.executable, "-m", "node", "serve", "--data", str(data_dir), "--host", "127.0.0.1",
                               "--port", "8080", "--base-url", ROOT], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            try:
                requests.get(ROOT + "catalog?per_page=1", timeout=60)
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        started = time.perf_counter()
        done = subprocess.run([args.ldes_client, "-q", ROOT + "feed"], capture_output=True, timeout=3600)
        feed_seconds = time.perf_counter() - started
        assert done.returncode == 0, done.stderr[-2000:]
        started = time.perf_counter()
        pages, datasets = crawl()
        crawl_seconds = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    changes = args.records * args.versions
    print(f"{args.records:,} records, {changes:,} changes")
    print(f"  ldes-client, whole feed ({changes:,} members): {feed_seconds:.1f} s")
    print(f"  crawl of /catalog ({pages} pages, {datasets:,} datasets): {crawl_seconds:.1f} s")
    print(f"  ratio feed / crawl: {feed_seconds / crawl_seconds:.2f}")


if __name__ == "__main__":
    main()
