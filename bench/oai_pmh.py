"""OAI-PMH ListRecords at scale (issue 12): a page of 100 records under 100 ms, memory flat in the records?

Reuses bench/feed.py's store (bench/out/feed-<records>x<versions>: the records of bench/catalog_records.py,
each created then updated, every change in the change log), so every record has a change-log datestamp.
Each size runs in a child process of its own (peak RSS is per process), on a copy of the store. Through the Flask app in that
process (no HTTP), it walks, following the resumption tokens:
- a full harvest: ListRecords metadataPrefix=dcat_ap from the start to the end (every page);
- an incremental harvest: the same with `from` = the last second of the newest version (1/60 of the records);
- one page of oai_dc, one GetRecord.
It reports the first request (which reads the change log into the listing), the time per page (median,
p95, max) and the peak RSS after opening the node, after the first page and after the whole walk.

    python bench/oai_pmh.py [--sizes 1000,10000,100000] [--versions 3]
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OAI = "{http://www.openarchives.org/OAI/2.0/}"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def python_blocks() -> int:
    """Objects alive in Python's allocator after a collection: what the node itself keeps (RSS also
    holds the store's caches, which fill as more of the store is read)."""
    gc.collect()
    return sys.getallocatedblocks()


def walk(client, first: dict, verb: str = "ListRecords") -> tuple[list[float], list[float], int]:
    """Every page of a list: the wall and CPU time of each page (the machine may be shared: CPU time is
    what the page costs this process), and the number of items."""
    import xml.etree.ElementTree as ET

    times, cpu, items, query = [], [], 0, first
    while query:
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get("/oai", query_string=query)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        root = ET.fromstring(response.data)
        listing = root.find(f"{OAI}{verb}")
        assert listing is not None, response.data[:500]
        items += len(listing.findall(f"{OAI}record")) + len(listing.findall(f"{OAI}header"))
        token = listing.findtext(f"{OAI}resumptionToken")
        query = {"verb": verb, "resumptionToken": token} if token else None
    return times, cpu, items


def summary(times: list[float], cpu: list[float]) -> dict:
    ordered = sorted(times)
    return {"pages": len(times), "median_ms": round(statistics.median(ordered), 1),
            "p95_ms": round(ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)], 1), "max_ms": round(ordered[-1], 1),
            "cpu_median_ms": round(statistics.median(cpu), 1)}


def refresh_after_write(client, records: int) -> float:
    """One record deleted (DELETE: no validation of the generated records), then the first /oai request:
    the listing reads the new log entry and is rebuilt from the index (what a request pays once after
    any write)."""
    response = client.delete(f"/datasets/gen-{records // 2}", headers={"Authorization": "Bearer bench"})
    assert response.status_code in (200, 204), response.get_data(as_text=True)[:300]
    started = time.perf_counter()
    client.get("/oai", query_string={"verb": "Identify"})
    return round((time.perf_counter() - started) * 1000, 1)


def measure(records: int, versions: int) -> dict:
    """In this (child) process: open the node on the bench store and harvest it."""
    sys.path.insert(0, str(ROOT))
    from bench.catalog_records import BASE
    from bench.feed import build
    from node.config import Settings
    from node.context import open_node
    from node.web.app import create_app

    data_dir = Path(tempfile.mkdtemp(prefix="oai-bench-")) / "data"
    shutil.copytree(build(records, versions), data_dir)  # the bench deletes a record: never in the cached store
    ctx = open_node(Settings(base_url=BASE, data_dir=data_dir, load_bundled_catalogue=False,
                             change_retention_days=36500, oai_page_size=100, api_token="bench"))
    try:
        client = create_app(context=ctx).test_client()
        client.get("/catalog?per_page=1")  # the catalogue index, read once (not timed: every route needs it)
        result = {"records": records, "changes": ctx.store.last_sequence(), "rss_open_mb": round(peak_mb())}
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get("/oai", query_string={"verb": "Identify"})  # reads the change log into the OAI listing
        result["listing_ms"] = round((time.perf_counter() - started) * 1000)
        result["listing_cpu_ms"] = round((time.process_time() - started_cpu) * 1000)
        result["rss_listing_mb"] = round(peak_mb())
        result["py_blocks_listing"] = python_blocks()
        full_times, full_cpu, full_items = walk(client, {"verb": "ListRecords", "metadataPrefix": "dcat_ap"})
        result["full"] = {"items": full_items, **summary(full_times, full_cpu)}
        result["rss_after_full_mb"] = round(peak_mb())
        result["py_blocks_after_full"] = python_blocks()
        since = f"2026-{1 + (versions - 1) * 4:02d}-01T00:00:59Z"  # bench/feed.py's newest version, last second
        inc_times, inc_cpu, inc_items = walk(client, {"verb": "ListRecords", "metadataPrefix": "dcat_ap",
                                                      "from": since})
        result["incremental"] = {"from": since, "items": inc_items, **summary(inc_times, inc_cpu)}
        ids_times, ids_cpu, _ = walk(client, {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "from": since},
                                     "ListIdentifiers")
        result["list_identifiers"] = summary(ids_times, ids_cpu)
        started = time.perf_counter()
        client.get("/oai", query_string={"verb": "ListRecords", "metadataPrefix": "oai_dc"})
        result["oai_dc_page_ms"] = round((time.perf_counter() - started) * 1000, 1)
        result["refresh_after_write_ms"] = refresh_after_write(client, records)
        result["rss_end_mb"] = round(peak_mb())
    finally:
        ctx.close()
        shutil.rmtree(data_dir.parent, ignore_errors=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--versions", type=int, default=3)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.versions)))
        return
    for size in (int(s) for s in args.sizes.split(",")):
        out = subprocess.run([sys.executable, __file__, "--child", str(size), "--versions", str(args.versions)],
                             capture_output=True, text=True, cwd=ROOT, check=True)
        print(out.stdout.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    main()
