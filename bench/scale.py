"""Scale-out bench (issue 13): catalogue pages and typical SPARQL queries with 1, 2 and 4 web workers
on each store backend, against the same SPARQL server asked directly, in one run.

    /work/venv/bin/python bench/scale.py [--backends embedded,oxigraph,virtuoso] [--workers 1,2,4]
        [--duration 10] [--warmup 3] [--size 1000] [--clients 16] [--query-clients 6] [--repeat 20]

Data: bench/catalog.py's generated store (--size records, cached under bench/out/), copied for each
server: the embedded node's own store (one process: its reference row); `oxigraph serve
--union-default-graph` as the node's remote store, with `oxigraph serve-read-only` on another copy as
the server asked directly; Virtuoso (tests/remote/virtuoso.py) bulk-loaded from the same quads, its
/sparql asked directly. Each node runs as `ehds-node serve --workers N` (1: waitress; more: gunicorn).

Per configuration, after --warmup seconds of the same load (workers build their catalogue index):
- pages: --clients concurrent clients (2 client processes, keep-alive, each its own loopback address)
  fetch /catalog, /catalog?page=N and /datasets/<id>, half as HTML, half as Turtle, for --duration s;
- queries: --query-clients clients send bench/sparql.py's typical queries (JSON results; N-Triples
  for CONSTRUCT) to /sparql, and the same to the server directly; then each query alone, the server,
  a bare forwarder (bench/bare_forwarder.py: Flask + urllib3 with none of the node's checks, served
  like the node: the cost of any Python hop in front of the server) and /sparql in turn (interleaved,
  so other load on the machine weighs on all alike).
Prints requests/s, p50/p99 and errors; the ratios 4 vs 1 workers (target ≥ 1.8× for pages on 2 cores)
and /sparql vs the server (throughput, and per query the median of --repeat sequential requests:
target within 1.2× for queries that take the server at least --work-ms). The node's per-client
request rate is off (EHDS_NODE_REQUEST_RATE=0): capacity is measured, not the limiter.
"""

from __future__ import annotations

import argparse
import functools
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale_servers as servers  # noqa: E402
from abuse import _percentiles, _request  # noqa: E402
from catalog import build_store  # noqa: E402
from sparql import QUERIES  # noqa: E402

PER_PAGE = 20  # the node's default page size
JSON, NTRIPLES = "application/sparql-results+json", "application/n-triples"


def main() -> int:
    args = _arguments()
    source = build_store(args.size) / "store"
    folder = Path(tempfile.mkdtemp(prefix="ehds-scale-"))
    print(f"# bench/scale.py · {os.cpu_count()} cores · {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} · "
          f"{args.size:,} records · {args.duration:g} s per measure · {args.clients} page clients, "
          f"{args.query_clients} query clients · load average {os.getloadavg()[0]:.1f}")
    results: dict[str, dict] = {}
    try:
        for backend in args.backends.split(","):
            results |= _bench_backend(backend, source, folder / backend, args)
    finally:
        servers.remove(folder)
    _print_ratios(results, args)
    return 0


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="embedded,oxigraph,virtuoso")
    parser.add_argument("--workers", default="1,2,4", help="web worker counts on a remote store")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measure")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of unrecorded load first")
    parser.add_argument("--size", type=int, default=1000, help="generated records")
    parser.add_argument("--clients", type=int, default=16, help="concurrent page clients")
    parser.add_argument("--query-clients", type=int, default=6, help="concurrent query clients (≤ sparql_workers)")
    parser.add_argument("--repeat", type=int, default=20, help="sequential requests per query for its median")
    parser.add_argument("--work-ms", type=float, default=10.0, help="a query 'does work' from this server time")
    return parser.parse_args()


def _bench_backend(backend: str, source: Path, folder: Path, args) -> dict[str, dict]:
    folder.mkdir(parents=True)
    results: dict[str, dict] = {}
    if backend == "embedded":
        data = folder / "node"
        data.mkdir()
        servers.copy_store(source, data / "store")
        results[f"{backend} x1"] = _bench_node(servers.start_node(data, 1), args, {})
        return results
    if backend == "oxigraph":
        store, direct = servers.oxigraph_servers(source, folder)
    elif backend == "virtuoso":
        store, direct = servers.virtuoso_server(source, folder / "virtuoso")
    else:
        raise SystemExit(f"unknown backend {backend}: embedded, oxigraph or virtuoso")
    try:
        for workers in (int(w) for w in args.workers.split(",")):
            data = folder / f"node-{workers}"
            data.mkdir()
            node = servers.start_node(data, workers, store)
            forwarder = servers.start_forwarder(folder, workers, store)
            try:
                results[f"{backend} x{workers}"] = _bench_node(node, args, {"store": store.process.pid}, direct,
                                                               forwarder)
            finally:
                forwarder.stop()
        results[f"{backend} direct"] = _bench_queries(direct, args)
    finally:
        direct.stop()
        store.stop()
    return results


def _bench_node(node, args, watch: dict, direct=None, forwarder=None) -> dict:
    try:
        pages_mix = functools.partial(_page_request, size=args.size)
        _load(node, pages_mix, args.clients, args.warmup, 100)
        pages = _load(node, pages_mix, args.clients, args.duration, 200, watch)
        print(f"| {node.name} | pages | {_summary(pages)} |", flush=True)
        each = _sequential(node, direct, forwarder, args.repeat) if direct else {}
        return {"pages": pages, "each": each} | _bench_queries(node, args, watch)
    finally:
        node.stop()


def _bench_queries(endpoint, args, watch: dict | None = None) -> dict:
    query = functools.partial(_query_request, endpoint.sparql_path)
    _load(endpoint, query, args.query_clients, min(args.warmup, 2.0), 150)
    queries = _load(endpoint, query, args.query_clients, args.duration, 250, watch)
    print(f"| {endpoint.name} | queries | {_summary(queries)} |", flush=True)
    return {"queries": queries}


# -- load ------------------------------------------------------------------------------------------

def _page_request(rng: random.Random, size: int):
    accept = rng.choice(("text/html", "text/turtle"))
    roll = rng.random()
    if roll < 0.3:
        return "catalog", "GET", "/catalog", None, accept
    if roll < 0.7:
        return "catalog page", "GET", f"/catalog?page={rng.randint(2, max(2, size // PER_PAGE))}", None, accept
    return "dataset", "GET", f"/datasets/gen-{rng.randrange(size)}", None, accept


def _query_request(path: str, rng: random.Random):
    name = rng.choice(sorted(QUERIES))
    return name, "POST", path, urllib.parse.urlencode({"query": QUERIES[name]}), _accept(QUERIES[name])


def _accept(query: str) -> str:
    return NTRIPLES if "CONSTRUCT" in query else JSON


def _load(endpoint, make_request, clients: int, seconds: float, subnet: int, watch: dict | None = None) -> dict:
    """`clients` clients in 2 processes for `seconds`: (what, status, seconds) of every request, and
    the cores used meanwhile by the watched processes ({label: pid}, with their children) and the machine."""
    groups = [list(range(i, clients, 2)) for i in range(2)]
    watch = {("node" if endpoint.name.startswith("ehds-node") else "server"): endpoint.pid, **(watch or {})}
    before = {label: servers.cpu_seconds(pid) for label, pid in watch.items()}
    busy, clients_before, started = servers.machine_busy_seconds(), _children_cpu(), time.monotonic()
    with multiprocessing.get_context("fork").Pool(2) as pool:
        parts = pool.starmap(_client_process, [(endpoint.url, make_request, group, seconds, subnet)
                                               for group in groups if group])
    elapsed = time.monotonic() - started
    cores = {label: (servers.cpu_seconds(pid) - before[label]) / elapsed for label, pid in watch.items()}
    cores["clients"] = (_children_cpu() - clients_before) / elapsed  # the pool's processes, ended and waited for
    cores["machine"] = (servers.machine_busy_seconds() - busy) / elapsed
    cores["others"] = max(0.0, cores["machine"] - sum(v for k, v in cores.items() if k != "machine"))  # other jobs
    return {"records": [r for part in parts for r in part], "seconds": seconds, "cores": cores}


def _children_cpu() -> float:
    times = os.times()
    return times.children_user + times.children_system


def _client_process(url: str, make_request, clients: list[int], seconds: float, subnet: int) -> list[tuple]:
    records: list[tuple] = []
    end = time.monotonic() + seconds
    threads = [threading.Thread(target=_client, args=(url, make_request, f"127.0.{subnet}.{i + 1}", end, records))
               for i in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return records


def _client(url: str, make_request, address: str, end: float, records: list) -> None:
    import http.client

    parts, rng, conn = urllib.parse.urlsplit(url), random.Random(address), None
    while time.monotonic() < end:
        what, method, path, body, accept = make_request(rng)
        conn = conn or http.client.HTTPConnection(parts.hostname, parts.port, timeout=120, source_address=(address, 0))
        started = time.monotonic()
        try:
            status = _request(url, None, method, path, body, connection=conn, accept=accept)[0]
        except (OSError, http.client.HTTPException) as err:
            status, conn = type(err).__name__, None
        records.append((what, status, time.monotonic() - started))


def _sequential(node, direct, forwarder, repeat: int) -> dict[str, dict[str, list[float]]]:
    """Per query, the ms of `repeat` requests one after another to the server, the bare forwarder
    (bench/bare_forwarder.py: the hop alone) and /sparql, the three interleaved so that whatever else
    loads the machine weighs on all alike."""
    import http.client

    endpoints = {"server": direct, "forwarder": forwarder, "node": node}
    connections = {}
    for label, endpoint in endpoints.items():
        parts = urllib.parse.urlsplit(endpoint.url)
        connections[label] = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    times = {}
    for name, query in QUERIES.items():
        body, times[name] = urllib.parse.urlencode({"query": query}), {label: [] for label in endpoints}
        for turn in range(repeat + 1):  # the first turn is not counted
            for label, endpoint in endpoints.items():
                started = time.perf_counter()
                status = _request(endpoint.url, None, "POST", endpoint.sparql_path, body,
                                  connection=connections[label], accept=_accept(query))[0]
                took = (time.perf_counter() - started) * 1000 if status == 200 else float("nan")
                if turn:
                    times[name][label].append(took)
    for connection in connections.values():
        connection.close()
    return times


# -- report ----------------------------------------------------------------------------------------

def _ok_rate(phase: dict) -> float:
    return max(1e-9, sum(1 for r in phase["records"] if r[1] == 200) / phase["seconds"])


def _summary(phase: dict) -> str:
    ok = [r[2] for r in phase["records"] if r[1] == 200]
    errors = Counter(r[1] for r in phase["records"] if r[1] != 200)
    cores = " · ".join(f"{label} {value:.2f}" for label, value in phase["cores"].items())
    return (f"{_ok_rate(phase):.1f} req/s | {_percentiles(ok)} | errors {sum(errors.values())}"
            f"{' ' + str(dict(errors)) if errors else ''} | cores: {cores}")


def _print_ratios(results: dict[str, dict], args) -> None:
    print("\n## ratios")
    for backend in sorted({name.split()[0] for name in results}):
        ones, fours = results.get(f"{backend} x1"), results.get(f"{backend} x4")
        if ones and fours:
            pages = _ok_rate(fours["pages"]) / _ok_rate(ones["pages"])
            print(f"- {backend}: pages 4 vs 1 workers {pages:.2f}× ({'meets' if pages >= 1.8 else 'misses'} ≥ 1.8×); "
                  f"queries 4 vs 1 {_ok_rate(fours['queries']) / _ok_rate(ones['queries']):.2f}×")
        direct = results.get(f"{backend} direct")
        if direct:
            _print_against_server(backend, results, direct, args)


def _print_against_server(backend: str, results: dict, direct: dict, args) -> None:
    for name, result in sorted(results.items()):
        if name.startswith(backend + " x"):
            ratio = _ok_rate(direct["queries"]) / _ok_rate(result["queries"])
            print(f"- {name}: the server's throughput over /sparql's (query mix) {ratio:.2f}×")
    for name, result in sorted(results.items()):
        if name.startswith(backend + " x") and result["each"]:
            _print_sequential(name, result["each"], args.work_ms)


def _print_sequential(name: str, each: dict, work_ms: float) -> None:
    print(f"\n| {name}: query alone, interleaved, median ms | server | bare forwarder | ratio | /sparql | ratio | "
          "/sparql over the forwarder | server min | /sparql min | ratio | median within 1.2× |\n"
          "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for query, times in each.items():
        server, forwarder, ours = (statistics.median(times[label]) for label in ("server", "forwarder", "node"))
        server_min, ours_min = min(times["server"]), min(times["node"])
        verdict = ("yes" if ours <= 1.2 * server else "NO") if server >= work_ms else "(no real work)"
        print(f"| {query} | {server:.1f} | {forwarder:.1f} | {forwarder / server:.2f} | {ours:.1f} | "
              f"{ours / server:.2f} | {ours / forwarder:.2f} | {server_min:.1f} | {ours_min:.1f} | "
              f"{ours_min / server_min:.2f} | {verdict} |")


if __name__ == "__main__":
    sys.exit(main())
