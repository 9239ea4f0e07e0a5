"""Why pages cost more on a remote store: the SPARQL requests one page sends to the server, and where
the node's CPU goes.

    /work/venv/bin/python bench/scale_profile.py [--size 1000] [--backend oxigraph|virtuoso]

One node in this process (Flask test client) on bench/scale.py's data in `oxigraph serve` (or Virtuoso);
every request the store backend sends is counted (node.store.remote_http.SparqlHttp._send wrapped),
per page kind and per query shape, with the wall and CPU time of the page; then the functions that
take the node's CPU over --repeat requests of each page kind (cProfile).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale_servers as servers  # noqa: E402
from catalog import BASE, build_store  # noqa: E402

PAGES = [("/catalog?page=7", "text/turtle"), ("/catalog?page=8", "text/html"),
         ("/datasets/gen-15", "text/turtle"), ("/datasets/gen-16", "text/html")]


class Counting:
    """Counts the store's HTTP requests by query shape (IRIs and numbers blanked)."""

    def __init__(self):
        from node.store.remote_http import SparqlHttp

        self.calls, self.seconds, self._original = Counter(), Counter(), SparqlHttp._send

    def __enter__(self):
        from node.store.remote_http import SparqlHttp

        counting = self

        def send(http, method, url, data, *args, **kwargs):
            started = time.perf_counter()
            try:
                return counting._original(http, method, url, data, *args, **kwargs)
            finally:
                shape = counting.shape(data)
                counting.calls[shape] += 1
                counting.seconds[shape] += time.perf_counter() - started

        SparqlHttp._send = send
        return self

    def __exit__(self, *exc):
        from node.store.remote_http import SparqlHttp

        SparqlHttp._send = self._original

    @staticmethod
    def shape(data) -> str:
        text = dict(data).get("query", "") if isinstance(data, (dict, list)) else (data or b"")[:200]
        text = text.decode(errors="replace") if isinstance(text, bytes) else text
        return re.sub(r"<[^>]*>", "<…>", " ".join(text.split()))[:110]


def profile_pages(client) -> None:
    for url, accept in PAGES:
        client.get(url, headers={"Accept": accept})  # warm: index, caches
        other = url.replace("page=7", "page=9").replace("page=8", "page=10").replace("gen-1", "gen-2")
        time.sleep(0.3)  # past the change-log poll interval, as a request a moment later would be
        with Counting() as counting:
            wall, cpu = time.perf_counter(), time.process_time()
            status = client.get(other, headers={"Accept": accept}).status_code
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"\n{other} ({accept}): HTTP {status}, {wall * 1000:.1f} ms wall, {cpu * 1000:.1f} ms CPU in the node; "
              f"{sum(counting.calls.values())} requests to the store, {sum(counting.seconds.values()) * 1000:.1f} ms")
        for shape, calls in counting.calls.most_common(4):
            print(f"    {calls:>3} × {counting.seconds[shape] * 1000:6.1f} ms  {shape}")


def profile_cpu(client, repeat: int) -> None:
    for url, accept in PAGES:
        profile = cProfile.Profile()
        cpu = time.process_time()
        profile.enable()
        for turn in range(repeat):
            target = url.split("=")[0] + f"={2 + turn % 45}" if "page=" in url else f"/datasets/gen-{turn * 7 % 1000}"
            status = client.get(target, headers={"Accept": accept}).status_code
            assert status == 200, (target, status)
        profile.disable()
        print(f"\n{url} ({accept}): {(time.process_time() - cpu) * 1000 / repeat:.1f} ms CPU a page (profiled)")
        pstats.Stats(profile).sort_stats("cumulative").print_stats(r"node/|harvesters/", 12)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--backend", choices=("oxigraph", "virtuoso"), default="oxigraph")
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    from node.config import Settings
    from node.context import open_node
    from node.web.app import create_app

    folder = Path(tempfile.mkdtemp(prefix="ehds-scale-profile-"))
    source = build_store(args.size) / "store"
    if args.backend == "oxigraph":
        store, direct = servers.oxigraph_servers(source, folder)
    else:
        store, direct = servers.virtuoso_server(source, folder / "virtuoso")
    try:
        ctx = open_node(Settings(base_url=BASE, data_dir=folder / "node", load_bundled_catalogue=False, request_rate=0,
                                 store="sparql", store_query_url=store.query_url, store_update_url=store.update_url))
        try:
            client = create_app(context=ctx).test_client()
            profile_pages(client)
            profile_cpu(client, args.repeat)
        finally:
            ctx.close()
    finally:
        direct.stop()
        store.stop()
        servers.remove(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
