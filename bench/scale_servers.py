"""The servers bench/scale.py measures: copies of one generated store (bench/catalog.py's build_store)
as the embedded node's store, as `oxigraph serve` (the node's remote store) and `oxigraph
serve-read-only` (the server asked directly), and loaded into OpenLink Virtuoso; `ehds-node serve`
on any of them with N workers. Everything listens on 127.0.0.1 and free ports, in one temporary folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from catalog import BASE, free_port  # noqa: E402
from tests.remote.conftest import OxigraphServer, oxigraph_binary  # noqa: E402


@dataclass
class Endpoint:
    """Something answering HTTP: `sparql_path` is where its SPARQL queries go."""
    name: str
    url: str
    sparql_path: str
    stop: object = field(repr=False)
    pid: int | None = None  # its process (and children): their CPU is measured


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU seconds of a live process and its live descendants (from /proc)."""
    if pid is None:
        return 0.0
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # ended meanwhile
            stats[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))  # ppid, utime + stime
    tree = {pid}
    for _ in range(4):  # the node: gunicorn master, workers, their query processes
        tree |= {p for p, (parent, _) in stats.items() if parent in tree}
    total = sum(stats[p][1] for p in tree if p in stats)
    return total / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent busy (everything on the machine, other users too)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def copy_store(source_store: Path, target: Path) -> Path:
    """A checkpoint of the generated store (its own copy: the node writes into it at start)."""
    ox.Store.read_only(str(source_store)).backup(str(target))
    return target


def oxigraph_servers(source_store: Path, folder: Path) -> tuple[OxigraphServer, Endpoint]:
    """(the node's store: `oxigraph serve --union-default-graph`, the same data read-only to ask directly)."""
    store = OxigraphServer(copy_store(source_store, folder / "oxigraph-rw"), "--union-default-graph")
    port = free_port()
    process = subprocess.Popen([oxigraph_binary(), "serve-read-only", "--location",
                                str(copy_store(source_store, folder / "oxigraph-ro")),
                                "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    _wait_for(lambda: requests.post(url + "query", data={"query": "ASK {}"}, timeout=1), process, "serve-read-only")
    return store, Endpoint("oxigraph serve-read-only", url, "/query", lambda: _stop(process), process.pid)


def virtuoso_server(source_store: Path, folder: Path):
    """Virtuoso (tests.remote.virtuoso) with the generated store bulk-loaded as N-Quads (its own loader)."""
    from tests.remote.virtuoso import VirtuosoServer

    folder.mkdir()
    ox.Store.read_only(str(source_store)).dump(str(folder / "data.nq"), format=ox.RdfFormat.N_QUADS)
    server = VirtuosoServer(folder)
    try:  # the loader reads files from DirsAllowed, which has "." (the server's working folder)
        _isql(server, f"ld_dir('.', 'data.nq', '{BASE}unnamed'); rdf_loader_run(); checkpoint;")
    except subprocess.CalledProcessError as err:
        server.stop()
        raise SystemExit(f"Virtuoso could not load the data: {err.stderr.decode(errors='replace')[-500:]}")
    return server, Endpoint("Virtuoso /sparql", server.url, "/sparql", lambda: None, server.process.pid)


def _isql(server, statements: str) -> None:
    subprocess.run(["isql-vt", str(server.sql_port), "dba", "dba", f"exec={statements}"], check=True,
                   capture_output=True, timeout=600)


def start_node(data_dir: Path, workers: int, store=None, threads: int = 16) -> Endpoint:
    """`ehds-node serve` (python -m node from this checkout) on the embedded store in data_dir, or on
    `store` (an OxigraphServer or VirtuosoServer) with `workers` processes."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "EHDS_NODE_BASE_URL": BASE, "EHDS_NODE_LOG_LEVEL": os.environ.get("EHDS_BENCH_NODE_LOG_LEVEL", "WARNING"),
           "EHDS_NODE_LOAD_BUNDLED_CATALOGUE": "false",
           "EHDS_NODE_REQUEST_RATE": "0"}  # capacity is measured: the per-client rate limit stays out of it
    if store is not None:
        env |= {"EHDS_NODE_STORE": "sparql", "EHDS_NODE_STORE_QUERY_URL": store.query_url,
                "EHDS_NODE_STORE_UPDATE_URL": store.update_url}
    log = open(data_dir.parent / f"node-{port}.log", "wb")
    process = subprocess.Popen([sys.executable, "-m", "node", "serve", "--data", str(data_dir), "--port", str(port),
                                "--workers", str(workers), "--threads", str(threads)],
                               env=env, cwd=data_dir.parent, stdout=subprocess.DEVNULL, stderr=log)
    url = f"http://127.0.0.1:{port}/"
    _wait_for(lambda: requests.get(url + "catalog", timeout=60).raise_for_status(), process, "ehds-node serve",
              log.name)
    kind = "embedded" if store is None else type(store).__name__.removesuffix("Server").lower()
    return Endpoint(f"ehds-node {kind} x{workers}", url, "/sparql", lambda: _stop(process), process.pid)


def start_forwarder(folder: Path, workers: int, store, threads: int = 16) -> Endpoint:
    """bench/bare_forwarder.py in front of `store`, served as the node is with `workers` processes
    (waitress for one, gunicorn gthread for more): the cost of the hop alone."""
    port = free_port()
    env = {**os.environ, "EHDS_BENCH_FORWARD_TO": store.query_url}
    if workers == 1:
        command = ["-m", "waitress", f"--listen=127.0.0.1:{port}", f"--threads={threads}", "bare_forwarder:app"]
    else:
        command = ["-m", "gunicorn", "-b", f"127.0.0.1:{port}", "-w", str(workers), "-k", "gthread",
                   "--threads", str(threads), "bare_forwarder:app"]
    log = open(folder / f"forwarder-{port}.log", "wb")
    process = subprocess.Popen([sys.executable, *command], env=env, cwd=Path(__file__).parent,
                               stdout=subprocess.DEVNULL, stderr=log)
    url = f"http://127.0.0.1:{port}/"
    _wait_for(lambda: requests.get(url + "ready", timeout=10).raise_for_status(), process, "bare_forwarder", log.name)
    return Endpoint(f"bare forwarder x{workers}", url, "/sparql", lambda: _stop(process), process.pid)


def _wait_for(probe, process, what: str, log: str | None = None, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{what} exited with {process.returncode}" + (f"; see {log}" if log else ""))
        try:
            probe()
            return
        except requests.RequestException:
            time.sleep(0.1)
    _stop(process)
    raise SystemExit(f"{what} did not answer within {seconds:g} s")


def _stop(process) -> None:
    process.terminate()
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
