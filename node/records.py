"""Local records: the only code that writes the node's own dataset records.

A record is one named graph `<base>graph/local/<id>` holding the dataset, everything reachable
from it, its dcat:CatalogRecord (`<base>datasets/<id>#record`, issued/modified kept by the node),
the catalogue's `dcat:dataset`/`dcat:record` links, and the index terms of node.catalog_index.
Publishing parses nothing and serves nothing: it checks, validates, then swaps one graph.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

import pyoxigraph as ox

from node import shared_resources as shared
from node.catalog_index import index_triples
from node.datasets import dataset_subjects, publishable, split_records, with_published_form
from node.errors import InvalidRecord, NotFound, ValidationFailed
from node.rdfio import syntax_for_suffix
from node.skolem import skolemise_shared
from node.store.base import GraphChange
from node.store.naming import RECORD_ID, Naming  # noqa: F401 (Naming re-exported for callers)
from vocab.namespaces import ADMS, DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

_RDF_TYPE = ox.NamedNode(str(RDF.type))
_DATETIME = ox.NamedNode(str(XSD.dateTime))
DCAT_AP_3 = "https://semiceu.github.io/DCAT-AP/releases/3.0.1/"  # the profile every record follows
_CHANGE_TYPE = "http://purl.org/adms/changetype/"  # ADMS change types, as DCAT-AP 3 names for adms:status

Validate = Callable[[list[ox.Triple]], object]  # returns a report with .conforms / .violations


def check_record_id(record_id: str) -> str:
    if not RECORD_ID.fullmatch(record_id):
        raise NotFound(f"'{record_id}' is not a record id (letters, digits, '.', '_', '-'; at most 128)")
    return record_id


def _check_not_a_document_name(store, naming: Naming, record_id: str) -> None:
    """A new record may not be called like another record's document: /datasets/snds.ttl is the
    Turtle of record 'snds', linked from its page, and a record 'snds.ttl' would take that address."""
    stem, _, suffix = record_id.rpartition(".")
    if stem and syntax_for_suffix(suffix) and not store.has_graph(naming.local_graph(record_id)):
        raise InvalidRecord(f"'{record_id}' ends in the format suffix '.{suffix}': /datasets/{record_id} is the "
                            f"{suffix} document of record '{stem}'; choose an id without it")


@dataclass(frozen=True)
class PublishResult:
    record_id: str
    dataset_iri: str
    created: bool
    report: object
    updated: tuple[str, ...] = ()  # other local records whose copy of a shared resource this changed


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def publish(store, naming: Naming, record_id: str, triples: list[ox.Triple], validate: Validate,
            *, dataset_iri: str | None = None, now: str | None = None) -> PublishResult:
    """Validate and store one record, replacing any previous version atomically.

    The dataset IRI follows `dataset_iri_rule` (the same for PUT and load); the record's page is
    /datasets/<id> whatever the dataset IRI."""
    check_record_id(record_id)
    _check_not_a_document_name(store, naming, record_id)
    dataset = _single_dataset(triples)
    dataset_iri = dataset_iri or dataset_iri_rule(naming, record_id, dataset)
    if isinstance(dataset, ox.BlankNode):
        triples = [_rename(t, dataset, ox.NamedNode(dataset_iri)) for t in triples]
    else:
        triples = _reachable_only(triples, dataset)
    check_not_held_elsewhere(store, naming, record_id, dataset_iri)
    report = validate(triples)
    if not report.conforms:
        count = len(report.violations)
        raise ValidationFailed(f"record '{record_id}' does not conform: {count} violation(s)", report)
    triples = skolemise_shared(triples, ox.NamedNode(dataset_iri), naming.base_url)
    graph = naming.local_graph(record_id)
    issued = store.record_issued(graph)
    now = now or now_iso()
    record_triples = stored_record(naming, record_id, dataset_iri, triples, issued or now, now,
                                   first_version=issued is None)
    updates = shared_resource_updates(store, naming, graph, record_triples, now)
    entries = store.apply([GraphChange(graph, tuple(record_triples)), *updates])
    updated = tuple(naming.record_id_for_graph(change.name) for change in updates)
    # created: as the change log says, under the store's write lock (of racing PUTs that each saw no
    # record, one creates it and the others update it); a load's batch writes later, in one apply
    created = issued is None if entries is None else \
        any(entry.graph == graph and entry.kind == "create" for entry in entries)
    return PublishResult(record_id, dataset_iri, created, report, updated)


def shared_resource_updates(store, naming: Naming, graph: str, record_triples: list[ox.Triple],
                            now: str) -> list[GraphChange]:
    """The other local records that describe a shared resource differently, given this record's copy
    (node.shared_resources: one description per shared resource among local records)."""
    terms = [t for t in record_triples if t.predicate == shared.LOCAL_DESCRIPTION]
    changed = shared.changed_resources(store, graph, terms)
    if not changed:
        return []
    pending = getattr(store, "pending_graphs", frozenset())  # written by the same load: newer than the store
    resources, source = [term.subject for term in changed], list(publishable(record_triples))
    return [_with_new_copies(store, naming, holder, source, resources, now)
            for holder in sorted(shared.holders_to_update(store, graph, changed) - pending)]


def _with_new_copies(store, naming: Naming, holder: str, source: list[ox.Triple], resources: list,
                     now: str) -> GraphChange:
    dataset_iri = store.dataset_of_graph(holder)
    body = _reachable_only(list(publishable(store.graph_triples(holder))), ox.NamedNode(dataset_iri))
    body = shared.with_descriptions_of(body, source, resources, naming.base_url)
    record_id = naming.record_id_for_graph(holder)
    issued = store.record_issued(holder) or now
    return GraphChange(holder, tuple(stored_record(naming, record_id, dataset_iri, body, issued, now,
                                                   first_version=False)))


def dataset_iri_rule(naming: Naming, record_id: str, dataset) -> str:
    """The one rule for a record's dataset IRI, in PUT and load alike.

    A blank node (or `<>` in a PUT body) becomes `<base>datasets/<id>`; an IRI outside
    `<base>datasets/` is the publisher's own and is kept; an IRI under `<base>datasets/` must be
    this record's, since it names another record otherwise."""
    own = naming.dataset(record_id)
    if isinstance(dataset, ox.BlankNode) or dataset.value == own:
        return own
    if dataset.value.startswith(naming.base_url + "datasets/"):
        raise InvalidRecord(
            f"the dataset in the body is <{dataset.value}>, the IRI of another record of this node, "
            f"but this record's dataset IRI is <{own}>; use that IRI (or <> relative to the request URL)")
    return dataset.value


def _single_dataset(triples: list[ox.Triple]):
    datasets = dataset_subjects(triples)
    if len(datasets) != 1:
        found = ", ".join(str(d) for d in datasets) or "none"
        raise InvalidRecord(f"a record describes exactly one dcat:Dataset; found {len(datasets)} ({found})")
    return datasets[0]


def check_not_held_elsewhere(store, naming: Naming, record_id: str, dataset_iri: str) -> None:
    """One dataset, one local record: a second record with the same dataset IRI would merge with it."""
    for graph in sorted(store.holders(dataset_iri)):
        holder = naming.record_id_for_graph(graph)
        if graph.startswith(naming.base_url + "graph/local/") and holder != record_id:
            raise InvalidRecord(f"the dataset <{dataset_iri}> is already published as record '{holder}'; "
                                f"replace that record (PUT /datasets/{holder}) instead")


def _reachable_only(triples: list[ox.Triple], dataset) -> list[ox.Triple]:
    for subject, record_triples in split_records(triples):
        if subject == dataset:
            return record_triples
    return triples


def _rename(triple: ox.Triple, old, new) -> ox.Triple:
    subject = new if triple.subject == old else triple.subject
    obj = new if triple.object == old else triple.object
    return ox.Triple(subject, triple.predicate, obj)


def stored_record(naming: Naming, record_id: str, dataset_iri: str, dataset_triples: list[ox.Triple],
                  issued: str, modified: str, *, first_version: bool | None = None) -> list[ox.Triple]:
    """Everything a local record's graph holds: the dataset, its catalogue record and the catalogue's
    links, the index terms (records sort by first publication) and the published form.
    `first_version`: see catalog_record_triples."""
    record = ox.NamedNode(naming.record(record_id))
    dataset = ox.NamedNode(dataset_iri)
    catalog = ox.NamedNode(naming.catalog)
    triples = (dataset_triples + catalog_record_triples(catalog, record, dataset, issued, modified,
                                                        first_version=first_version)
               + index_triples(record, dataset, dataset_triples, f"{issued}|{record_id}", modified,
                               naming.local_graph(record_id))
               + shared.description_terms(dataset_triples, dataset, naming.base_url))
    return with_published_form(record, triples)


def catalog_record_triples(catalog: ox.NamedNode, record: ox.NamedNode, dataset, issued: str,
                           modified: str, *, first_version: bool | None = None) -> list[ox.Triple]:
    """The dcat:CatalogRecord of a dataset and the catalogue's links to both (local or harvested).

    It says which profile the record follows (dct:conformsTo) and whether it was created or updated
    (adms:status), as DCAT-AP recommends: the node's own additions raise no warnings of their own.
    `first_version`: whether this write creates the record; by default, whether it was issued when
    modified (the dates have whole seconds: an update in the second of the creation needs it said)."""
    def term(iri):
        return ox.NamedNode(str(iri))

    change = "Created" if (issued == modified if first_version is None else first_version) else "Updated"
    status = _CHANGE_TYPE + change
    return [
        ox.Triple(catalog, term(DCAT.dataset), dataset),
        ox.Triple(catalog, term(DCAT.record), record),
        ox.Triple(record, _RDF_TYPE, term(DCAT.CatalogRecord)),
        ox.Triple(record, term(FOAF.primaryTopic), dataset),
        ox.Triple(record, term(DCTERMS.issued), ox.Literal(issued, datatype=_DATETIME)),
        ox.Triple(record, term(DCTERMS.modified), ox.Literal(modified, datatype=_DATETIME)),
        ox.Triple(record, term(DCTERMS.conformsTo), term(DCAT_AP_3)),
        ox.Triple(term(DCAT_AP_3), _RDF_TYPE, term(DCTERMS.Standard)),
        ox.Triple(record, term(ADMS.status), term(status)),
        ox.Triple(term(status), _RDF_TYPE, term(SKOS.Concept)),
        ox.Triple(term(status), term(SKOS.prefLabel), ox.Literal(change, language="en")),
    ]


def delete(store, naming: Naming, record_id: str) -> None:
    check_record_id(record_id)
    graph = naming.local_graph(record_id)
    if not store.has_graph(graph):
        raise NotFound(f"no record '{record_id}'")
    store.apply([GraphChange(graph, None)])

