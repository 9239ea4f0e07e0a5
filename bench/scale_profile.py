"""Why pages cost more on a remote store: the SPARQL requests one page sends to the server.

    /work/venv/bin/python bench/scale_profile.py [--size 1000] [--backend oxigraph|virtuoso]

One node in this process (Flask test client) on bench/scale.py's data in `oxigraph serve` (or Virtuoso);
every request the store backend sends is counted (requests.Session.request wrapped), per page kind
and per query shape, with the wall and CPU time of the page. Then the cost of reading a page's 20
published forms one query each (what node.catalog does through RecordStore.published_ntriples)
against one query with VALUES for all 20; and Turtle pages per second in this process with
node.catalog.page_ntriples as it is and with such a one-query version patched in (an experiment,
not the node's code).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale_servers as servers  # noqa: E402
from catalog import BASE, build_store  # noqa: E402

PAGES = [("/catalog?page=7", "text/turtle"), ("/catalog?page=8", "text/html"),
         ("/datasets/gen-15", "text/turtle"), ("/datasets/gen-16", "text/html")]
PUBLISHED = "https://w3id.org/ehds-node/ns#publishedForm"


class Counting:
    """Counts the store's HTTP requests by query shape (IRIs and numbers blanked)."""

    def __init__(self):
        self.calls, self.seconds, self._original = Counter(), Counter(), requests.Session.request

    def __enter__(self):
        counting = self

        def request(session, method, url, **kwargs):
            started = time.perf_counter()
            try:
                return counting._original(session, method, url, **kwargs)
            finally:
                shape = counting.shape(kwargs.get("data"))
                counting.calls[shape] += 1
                counting.seconds[shape] += time.perf_counter() - started

        requests.Session.request = request
        return self

    def __exit__(self, *exc):
        requests.Session.request = self._original

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
            print(f"    {calls:>3} × {shape}")


def per_entry_against_one_query(store) -> None:
    graphs = [f"{BASE}graph/local/gen-{i}" for i in range(100, 120)]
    session = requests.Session()

    def ask(query):
        session.post(store.query_url, data={"query": query},
                     headers={"Accept": "application/sparql-results+json"}).raise_for_status()

    def one_each():
        for g in graphs:
            ask(f"SELECT * WHERE {{ GRAPH <{g}> {{ ?s <{PUBLISHED}> ?o }} }}")

    def all_at_once():
        values = " ".join(f"<{g}>" for g in graphs)
        ask(f"SELECT ?g ?o WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s <{PUBLISHED}> ?o }} }}")

    for name, action in (("20 queries, one per entry", one_each), ("1 query with VALUES", all_at_once)):
        action()
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(20):
            action()
        print(f"{name}: {(time.perf_counter() - wall) * 50:.1f} ms wall, {(time.process_time() - cpu) * 50:.1f} ms "
              "client CPU per page")


def batched_page_ntriples(store, naming, page) -> bytes:
    """page_ntriples with the entries' published forms read in one query (the experiment)."""
    import pyoxigraph as ox

    from node import catalog

    graphs = [entry.graph for entry in page.entries]
    values = " ".join(f"<{g}>" for g in graphs)
    rows = store.select(f"SELECT ?g ?form WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s <{PUBLISHED}> ?form }} }}")
    forms = {row["g"].value: row["form"].value.encode() for row in rows}
    parts = [store.published_ntriples(naming.catalog_graph)]
    parts += [store.published_ntriples(graph) for graph in store.sub_catalogue_graphs()]
    parts += [forms.get(graph) or store.published_ntriples(graph) for graph in graphs]
    parts.append(ox.serialize(catalog._hydra_triples(naming, page), format=ox.RdfFormat.N_TRIPLES))
    return b"".join(parts)


def pages_per_second(client, seconds: float = 5.0) -> tuple[float, float]:
    """(Turtle pages per wall second, per CPU second of this process), one client."""
    done, wall, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - wall < seconds:
        response = client.get(f"/catalog?page={2 + done % 40}", headers={"Accept": "text/turtle"})
        assert response.status_code == 200
        done += 1
    return done / (time.perf_counter() - wall), done / (time.process_time() - cpu)


def compare_batched(client) -> None:
    from node.web import catalog as web_catalog

    as_is = pages_per_second(client)
    original = web_catalog.page_ntriples
    web_catalog.page_ntriples = batched_page_ntriples
    try:
        pages = client.get("/catalog?page=3", headers={"Accept": "application/n-triples"}).data
        web_catalog.page_ntriples = original
        assert pages == client.get("/catalog?page=3", headers={"Accept": "application/n-triples"}).data
        web_catalog.page_ntriples = batched_page_ntriples
        batched = pages_per_second(client)
    finally:
        web_catalog.page_ntriples = original
    print(f"Turtle pages, one client: {as_is[0]:.0f}/s ({as_is[1]:.0f} per CPU second) as is; "
          f"{batched[0]:.0f}/s ({batched[1]:.0f} per CPU second) with the published forms in one query "
          "(same bytes)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--backend", choices=("oxigraph", "virtuoso"), default="oxigraph")
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
            print()
            compare_batched(client)
        finally:
            ctx.close()
        print()
        per_entry_against_one_query(store)
    finally:
        direct.stop()
        store.stop()
        servers.remove(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
