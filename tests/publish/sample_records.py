"""Records cut from the bundled HDH catalogue, renamed or damaged, for publishing tests.

The bundled datasets conform to the HealthDCAT-AP profile, so a copy under another IRI is a valid
record to PUT or load, and a copy without a mandatory property is an invalid one.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

import pyoxigraph as ox

from node import rdfio
from node.datasets import split_records
from tests.conftest import BASE_URL

DCT_TITLE = "http://purl.org/dc/terms/title"
HDAB = "http://healthdataportal.eu/ns/health#hdab"
BUNDLED_IDS = ("snds", "oscour", "bone-marrow-register", "angioplasties-500k", "i-share", "hydro")


def bundled_bytes() -> bytes:
    return files("node.data").joinpath("hdh-catalogue.ttl").read_bytes()


@lru_cache(maxsize=1)
def _bundled_records() -> dict[str, tuple[ox.Triple, ...]]:
    triples = rdfio.parse_triples(bundled_bytes(), "text/turtle", base_iri=BASE_URL)
    prefix = BASE_URL + "datasets/"
    return {dataset.value[len(prefix):]: tuple(record) for dataset, record in split_records(triples)}


def bundled_record(record_id: str) -> list[ox.Triple]:
    """The triples of one bundled dataset (the dataset and all it reaches)."""
    return list(_bundled_records()[record_id])


def renamed(record_id: str, new_id: str) -> list[ox.Triple]:
    """A bundled record whose dataset IRI is `<base>datasets/<new_id>`."""
    old, new = ox.NamedNode(BASE_URL + "datasets/" + record_id), ox.NamedNode(BASE_URL + "datasets/" + new_id)

    def swap(term):
        return new if term == old else term

    return [ox.Triple(swap(t.subject), t.predicate, swap(t.object)) for t in bundled_record(record_id)]


def retitled(triples: list[ox.Triple], title: str) -> list[ox.Triple]:
    """The same record with its dataset's titles replaced by one English title."""
    dataset = next(t.subject for t in triples if t.object == ox.NamedNode("http://www.w3.org/ns/dcat#Dataset"))
    kept = [t for t in triples if not (t.subject == dataset and t.predicate.value == DCT_TITLE)]
    return kept + [ox.Triple(dataset, ox.NamedNode(DCT_TITLE), ox.Literal(title, language="en"))]


def without(triples: list[ox.Triple], predicate: str) -> list[ox.Triple]:
    return [t for t in triples if t.predicate.value != predicate]


def turtle(triples: list[ox.Triple]) -> bytes:
    return rdfio.serialize(triples, "text/turtle")
