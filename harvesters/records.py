"""Split one page's graph into dataset records, fast, on Oxigraph terms.

A record is a dataset and everything reachable from it by following objects that are described on
the page, stopping at other datasets, catalogues, catalogue records and Hydra paging nodes (their
link is kept, their description is not). Shared nodes (one publisher for many datasets) are copied
into each record, so a record stands alone.
"""

from __future__ import annotations

import uuid
from collections import defaultdict

import pyoxigraph as ox

from harvesters.base import HarvestedRecord

_LITERAL = ox.Literal
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_DCAT = "http://www.w3.org/ns/dcat#"
_HYDRA = "http://www.w3.org/ns/hydra/core#"
_DCT_IDENTIFIER = ox.NamedNode("http://purl.org/dc/terms/identifier")
_DCT_MODIFIED = ox.NamedNode("http://purl.org/dc/terms/modified")
_DCT_TITLE = ox.NamedNode("http://purl.org/dc/terms/title")
_ADMS_IDENTIFIER = ox.NamedNode("http://www.w3.org/ns/adms#identifier")
_SKOS_NOTATION = ox.NamedNode("http://www.w3.org/2004/02/skos/core#notation")
_DCAT_DATASET = ox.NamedNode(_DCAT + "dataset")
DATASET_TYPES = frozenset(ox.NamedNode(_DCAT + t) for t in ("Dataset", "DatasetSeries"))
_BOUNDARY_TYPES = DATASET_TYPES | frozenset(
    [ox.NamedNode(_DCAT + t) for t in ("Catalog", "CatalogRecord")]
    + [ox.NamedNode(_HYDRA + t) for t in ("Collection", "PartialCollectionView", "PagedCollection")])

# Namespace for skolem IRIs of blank-node datasets (uuid5 of source name + identifier or title).
SKOLEM_NAMESPACE = uuid.UUID("5d0f3c1e-7b8a-4c61-9e0f-2a4e8c9d1b70")


def split_records(triples, source_url: str, *, source: str) -> tuple[list[HarvestedRecord], list[str]]:
    """Records for every dataset on the page, in page order; plus problems (datasets skipped, why)."""
    by_subject: dict = defaultdict(list)
    datasets: dict = {}
    boundaries: set = set()
    for triple in triples:
        subject = triple.subject
        by_subject[subject].append(triple)
        predicate = triple.predicate
        if predicate == _RDF_TYPE and triple.object in _BOUNDARY_TYPES:
            boundaries.add(subject)
            if triple.object in DATASET_TYPES:
                datasets.setdefault(subject, None)
        elif predicate == _DCAT_DATASET:
            datasets.setdefault(triple.object, None)
    boundaries.update(datasets)
    records, problems = [], []
    for dataset in datasets:
        if dataset not in by_subject or isinstance(dataset, ox.Literal):
            continue  # only linked from a catalogue, not described on this page
        found = _reachable(dataset, by_subject, boundaries)
        if isinstance(dataset, ox.BlankNode):
            dataset, found = _skolemize(dataset, found, by_subject, source)
            if dataset is None:
                problems.append(f"{source_url}: a blank-node dataset has neither dct:identifier nor dct:title; "
                                "skipped (give it an IRI or an identifier)")
                continue
        records.append(_record(dataset, found, by_subject, source_url))
    return records, problems


def _reachable(start, by_subject, boundaries) -> list[ox.Triple]:
    found, seen, stack = [], {start}, [start]
    while stack:
        for triple in by_subject.get(stack.pop(), ()):
            found.append(triple)
            obj = triple.object
            if type(obj) is _LITERAL:  # most objects: skip three hash lookups
                continue
            if obj in by_subject and obj not in seen and obj not in boundaries:
                seen.add(obj)
                stack.append(obj)
    return found


def _skolemize(node: ox.BlankNode, found, by_subject, source: str):
    own = by_subject[node]
    key = _first_value(own, _DCT_IDENTIFIER) or _first_value(own, _DCT_TITLE)
    if key is None:
        return None, found
    iri = ox.NamedNode(f"urn:uuid:{uuid.uuid5(SKOLEM_NAMESPACE, source + chr(10) + key)}")
    rewritten = [ox.Triple(iri if t.subject == node else t.subject, t.predicate, iri if t.object == node else t.object)
                 for t in found]
    by_subject[iri] = [t for t in rewritten if t.subject == iri]
    return iri, rewritten


def _record(dataset, found, by_subject, source_url: str) -> HarvestedRecord:
    own = by_subject[dataset]
    identifiers = [t.object.value for t in own if t.predicate == _DCT_IDENTIFIER]
    for t in own:
        if t.predicate == _ADMS_IDENTIFIER:
            identifiers.extend(n.object.value for n in by_subject.get(t.object, ()) if n.predicate == _SKOS_NOTATION)
    return HarvestedRecord(
        dataset_iri=dataset.value,
        triples=tuple(found),
        source_url=source_url,
        modified=_first_value(own, _DCT_MODIFIED),
        identifiers=tuple(dict.fromkeys(identifiers)),
    )


def _first_value(triples, predicate) -> str | None:
    for triple in triples:
        if triple.predicate == predicate:
            return triple.object.value
    return None
