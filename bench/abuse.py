"""Load test: do a few abusive SPARQL clients starve everyone else? (issue 10, fair capacity)

    /work/venv/bin/python bench/abuse.py [--url URL] [--ordinary 50] [--abusive 0,1,2,4] [--duration 60]

N ordinary clients loop over typical quick queries and page fetches (/catalog pages, dataset
documents), one request after another (--think: a pause between); K abusive clients loop a
cross-product COUNT that runs to the endpoint's time limit, ignoring Retry-After (--polite: they
wait as it says). Every client has its own loopback source address (ordinary 127.0.1.x, abusive
127.0.2.x, new ones for each K), as different hosts would: the node's per-address shares see them
as different clients. Without --url the bench starts its own `ehds-node serve` (defaults for
everything but the port) on a temporary data directory with the bundled catalogue. Clients run in
several processes so the client's own GIL adds less latency. Prints, per K: ordinary requests/s,
p50/p95/p99/max and errors; /catalog latency; what the abusers got; the load average (the machine
may be shared).
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
P = "PREFIX dcat: <http://www.w3.org/ns/dcat#> PREFIX dct: <http://purl.org/dc/terms/>\n"
QUICK = [
    P + "SELECT (COUNT(?d) AS ?n) WHERE { ?d a dcat:Dataset }",
    P + "SELECT ?d ?title WHERE { ?d a dcat:Dataset ; dct:title ?title } LIMIT 20",
    P + "ASK { ?d a dcat:Dataset ; dcat:keyword ?k }",
    P + "SELECT ?d ?p ?o WHERE { ?d a dcat:Dataset ; ?p ?o } LIMIT 50",
]
ABUSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
DATASETS = ("snds", "oscour", "bone-marrow-register", "angioplasties-500k", "i-share", "hydro")


def main() -> int:
    args = _arguments()
    server = None if args.url else _start_server(args)
    url = args.url or server[0]
    print(f"# {url} · {args.ordinary} ordinary clients · {args.duration:g} s per run · {os.cpu_count()} cores · "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    try:
        for phase, abusive in enumerate(int(k) for k in args.abusive.split(",")):
            _report(abusive, _run_phase(url, args, abusive, phase))
            time.sleep(args.settle)  # abusive queries still running end before the next run
    finally:
        if server:
            server[1].terminate()
            server[1].wait(timeout=30)
            shutil.rmtree(server[2], ignore_errors=True)
    return 0


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running node (default: start one)")
    parser.add_argument("--ordinary", type=int, default=50)
    parser.add_argument("--abusive", default="0,1,2,4", help="numbers of abusive clients, one run each")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per run")
    parser.add_argument("--settle", type=float, default=11.0, help="pause between runs (> the query time limit)")
    parser.add_argument("--processes", type=int, default=4, help="client processes")
    parser.add_argument("--think", type=float, default=0.0, help="pause of an ordinary client between requests")
    parser.add_argument("--polite", action="store_true", help="abusive clients wait as Retry-After says")
    return parser.parse_args()


def _start_server(args):
    data = tempfile.mkdtemp(prefix="ehds-abuse-")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "EHDS_NODE_LOG_LEVEL": "WARNING"}
    process = subprocess.Popen([sys.executable, "-m", "node", "serve", "--data", data, "--port", str(port)],
                               env=env, cwd=data, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    for _ in range(600):
        try:
            if _request(url, ("127.0.0.1", 0), "GET", "/catalog")[0] == 200:
                return url, process, data
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise SystemExit("the node did not start")


def _request(url, source, method, path, body=None, connection=None, accept=None):
    parts = urllib.parse.urlsplit(url)
    conn = connection or http.client.HTTPConnection(parts.hostname, parts.port, timeout=60, source_address=source)
    headers = {"Accept": accept or ("application/sparql-results+json" if body else "text/turtle")}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, parts.path.rstrip("/") + path, body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    if connection is None:
        conn.close()
    return response.status, response.getheader("Retry-After")


def _run_phase(url, args, abusive: int, phase: int) -> dict:
    clients = [("ordinary", f"127.0.1.{i + 1}") for i in range(args.ordinary)]
    clients += [("abusive", f"127.0.2.{10 * phase + i + 1}") for i in range(abusive)]
    groups = [clients[i::args.processes] for i in range(args.processes)]
    load_before = os.getloadavg()
    with multiprocessing.get_context("fork").Pool(args.processes) as pool:
        parts = pool.starmap(_client_process, [(url, group, args.duration, args.think, args.polite)
                                               for group in groups])
    return {"records": [r for part in parts for r in part], "duration": args.duration,
            "load": (load_before, os.getloadavg())}


def _client_process(url, clients, duration: float, think: float, polite: bool) -> list[tuple]:
    records: list[tuple] = []
    end = time.monotonic() + duration
    threads = [threading.Thread(target=_client, args=(url, kind, address, end, think, polite, records))
               for kind, address in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return records


def _client(url, kind: str, address: str, end: float, think: float, polite: bool, records: list) -> None:
    parts = urllib.parse.urlsplit(url)
    rng = random.Random(address)
    conn = None
    while time.monotonic() < end:
        what, method, path, body = _next_request(kind, rng)
        conn = conn or http.client.HTTPConnection(parts.hostname, parts.port, timeout=60, source_address=(address, 0))
        started = time.monotonic()
        try:
            status, retry_after = _request(url, None, method, path, body, connection=conn)
        except (OSError, http.client.HTTPException) as err:
            status, retry_after, conn = type(err).__name__, None, None
        records.append((kind, what, status, time.monotonic() - started))
        if kind == "abusive" and polite and status == 429:
            time.sleep(max(0.0, min(float(retry_after or 1), end - time.monotonic())))
        if kind == "ordinary" and think:
            time.sleep(think)


def _next_request(kind: str, rng: random.Random):
    if kind == "abusive":
        return "sparql", "POST", "/sparql", urllib.parse.urlencode({"query": ABUSIVE})
    roll = rng.random()
    if roll < 0.2:
        return "catalog", "GET", f"/catalog?page={rng.randint(1, 3)}&per_page=2", None
    if roll < 0.3:
        return "dataset", "GET", f"/datasets/{rng.choice(DATASETS)}", None
    return "sparql", "POST", "/sparql", urllib.parse.urlencode({"query": rng.choice(QUICK)})


def _percentiles(latencies: list[float]) -> str:
    if not latencies:
        return "-"
    ordered = sorted(latencies)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000  # noqa: E731
    return f"p50 {pick(0.5):.0f} · p95 {pick(0.95):.0f} · p99 {pick(0.99):.0f} · max {ordered[-1] * 1000:.0f} ms"


def _report(abusive: int, phase: dict) -> None:
    records = phase["records"]
    ordinary = [r for r in records if r[0] == "ordinary"]
    errors = Counter(r[2] for r in ordinary if r[2] != 200)
    catalog = [r[3] for r in ordinary if r[1] == "catalog"]
    abuse = Counter(r[2] for r in records if r[0] == "abusive")
    before, after = phase["load"]
    print(f"K={abusive}: ordinary {len(ordinary) / phase['duration']:.0f} req/s, {_percentiles([r[3] for r in ordinary])}, "
          f"errors {sum(errors.values())} {dict(errors) or ''}")
    print(f"     /catalog: {len(catalog)} fetches, {_percentiles(catalog)}")
    print(f"     abusive: {sum(abuse.values())} requests {json.dumps(dict(sorted(abuse.items(), key=str)))} · "
          f"load average {before[0]:.1f} → {after[0]:.1f}")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
