"""Benchmark: serving catalogue pages and datasets, and exporting, with 1,000 and 100,000 records.

    .venv/bin/python bench/catalog.py [--sizes 1000,100000] [--repeat 30]

Generates lean but realistic HealthDCAT-AP records (~27 triples each, plus the catalogue record and
index terms the node writes, built with node.records / node.catalog_index), bulk-loads them as
N-Quads into an on-disk store cached under bench/out/, then measures, in the same run:
- a 100-dataset page (first, middle, last) and one dataset, through the Flask test client and a
  real `ehds-node serve`, against pyoxigraph reading the same graphs and serialising them directly;
- `ehds-node export` of the whole catalogue (wall time, peak RSS of the process).
Targets (issue 3): page < 50 ms at 100,000 records, within 2x of direct, not growing with the
store; export of 100,000 < 15 s with flat memory.

    .venv/bin/python bench/catalog.py --startup-only [--sizes 100000]

measures only the start of a real `ehds-node serve` (issue 15): seconds from process start to the first
answered `/catalog` (the HTML page a browser gets, with its facet counts), that first answer's latency,
then the steady-state HTML page (unfiltered, and filtered by one facet: first and repeated) and Turtle.
Target: the HTML page with its facets < 50 ms at 100,000 records.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from catalog_records import BASE, dataset_triples, record_quads  # noqa: E402
from node import rdfio  # noqa: E402
from node.config import Settings  # noqa: E402
from node.context import BUNDLED_CATALOGUE, open_node, set_catalog_description  # noqa: E402
from node.records import Naming  # noqa: E402

OUT = ROOT / "bench" / "out"
GENERATOR_VERSION = 3  # bump when the generated records change, to rebuild the cached stores
PER_PAGE = 100
TURTLE = "text/turtle"
BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"
EHDS_NODE = str(Path(sys.executable).with_name("ehds-node"))

def settings_for(data_dir: Path) -> Settings:
    return Settings(base_url=BASE, data_dir=data_dir, load_bundled_catalogue=False, max_page_size=500)


def build_store(size: int) -> Path:
    """The data dir of a store with `size` generated records; reused from bench/out/ when complete."""
    data_dir = OUT / f"catalog-{size}-v{GENERATOR_VERSION}"
    if (data_dir / "COMPLETE").exists():
        return data_dir
    shutil.rmtree(data_dir, ignore_errors=True)
    (data_dir / "store").mkdir(parents=True)
    nquads, rng, naming = data_dir / "records.nq", random.Random(size), Naming(BASE)
    started = time.perf_counter()
    quads = (q for i in range(size) for q in record_quads(naming, i, rng))
    ox.serialize(quads, str(nquads), format=ox.RdfFormat.N_QUADS)
    generated = time.perf_counter() - started
    store = ox.Store(str(data_dir / "store"))
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    store.flush()
    count = len(store)
    del store
    nquads.unlink()
    ctx = open_node(settings_for(data_dir))
    try:
        bundled = (ROOT / "node" / "data" / BUNDLED_CATALOGUE).read_bytes()
        set_catalog_description(ctx, rdfio.parse_triples(bundled, TURTLE, base_iri=BASE))
    finally:
        ctx.close()
    loaded = time.perf_counter() - started - generated
    print(f"# generated {size:,} records ({count:,} quads) in {generated:.1f} s, bulk-loaded in {loaded:.1f} s")
    (data_dir / "COMPLETE").write_text(f"{count}\n")
    return data_dir


def median_ms(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def page_urls(size: int) -> dict[str, str]:
    last = max(1, -(-size // PER_PAGE))
    pages = {"page 1": 1, f"page {(last + 1) // 2}": (last + 1) // 2, f"page {last} (last)": last}
    urls = {f"{name} of {PER_PAGE}": f"/catalog?page={n}&per_page={PER_PAGE}" for name, n in pages.items()}
    urls["one dataset"] = f"/datasets/gen-{size // 2}"
    return urls


def direct_timings(ctx, urls: dict[str, str], repeat: int) -> dict[str, float]:
    """pyoxigraph alone: read the same named graphs from the store and write Turtle."""
    from node.catalog import PageRequest, select_page

    raw = ctx.store.backend._store  # the bench compares against pyoxigraph itself, bypassing the node
    results = {}
    for name, url in urls.items():
        if url.startswith("/catalog"):
            page = int(url.split("page=")[1].split("&")[0])
            entries = select_page(ctx.index, PageRequest(page, PER_PAGE)).entries
            graphs = [ctx.naming.catalog_graph] + [e.graph for e in entries]
        else:
            graphs = [ctx.naming.local_graph(url.rsplit("/", 1)[1])]

        def read_and_write(graphs=graphs):
            triples = [q.triple for g in graphs for q in raw.quads_for_pattern(None, None, None, ox.NamedNode(g))]
            return ox.serialize(triples, format=ox.RdfFormat.TURTLE)

        results[name] = median_ms(read_and_write, repeat)
    return results


def flask_timings(data_dir: Path, urls: dict[str, str], repeat: int) -> tuple[dict, dict, float]:
    from node.web.app import create_app

    ctx = open_node(settings_for(data_dir))
    try:
        client = create_app(context=ctx).test_client()
        started = time.perf_counter()
        assert client.get("/catalog?per_page=1", headers={"Accept": TURTLE}).status_code == 200
        cold = (time.perf_counter() - started) * 1000

        def get(url):
            response = client.get(url, headers={"Accept": TURTLE})
            assert response.status_code == 200, (url, response.status_code)

        served = {name: median_ms(lambda url=url: get(url), repeat) for name, url in urls.items()}
        served["first page after a write"] = after_one_write(ctx, client)
        return served, direct_timings(ctx, urls, repeat), cold
    finally:
        ctx.close()


def after_one_write(ctx, client) -> float:
    """ms of the first page request after publishing one record (then removed again)."""
    from node.records import delete, publish

    class Conforms:  # validation is not what this measures
        conforms, violations = True, ()

    rng, record_id = random.Random(0), "bench-write"
    _, triples = dataset_triples(10**9, rng)
    publish(ctx.store, ctx.naming, record_id, triples, lambda _t: Conforms(), dataset_iri=f"{BASE}datasets/gen-{10**9}")
    try:
        started = time.perf_counter()
        assert client.get(f"/catalog?per_page={PER_PAGE}", headers={"Accept": TURTLE}).status_code == 200
        return (time.perf_counter() - started) * 1000
    finally:
        delete(ctx.store, ctx.naming, record_id)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_timings(data_dir: Path, urls: dict[str, str], repeat: int) -> dict[str, float]:
    import requests

    port = free_port()
    server = start_server(data_dir, port)
    try:
        session, root = requests.Session(), f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:  # a dataset answers without the catalogue index: ready, index not built yet
                session.get(root + "/datasets/gen-0", headers={"Accept": TURTLE}, timeout=60).raise_for_status()
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("ehds-node serve did not start") from None
                time.sleep(0.2)

        def get(url):
            session.get(root + url, headers={"Accept": TURTLE}, timeout=120).raise_for_status()

        cold = median_ms(lambda: get("/catalog?per_page=1"), 1)
        return {"cold": cold} | {name: median_ms(lambda url=url: get(url), repeat) for name, url in urls.items()}
    finally:
        server.terminate()
        server.wait(timeout=30)


def start_server(data_dir: Path, port: int) -> subprocess.Popen:
    return subprocess.Popen([EHDS_NODE, "serve", "--data", str(data_dir), "--port", str(port), "--empty",
                             "--base-url", BASE], stderr=subprocess.DEVNULL)


def _first_answer(session, url: str, started: float, server: subprocess.Popen, accept: str = BROWSER):
    """Ask `url` until the server answers (it binds its port before opening the store, so a request sent
    early waits in the listen backlog); (sent, answered, response) of the answered request."""
    import requests

    while True:
        sent = time.perf_counter()
        try:
            response = session.get(url, headers={"Accept": accept}, timeout=300)
            return sent, time.perf_counter(), response
        except requests.ConnectionError:
            if sent - started > 300 or server.poll() is not None:
                raise RuntimeError("ehds-node serve did not start") from None
            time.sleep(0.05)


def startup_timings(data_dir: Path, repeat: int) -> dict[str, float]:
    """Two starts of a real server. First: /catalog (HTML, with its facet counts) asked from process start
    on. Second: a dataset asked until the server answers, then /catalog at once: how long the first
    reader waits for the catalogue order and the facet counts. Then steady-state medians."""
    import requests

    result: dict[str, float] = {}
    for first in ("/catalog", "/datasets/gen-0"):
        port, session = free_port(), requests.Session()
        root, started = f"http://127.0.0.1:{port}", time.perf_counter()
        server = start_server(data_dir, port)
        try:
            sent, answered, response = _first_answer(session, root + first, started, server)
            response.raise_for_status()
            if first == "/catalog":
                if 'class="facet"' not in response.text:
                    raise RuntimeError("the HTML catalogue page shows no facets")
                result["start → first /catalog answer"] = (answered - started) * 1000
                continue
            result["start → server answers (a dataset)"] = (answered - started) * 1000
            sent = time.perf_counter()
            session.get(root + "/catalog", headers={"Accept": BROWSER}, timeout=300).raise_for_status()
            result["then the first /catalog's latency"] = (time.perf_counter() - sent) * 1000
            result.update(_steady(session, root, repeat))
        finally:
            server.terminate()
            server.wait(timeout=30)
    return result


def _steady(session, root: str, repeat: int) -> dict[str, float]:
    def get(url, accept=BROWSER):
        session.get(root + url, headers={"Accept": accept}, timeout=300).raise_for_status()

    time.sleep(15)  # let the background warm-up finish if the first page did not wait for all of it
    filtered = "/catalog?health_category=" + quote(
        "https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories/SURVEY", safe="")
    return {"HTML page 1 (with facets), steady": median_ms(lambda: get("/catalog"), repeat),
            "HTML, one facet filter, first": median_ms(lambda: get(filtered), 1),
            "HTML, one facet filter, steady": median_ms(lambda: get(filtered), repeat),
            "Turtle page 1, steady": median_ms(lambda: get("/catalog", TURTLE), repeat)}


def export_timing(data_dir: Path, size: int) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MiB) and bytes of `ehds-node export` to N-Triples."""
    target = OUT / f"export-{size}.nt"
    started = time.perf_counter()
    process = subprocess.Popen([EHDS_NODE, "export", "--data", str(data_dir), "--base-url", BASE, "-o", str(target)],
                               stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"export failed with status {status}")
    size_bytes = target.stat().st_size
    target.unlink()
    return elapsed, usage.ru_maxrss / 1024, size_bytes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,100000", help="comma-separated store sizes (records)")
    parser.add_argument("--repeat", type=int, default=30, help="requests per measurement (median reported)")
    parser.add_argument("--startup-only", action="store_true", help="only the start of `serve` and its /catalog")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"# {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, Python {sys.version.split()[0]}, "
          f"pyoxigraph {ox.__version__}; median of {args.repeat}; ms")
    if args.startup_only:
        for size in (int(s) for s in args.sizes.split(",")):
            for name, ms in startup_timings(build_store(size), args.repeat).items():
                print(f"{size:>8,} | {name:<34} | {ms:>9.1f}")
        return 0
    header = f"{'records':>8} | {'request':<24} | {'Flask client':>12} | {'real server':>11} | {'direct ox':>9} | {'ratio (server/direct)':>21}"
    rows, exports = [header, "-" * len(header)], []
    for size in (int(s) for s in args.sizes.split(",")):
        data_dir, urls = build_store(size), page_urls(size)
        served, direct, cold = flask_timings(data_dir, urls, args.repeat)
        real = server_timings(data_dir, urls, args.repeat)
        rows.append(f"{size:>8,} | {'first request (index)':<24} | {cold:>12.1f} | {real['cold']:>11.1f} | {'':>9} |")
        for name in urls:
            rows.append(f"{size:>8,} | {name:<24} | {served[name]:>12.1f} | {real[name]:>11.1f} | {direct[name]:>9.1f} | "
                        f"{real[name] / direct[name]:>9.2f} (client {served[name] / direct[name]:.2f})")
        rows.append(f"{size:>8,} | {'first page after a write':<24} | {served['first page after a write']:>12.1f} | "
                    f"{'':>11} | {'':>9} |")
        exports.append((size, *export_timing(data_dir, size)))
    print("\n".join(rows))
    print(f"\n{'records':>8} | export N-Triples: s | peak RSS MiB | MB written")
    for size, seconds, rss, written in exports:
        print(f"{size:>8,} | {seconds:>19.1f} | {rss:>12.0f} | {written / 1e6:>10.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
