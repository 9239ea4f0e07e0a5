"""Working with dataset descriptions as Oxigraph triples: split a document into one record per
dcat:Dataset, restore the datatypes Oxigraph normalises, and strip the node's index terms.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Iterator

import pyoxigraph as ox

from vocab.namespaces import DCAT, DCATAP, EHDS, HEALTHDCATAP, RDF, XSD

RDF_TYPE = ox.NamedNode(str(RDF.type))
DCAT_DATASET = ox.NamedNode(str(DCAT.Dataset))
# Nodes a record never crosses into: other datasets and catalogues are records of their own.
_BOUNDARY_TYPES = {ox.NamedNode(str(t)) for t in (DCAT.Dataset, DCAT.Catalog, DCAT.DatasetSeries, DCAT.CatalogRecord)}
_XSD_INTEGER = ox.NamedNode(str(XSD.integer))
_NON_NEGATIVE = ox.NamedNode(str(XSD.nonNegativeInteger))

# Oxigraph stores every derived integer type as xsd:integer. The profiles require these
# properties to carry xsd:nonNegativeInteger, so we put the declared type back on the way out.
DECLARED_INTEGER_TYPES: dict[str, ox.NamedNode] = {
    str(DCAT.byteSize): _NON_NEGATIVE,
    str(HEALTHDCATAP.numberOfRecords): _NON_NEGATIVE,
    str(HEALTHDCATAP.numberOfUniqueIndividuals): _NON_NEGATIVE,
    str(HEALTHDCATAP.minTypicalAge): _NON_NEGATIVE,
    str(HEALTHDCATAP.maxTypicalAge): _NON_NEGATIVE,
    str(DCATAP.numberOfRecords): _NON_NEGATIVE,
}
_EHDS = str(EHDS)
# Each record also keeps the N-Triples we publish for it, as one literal: reading a record back from
# the on-disk store is then one lookup instead of one per term (~5x faster pages and exports).
PUBLISHED_FORM = ox.NamedNode(str(EHDS.publishedForm))


def publishable(triples: Iterable[ox.Triple]) -> Iterator[ox.Triple]:
    """Triples as we publish them: index terms dropped, declared integer datatypes restored."""
    for triple in triples:
        predicate = triple.predicate.value
        if predicate.startswith(_EHDS):
            continue
        obj = triple.object
        if isinstance(obj, ox.Literal) and obj.datatype == _XSD_INTEGER:
            declared = DECLARED_INTEGER_TYPES.get(predicate)
            if declared is not None:
                triple = ox.Triple(triple.subject, triple.predicate, ox.Literal(obj.value, datatype=declared))
        yield triple


def with_published_form(record: ox.NamedNode, triples: list[ox.Triple]) -> list[ox.Triple]:
    """The record's triples plus the published form of those that are not index terms."""
    text = ox.serialize(publishable(triples), format=ox.RdfFormat.N_TRIPLES).decode()
    return triples + [ox.Triple(record, PUBLISHED_FORM, ox.Literal(text))]


def published_ntriples(store, graph: str) -> bytes:
    """A record graph as published, in N-Triples (its stored published form when it has one)."""
    for quad in store.quads(None, PUBLISHED_FORM, None, ox.NamedNode(graph)):
        return quad.object.value.encode()
    return ox.serialize(publishable(store.graph_triples(graph)), format=ox.RdfFormat.N_TRIPLES)


def dataset_subjects(triples: Iterable[ox.Triple]) -> list[ox.NamedNode | ox.BlankNode]:
    """The dcat:Dataset subjects of a document, in document order."""
    seen, found = set(), []
    for t in triples:
        if t.predicate == RDF_TYPE and t.object == DCAT_DATASET and t.subject not in seen:
            seen.add(t.subject)
            found.append(t.subject)
    return found


def split_records(triples: list[ox.Triple]) -> list[tuple[ox.NamedNode | ox.BlankNode, list[ox.Triple]]]:
    """One (dataset, triples) pair per dcat:Dataset: the dataset and everything reachable from
    it through object links, without crossing into other datasets, catalogues or records.
    Shared nodes (a publisher, a licence) are copied into every record that reaches them."""
    by_subject: dict[object, list[ox.Triple]] = defaultdict(list)
    boundary = set()
    for t in triples:
        by_subject[t.subject].append(t)
        if t.predicate == RDF_TYPE and t.object in _BOUNDARY_TYPES:
            boundary.add(t.subject)
    records = []
    for dataset in dataset_subjects(triples):
        records.append((dataset, _reachable(dataset, by_subject, boundary)))
    return records


def _reachable(start, by_subject, boundary) -> list[ox.Triple]:
    collected, visited, todo = [], {start}, [start]
    while todo:
        node = todo.pop()
        for t in by_subject.get(node, ()):
            collected.append(t)
            obj = t.object
            if obj in by_subject and obj not in visited and obj not in boundary:
                visited.add(obj)
                todo.append(obj)
    return collected


def literal_values(triples: Iterable[ox.Triple], subject, predicate: str) -> list[ox.Literal]:
    return [t.object for t in triples
            if t.subject == subject and t.predicate.value == predicate and isinstance(t.object, ox.Literal)]


def object_values(triples: Iterable[ox.Triple], subject, predicate: str) -> list:
    return [t.object for t in triples if t.subject == subject and t.predicate.value == predicate]
