"""Server CPU per request, for the abuse bench's ordinary mix: what a busy node's cores pay per request.

    /work/venv/bin/python bench/request_cpu.py [--baseline-tree DIR] [--requests 1200] [--clients 6]

Starts `ehds-node serve` from this tree (and, with --baseline-tree, from another checkout, e.g. a
`git worktree` of an older commit) on temporary data directories with the bundled catalogue and the
per-client request rate off, sends each the same requests (70 % quick SPARQL queries, 20 % /catalog
pages, 10 % dataset documents, as bench/abuse.py's ordinary clients; then each kind alone) from a few
client threads, and prints the CPU seconds the server's process tree (web process and SPARQL workers)
spent per request, read from /proc: unlike latency on a shared machine, this does not move with the load
others put on it. Ratios are this tree against the baseline, measured in the same run.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.abuse import DATASETS, QUICK  # noqa: E402  (the same requests as the load test)

KINDS = {"mix": None, "catalog": "catalog", "sparql": "sparql", "dataset": "dataset"}


def main() -> int:
    args = _arguments()
    trees = {"this tree": ROOT} | ({"baseline": Path(args.baseline_tree)} if args.baseline_tree else {})
    servers = {name: _start(tree) for name, tree in trees.items()}
    print(f"# {args.requests} requests per kind, {args.clients} client threads, {os.cpu_count()} cores, "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load {os.getloadavg()[0]:.1f}")
    try:
        for kind in KINDS:
            costs = {name: _cpu_per_request(port, process.pid, kind, args) for name, (port, process) in servers.items()}
            line = " · ".join(f"{name} {ms:.2f} ms" for name, ms in costs.items())
            ratio = f" · ratio {costs['this tree'] / costs['baseline']:.2f}" if "baseline" in costs else ""
            print(f"{kind:8} server CPU per request: {line}{ratio}")
    finally:
        for _, process in servers.values():
            process.terminate()
            process.wait(30)
    return 0


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline-tree", help="another checkout of ehds-node to measure in the same run")
    parser.add_argument("--requests", type=int, default=1200)
    parser.add_argument("--clients", type=int, default=6)
    return parser.parse_args()


def _start(tree: Path) -> tuple[int, subprocess.Popen]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    data = tempfile.mkdtemp(prefix="ehds-cpu-")
    env = os.environ | {"PYTHONPATH": str(tree)}
    if "request_rate" in (tree / "node" / "config.py").read_text():  # older trees refuse the unknown setting
        env["EHDS_NODE_REQUEST_RATE"] = "0"
    process = subprocess.Popen([sys.executable, "-m", "node", "serve", "--data", data, "--port", str(port)],
                               cwd=tree, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("HEAD", "/catalog")
            time.sleep(1)  # the background warm-up
            return port, process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"ehds-node serve from {tree} did not start")


def _tree_cpu(pid: int) -> float:
    """utime + stime of a process and its children (the SPARQL workers), in seconds."""
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    total = 0.0
    for process in [pid, *map(int, children)]:
        try:
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _request(connection: http.client.HTTPConnection, rng: random.Random, kind: str) -> None:
    draw = rng.random()
    if kind == "sparql" or (kind == "mix" and draw < 0.7):
        body = urllib.parse.urlencode({"query": rng.choice(QUICK)})
        connection.request("POST", "/sparql", body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"})
    elif kind == "catalog" or (kind == "mix" and draw < 0.9):
        connection.request("GET", f"/catalog?page={rng.randint(1, 3)}&per_page=2", headers={"Accept": "text/turtle"})
    else:
        connection.request("GET", f"/datasets/{rng.choice(DATASETS)}", headers={"Accept": "text/turtle"})
    response = connection.getresponse()
    response.read()


def _cpu_per_request(port: int, pid: int, kind: str, args) -> float:
    def client(number: int) -> None:
        rng, connection = random.Random(number), http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for _ in range(args.requests // args.clients):
            _request(connection, rng, kind)

    before = _tree_cpu(pid)
    threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return (_tree_cpu(pid) - before) / (args.requests // args.clients * args.clients) * 1000


if __name__ == "__main__":
    raise SystemExit(main())
