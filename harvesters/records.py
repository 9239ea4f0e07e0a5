"""One page's graph → HarvestedRecords: the node's record split (node.datasets.split_records: a
dataset and what it reaches, stopping at other datasets, catalogues, records and Hydra nodes), plus
stable IRIs for blank-node datasets and what the run needs (identifiers, dct:modified).
"""

from __future__ import annotations

import uuid

import pyoxigraph as ox

from harvesters.base import HarvestedRecord
from node import datasets
from node.catalog_index import identifiers

_DCT_MODIFIED = ox.NamedNode("http://purl.org/dc/terms/modified")
_DCT_IDENTIFIER = ox.NamedNode("http://purl.org/dc/terms/identifier")
_DCT_TITLE = ox.NamedNode("http://purl.org/dc/terms/title")

# Namespace for skolem IRIs of blank-node datasets (uuid5 of source name + identifier or title).
SKOLEM_NAMESPACE = uuid.UUID("5d0f3c1e-7b8a-4c61-9e0f-2a4e8c9d1b70")


def split_records(triples, source_url: str, *, source: str) -> tuple[list[HarvestedRecord], list[str]]:
    """Records for every dataset on the page, in page order; plus problems (datasets skipped, why)."""
    records, problems = [], []
    for dataset, found in datasets.split_records(triples):
        if isinstance(dataset, ox.Literal):
            continue
        if isinstance(dataset, ox.BlankNode):
            dataset, found = _skolemize(dataset, found, source)
            if dataset is None:
                problems.append(f"{source_url}: a blank-node dataset has neither dct:identifier nor dct:title; "
                                "skipped (give it an IRI or an identifier)")
                continue
        records.append(_record(dataset, found, source_url))
    return records, problems


def _skolemize(node: ox.BlankNode, found, source: str):
    own = [t for t in found if t.subject == node]
    key = _first_value(own, _DCT_IDENTIFIER) or _first_value(own, _DCT_TITLE)
    if key is None:
        return None, found
    iri = ox.NamedNode(f"urn:uuid:{uuid.uuid5(SKOLEM_NAMESPACE, source + chr(10) + key)}")
    rewritten = [ox.Triple(iri if t.subject == node else t.subject, t.predicate, iri if t.object == node else t.object)
                 for t in found]
    return iri, rewritten


def _record(dataset, found, source_url: str) -> HarvestedRecord:
    own = [t for t in found if t.subject == dataset]
    return HarvestedRecord(
        dataset_iri=dataset.value,
        triples=tuple(found),
        source_url=source_url,
        modified=_first_value(own, _DCT_MODIFIED),
        identifiers=tuple(identifiers(dataset, found)),
    )


def _first_value(triples, predicate) -> str | None:
    for triple in triples:
        if triple.predicate == predicate:
            return triple.object.value
    return None
