"""During a harvest apply, readers see every record old or new, never missing (issue 11)."""

from __future__ import annotations

import threading
import time

import pyoxigraph as ox
import requests

from tests.harvest_runs.test_runs import harvest, source
from tests.harvesters.catalogues import catalogue_turtle
from tests.sparql.conftest import LiveServer

RECORDS = 2000
TOTAL_ITEMS = "http://www.w3.org/ns/hydra/core#totalItems"


def total_items(url: str) -> int:
    response = requests.get(url + "catalog?per_page=1", headers={"Accept": "application/n-triples"}, timeout=30)
    response.raise_for_status()
    for quad in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES):
        if quad.predicate.value == TOTAL_ITEMS:
            return int(quad.object.value)
    raise AssertionError("no hydra:totalItems on /catalog")


def test_a_reader_sampling_every_50_ms_never_sees_fewer_records_during_an_apply(partner, central):
    from node.web.app import create_app

    url = partner.serve("/all.ttl", catalogue_turtle(range(1, RECORDS + 1)))
    assert harvest(central, source(url)).written == RECORDS
    server = LiveServer(create_app(context=central))
    samples: list[int] = []
    done = threading.Event()

    def sample():
        while not done.is_set():
            samples.append(total_items(server.url))
            time.sleep(0.05)

    try:
        partner.serve("/all.ttl", catalogue_turtle(range(1, RECORDS + 1)).replace("2024-03-01", "2025-06-30"))
        reader = threading.Thread(target=sample)
        reader.start()
        report = harvest(central, source(url))
        done.set()
        reader.join(timeout=60)
    finally:
        done.set()
        server.stop()
    assert report.written == RECORDS  # every record changed, so every graph was replaced
    assert len(samples) >= 5 and set(samples) == {RECORDS}
    updates = central.store.changes(RECORDS + 1, central.store.last_sequence(), with_payload=False)
    assert len(updates) == RECORDS and {e.kind for e in updates} == {"update"}
