"""Harvesting a large paged DCAT-AP catalogue into a fresh node, against fetching + parsing it plainly.

    .venv/bin/python bench/harvest.py [--sizes 1000,10000] [--page-size 100] [--profile]

The catalogue (bench/harvest_server.py: 30-triple DCAT-AP 3 records that conform to `dcat-ap-3`,
Hydra `hydra:next` paging) is generated once under bench/out/harvest/ and served on 127.0.0.1 by a
separate process. For each size, every phase runs in its own child process, which reports its wall
time and peak RSS (VmHWM); imports, opening the node and compiling the shapes are not timed:
- baseline: requests.Session GET of every page + pyoxigraph.parse + find hydra:next (twice, best kept);
- store floor: the same, plus writing the parsed triples into a fresh on-disk pyoxigraph Store
  (`bulk_extend`, one call a page): what only writing the partner's own triples costs here;
- harvest: `run_harvest` of a `dcat` source, profile dcat-ap-3, into a fresh node
  (`Settings(load_bundled_catalogue=False, data_dir=<tmp>)`): fetch, split, hash, validate, stage,
  bulk-load — everything an operator waits for;
- re-harvest, nothing changed, `full=True`, three times: `304` with the partner's ETags (conditional
  GETs); the same bytes without validators (`/plain/`: page digests); pages that differ on every
  request by a generation time (`/volatile/`), where only the records' content hashes do the work.
Targets (issue 6): harvest within 1.5x of the baseline, an unchanged re-harvest >= 5x faster than the
first, peak RSS flat in the number of pages. `--profile` also runs the harvest and the hash-only
re-harvests of the largest size under cProfile and prints the time per step (and, for the harvest,
the top 25 functions by cumulative time).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from harvest_server import catalogue_dir  # noqa: E402

SOURCE = "partner"
# Steps of a run, as (label, file, function) for the profile breakdown; nested steps are indented.
STEPS = (
    ("fetch (Fetcher.get)", "node/fetch", "get"),
    ("parse (parse_rdf)", "harvesters/base.py", "parse_rdf"),
    ("split into records (split_records)", "harvesters/records.py", "split_records"),
    ("duplicate lookups (_wins_over_duplicates)", "node/harvest/run.py", "_wins_over_duplicates"),
    ("content hash (content_hash)", "node/harvest/provenance.py", "content_hash"),
    ("validation, per record (Validator.validate)", "node/validation/validator.py", "validate"),
    ("validation, per page (Validator.validate_records)", "node/validation/validator.py", "validate_records"),
    ("first-seen lookup (_issued)", "node/harvest/run.py", "_issued"),
    ("record + provenance triples (harvested_record_triples)", "node/harvest/provenance.py",
     "harvested_record_triples"),
    ("staging write (Staging.add)", "node/harvest/staging.py", "add"),
    ("existing hashes (_existing_hashes)", "node/harvest/run.py", "_existing_hashes"),
    ("pages, records included (_take_page)", "node/harvest/run.py", "_take_page"),
    ("apply: journal, blocks of whole graphs (Staging.commit)", "node/harvest/staging.py", "commit"),
    ("  one transaction a block, with its log entries (RecordStore.apply)", "node/store/records.py", "apply"),
    ("  the SPARQL Update of a block (OxigraphStore.apply)", "node/store/oxigraph.py", "apply"),
    ("whole run (run_harvest)", "node/harvest/run.py", "run_harvest"),
)


# -- child processes: one phase each ------------------------------------------------------------

def run_baseline(url: str) -> dict:
    """requests GET + pyoxigraph.parse of every page: the same baseline as bench/harvest_fetch.py."""
    from harvest_fetch import run_baseline as fetch_and_parse

    started = time.perf_counter()
    counts = fetch_and_parse(url)
    return {"seconds": time.perf_counter() - started, **counts}


def run_store_floor(url: str, data_dir: str) -> dict:
    """Fetch + parse + write the partner's triples into an on-disk store: the floor of any harvest."""
    import pyoxigraph as ox
    import requests

    from harvest_fetch import NEXT

    store = ox.Store(data_dir)
    started = time.perf_counter()
    session, pages, quads = requests.Session(), 0, 0
    while url:
        response = session.get(url, headers={"Accept": "text/turtle"}, timeout=30)
        response.raise_for_status()
        page = list(ox.parse(response.content, format=ox.RdfFormat.TURTLE, base_iri=url))
        store.bulk_extend(page)
        pages, quads = pages + 1, quads + len(page)
        url = next((q.object.value for q in page if q.predicate.value == NEXT), None)
    store.flush()
    return {"seconds": time.perf_counter() - started, "pages": pages, "quads": quads}


def run_harvest_phase(url: str, data_dir: str, full: bool, profile_to: str | None) -> dict:
    from node.config import Settings, SourceConfig
    from node.context import open_node
    from node.harvest import run_harvest

    ctx = open_node(Settings(load_bundled_catalogue=False, data_dir=Path(data_dir)))
    source = SourceConfig(name=SOURCE, kind="dcat", url=url, profile="dcat-ap-3", allow_private_network=True,
                          max_pages=1_000_000)
    compile_seconds = _warm_validator(source.profile)
    rss_before = _status_mb("VmRSS")
    profiler = _start_profiler() if profile_to else None
    started = time.perf_counter()
    report = run_harvest(ctx, source, full=full)
    seconds = time.perf_counter() - started
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile_to)
    stored = _stored_records(ctx)
    ctx.close()
    return {"seconds": seconds, "rss_before_mb": rss_before, "compile_seconds": compile_seconds,
            "stored": stored, **{k: getattr(report, k) for k in (
                "status", "pages", "fetched", "written", "unchanged", "warnings", "deleted", "error")},
            "rejected": report.rejected_count}


def _warm_validator(profile: str) -> float:
    """Compile the shapes before the clock starts (a serving node has them compiled already)."""
    from node.validation import Validator

    started = time.perf_counter()
    Validator.for_profile(profile)
    return time.perf_counter() - started


def _start_profiler():
    import cProfile

    profiler = cProfile.Profile()
    profiler.enable()
    return profiler


def _stored_records(ctx) -> int:
    """Records really in the store after the run (content hashes of the source's graphs)."""
    return len(ctx.store.content_hashes(SOURCE))


def _status_mb(field: str) -> float:
    """VmHWM / VmRSS of this process (ru_maxrss of a fork would count the parent's pages)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"{field} not in /proc/self/status (Linux only)")


def child(phase: str, spec: dict) -> None:
    import harvesters  # noqa: F401  (imports are not what we measure)
    import node.harvest  # noqa: F401
    import pyoxigraph  # noqa: F401
    import requests  # noqa: F401

    if phase == "baseline":
        result = run_baseline(spec["url"])
    elif phase == "store-floor":
        result = run_store_floor(spec["url"], spec["data_dir"])
    else:
        result = run_harvest_phase(spec["url"], spec["data_dir"], spec["full"], spec.get("profile_to"))
    print(json.dumps({"phase": phase, "peak_rss_mb": _status_mb("VmHWM"), **result}))


# -- the parent: server, phases, table -----------------------------------------------------------

def start_server() -> tuple[subprocess.Popen, str]:
    server = subprocess.Popen([sys.executable, str(ROOT / "bench" / "harvest_server.py"), "--serve"],
                              stdout=subprocess.PIPE, text=True)
    line = server.stdout.readline().strip()
    if not line.startswith("URL "):
        server.kill()
        raise SystemExit(f"the catalogue server did not start (said {line!r})")
    return server, line.split(" ", 1)[1]


def measure(phase: str, **spec) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", phase, json.dumps(spec)],
                         capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"{phase} child failed:\n{out.stderr[-3000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if result.get("status") not in (None, "complete"):
        raise SystemExit(f"{phase} run did not complete: {result}")
    return result


def bench_size(base: str, size: int, work: Path) -> dict:
    etag_url, plain_url = f"{base}/{size}/etag/catalog?page=1", f"{base}/{size}/plain/catalog?page=1"
    volatile_url = f"{base}/{size}/volatile/catalog?page=1"
    data_dir, floor_dir = str(work / f"node-{size}"), str(work / f"floor-{size}")
    baseline = [measure("baseline", url=plain_url)]
    floor = measure("store-floor", url=plain_url, data_dir=floor_dir)
    shutil.rmtree(floor_dir, ignore_errors=True)
    first = measure("harvest", url=etag_url, data_dir=data_dir, full=False)
    conditional = measure("harvest", url=etag_url, data_dir=data_dir, full=True)
    same_bytes = measure("harvest", url=plain_url, data_dir=data_dir, full=True)  # digests learnt here
    same_bytes = measure("harvest", url=plain_url, data_dir=data_dir, full=True)
    hashed = measure("harvest", url=volatile_url, data_dir=data_dir, full=True)
    baseline.append(measure("baseline", url=plain_url))
    shutil.rmtree(data_dir, ignore_errors=True)
    return {"size": size, "baseline": min(baseline, key=lambda r: r["seconds"]), "floor": floor, "first": first,
            "conditional": conditional, "same_bytes": same_bytes, "hashed": hashed}


def profile_size(base: str, size: int, work: Path) -> None:
    data_dir = str(work / f"profiled-{size}")
    etag_url = f"{base}/{size}/etag/catalog?page=1"
    volatile_url = f"{base}/{size}/volatile/catalog?page=1"
    runs = (("first harvest", etag_url, False), ("re-harvest, nothing changed, 304s", etag_url, True),
            ("re-harvest, nothing changed, no ETags, pages differ (record hashes)", volatile_url, True))
    for number, (label, url, full) in enumerate(runs):
        stats = str(work / f"run-{number}.prof")
        result = measure("harvest", url=url, data_dir=data_dir, full=full, profile_to=stats)
        print_profile(f"{label}, {size:,} datasets, under cProfile: {result['seconds']:.1f} s", stats,
                      top=25 if number == 0 else 0)


def print_profile(title: str, stats_file: str, *, top: int) -> None:
    import pstats

    stats = pstats.Stats(stats_file)
    total = _cumulative(stats, "node/harvest/run.py", "run_harvest") or 1.0
    print(f"\n## {title}\n")
    print("| step | cumulative s | share |\n|---|---:|---:|")
    for label, file, function in STEPS:
        seconds = _cumulative(stats, file, function)
        print(f"| {label} | {seconds:.2f} | {seconds / total:.0%} |")
    if top:
        print(f"\ntop {top} functions by cumulative time:")
        stats.sort_stats("cumulative").print_stats(top)


def _cumulative(stats, file: str, function: str) -> float:
    """Cumulative seconds of one function (summed over same-named functions of files matching `file`)."""
    return sum(row[3] for (path, _, name), row in stats.stats.items() if name == function and file in path)


def print_table(results: list[dict]) -> None:
    print("\n| datasets | pages | baseline s | store floor s | harvest s | /baseline | /floor | re-harvest 304 s "
          "| same bytes s | record hashes s | speed-ups (304 / bytes / hashes) | peak RSS MB (baseline / harvest / re-harvests) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
    for r in results:
        base, floor, first = r["baseline"], r["floor"], r["first"]
        again = [r["conditional"], r["same_bytes"], r["hashed"]]
        speedups = " / ".join(f"{first['seconds'] / run['seconds']:.1f}x" for run in again)
        print(f"| {r['size']:,} | {first['pages']:,} | {base['seconds']:.2f} | {floor['seconds']:.2f} "
              f"| {first['seconds']:.2f} | {first['seconds'] / base['seconds']:.1f}x "
              f"| {first['seconds'] / floor['seconds']:.2f}x | "
              + " | ".join(f"{run['seconds']:.2f}" for run in again)
              + f" | {speedups} | {base['peak_rss_mb']:.0f} / {first['peak_rss_mb']:.0f} / "
              f"{max(run['peak_rss_mb'] for run in again):.0f} |")
    print("\nrecords (first harvest: written / stored after / rejected / warnings; re-harvests: fetched / unchanged / "
          "written / stored after):")
    for r in results:
        first = r["first"]
        print(f"  {r['size']:>7,}: {first['written']:,} / {first['stored']:,} / {first['rejected']} / "
              f"{first['warnings']}; store floor wrote {r['floor']['quads']:,} quads; "
              + "; ".join(f"{label}: {run['fetched']:,} / {run['unchanged']:,} / {run['written']} / {run['stored']:,}"
                          for label, run in (("304", r["conditional"]), ("same bytes", r["same_bytes"]),
                                             ("record hashes", r["hashed"])))
              + f"; shapes compiled in {first['compile_seconds']:.1f} s (not timed); "
              f"RSS before the run {first['rss_before_mb']:.0f} MB")
    print("targets: harvest/baseline <= 1.5x; re-harvest speed-up >= 5x; peak RSS flat across sizes")


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg()) + f" on {os.cpu_count()} CPUs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated dataset counts (issue: 100000)")
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--profile", action="store_true", help="cProfile the largest size's harvest too")
    parser.add_argument("--child", nargs=2, metavar=("PHASE", "SPEC"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child[0], json.loads(args.child[1]))
    sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(","))
    for size in sizes:
        catalogue_dir(size, args.page_size)
    server, base = start_server()
    print(f"load average at start: {_load()} (timings are wall-clock: a busy machine slows every phase)")
    work = Path(tempfile.mkdtemp(prefix="ehds-bench-harvest-"))
    try:
        results = []
        for size in sizes:
            results.append(bench_size(base, size, work))
            print(json.dumps(results[-1]), flush=True)
        print_table(results)
        print(f"load average at end: {_load()}")
        if args.profile:
            profile_size(base, sizes[-1], work)
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
