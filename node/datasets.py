"""Working with dataset descriptions as Oxigraph triples: split a document into one record per
dcat:Dataset, restore the datatypes Oxigraph normalises, and strip the node's index terms.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Iterator

import pyoxigraph as ox

from vocab.namespaces import DCAT, DCATAP, EHDS, HEALTHDCATAP, HYDRA, RDF, XSD

RDF_TYPE = ox.NamedNode(str(RDF.type))
DCAT_DATASET = ox.NamedNode(str(DCAT.Dataset))
_DCAT_DATASET_LINK = ox.NamedNode(str(DCAT.dataset))
_LITERAL = ox.Literal
DATASET_TYPES = frozenset(ox.NamedNode(str(t)) for t in (DCAT.Dataset, DCAT.DatasetSeries))
# Nodes a record never crosses into: other datasets, catalogues, records and Hydra paging nodes.
_BOUNDARY_TYPES = DATASET_TYPES | frozenset(
    [ox.NamedNode(str(t)) for t in (DCAT.Catalog, DCAT.CatalogRecord)]
    + [ox.NamedNode(str(HYDRA[t])) for t in ("Collection", "PartialCollectionView", "PagedCollection")])
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


def dataset_subjects(triples: Iterable[ox.Triple]) -> list[ox.NamedNode | ox.BlankNode]:
    """The dcat:Dataset subjects of a document, in document order."""
    seen, found = set(), []
    for t in triples:
        if t.predicate == RDF_TYPE and t.object == DCAT_DATASET and t.subject not in seen:
            seen.add(t.subject)
            found.append(t.subject)
    return found


def split_records(triples: list[ox.Triple]) -> list[tuple[ox.NamedNode | ox.BlankNode, list[ox.Triple]]]:
    """One (dataset, triples) pair per dataset described in a document (typed dcat:Dataset or
    dcat:DatasetSeries, or linked by dcat:dataset), in document order: the dataset and everything
    reachable from it through object links, not crossing into other datasets, catalogues, catalogue
    records or Hydra nodes. Shared nodes (a publisher, a licence) are copied into every record, each
    triple once however often the document states it."""
    by_subject: dict[object, list[ox.Triple]] = defaultdict(list)
    datasets: dict = {}
    boundaries: set = set()
    for t in dict.fromkeys(triples):
        by_subject[t.subject].append(t)
        if t.predicate == RDF_TYPE and t.object in _BOUNDARY_TYPES:
            boundaries.add(t.subject)
            if t.object in DATASET_TYPES:
                datasets.setdefault(t.subject, None)
        elif t.predicate == _DCAT_DATASET_LINK:
            datasets.setdefault(t.object, None)
    boundaries.update(datasets)
    return [(dataset, reachable(dataset, by_subject, boundaries)) for dataset in datasets
            if dataset in by_subject]  # a dataset only linked from a catalogue is not described here


def reachable(start, by_subject: dict, boundaries: set | frozenset = frozenset()) -> list[ox.Triple]:
    """The triples of `start` and of every node reachable from it, not entering `boundaries`."""
    collected, visited, todo = [], {start}, [start]
    while todo:
        for t in by_subject.get(todo.pop(), ()):
            collected.append(t)
            obj = t.object
            if type(obj) is _LITERAL:  # most objects: skip the lookups
                continue
            if obj in by_subject and obj not in visited and obj not in boundaries:
                visited.add(obj)
                todo.append(obj)
    return collected


def by_subject_index(triples) -> dict[object, list[ox.Triple]]:
    index: dict[object, list[ox.Triple]] = defaultdict(list)
    for t in triples:
        index[t.subject].append(t)
    return index
