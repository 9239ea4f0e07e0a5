"""Where harvested records live and what the node says about them.

Graph `<base>graph/source/<source>/<h>` (h = hash of the dataset IRI) holds the partner's triples,
the dcat:CatalogRecord `<base>datasets/<source>.<h>#record` (first seen, last modified, the page
it came from, the content hash) and the links from the source's sub-catalogue and the node's
catalogue. The sub-catalogue `<base>sources/<source>` is described in `<base>graph/sources/<source>`.
"""

from __future__ import annotations

import hashlib

import pyoxigraph as ox

from node.catalog_index import index_triples
from node.datasets import with_published_form
from node.records import Naming, catalog_record_triples
from node.skolem import skolemise_shared
from vocab.namespaces import DCAT, DCTERMS, EHDS, PROV, RDF

CONTENT_HASH = ox.NamedNode(str(EHDS.contentHash))
DERIVED_FROM = ox.NamedNode(str(PROV.wasDerivedFrom))


def _n(iri) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


def iri_hash(dataset_iri: str) -> str:
    return hashlib.sha256(dataset_iri.encode()).hexdigest()[:24]


def source_graph_prefix(naming: Naming, source: str) -> str:
    return f"{naming.base_url}graph/source/{source}/"


def record_graph(naming: Naming, source: str, dataset_iri: str) -> str:
    return naming.harvested_graph(source, iri_hash(dataset_iri))


def source_catalog(naming: Naming, source: str) -> str:
    return f"{naming.base_url}sources/{source}"


def source_description_graph(naming: Naming, source: str) -> str:
    return f"{naming.base_url}graph/sources/{source}"


def content_hash(triples) -> str:
    """A hash of the record's content that ignores triple order, repeats and blank-node labels."""
    text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    lines = set(text.splitlines())
    if b"_:" in text:  # blank nodes (or "_:" inside a literal, which the labelling leaves alone)
        lines = _labelled_by_content(lines) or _canonical_lines(triples)
    return hashlib.sha256(b"\n".join(sorted(lines))).hexdigest()


def _labelled_by_content(lines: set[bytes]) -> set[bytes] | None:
    """The lines with each blank node renamed after a hash of what it says (recursively), or None when
    that is not a canonical form: a blank node used twice as an object, a cycle, or two blank nodes
    saying the same. Records' blank nodes are nearly always such trees (a contact point, a period),
    and this costs a fraction of the general canonicalisation."""
    own: dict[bytes, list[tuple[bytes, bytes]]] = {}
    used_as_object: set[bytes] = set()
    plain: list[bytes] = []
    blank = {line for line in lines if b"_:" in line}  # the other lines stay as they are
    for line in blank:
        subject, predicate, rest = line.split(b" ", 2)
        obj = rest[:-2]
        if obj.startswith(b"_:"):
            if obj in used_as_object:
                return None
            used_as_object.add(obj)
        if subject.startswith(b"_:"):
            own.setdefault(subject, []).append((predicate, obj))
        elif obj.startswith(b"_:"):
            own.setdefault(obj, [])
            plain.append(line)
        else:
            plain.append(line)
    labels: dict[bytes, bytes | None] = {}

    def label(node: bytes) -> bytes | None:
        if node in labels:
            return labels[node]  # None while in progress: a cycle
        labels[node] = None
        described = []
        for predicate, obj in own.get(node, ()):
            if obj.startswith(b"_:"):
                obj = label(obj)
                if obj is None:
                    return None
            described.append(predicate + b" " + obj)
        labels[node] = b"_:c" + hashlib.sha256(b"\n".join(sorted(described))).hexdigest()[:32].encode()
        return labels[node]

    if any(label(node) is None for node in own) or len(set(labels.values())) < len(labels):
        return None
    result = lines - blank
    for line in plain:
        subject, predicate, rest = line.split(b" ", 2)
        obj = rest[:-2]
        result.add(line if not obj.startswith(b"_:") else b" ".join((subject, predicate, labels[obj], b".")))
    for node, statements in own.items():
        result.update(b" ".join((labels[node], predicate, labels.get(obj, obj) if obj.startswith(b"_:") else obj, b"."))
                      for predicate, obj in statements)
    return result


def _canonical_lines(triples) -> set[bytes]:
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return set(ox.serialize(dataset, format=ox.RdfFormat.N_QUADS).splitlines())


def harvested_record_triples(naming: Naming, source: str, record, *, digest: str, issued: str,
                             modified: str, first_version: bool | None = None) -> list[ox.Triple]:
    """The partner's triples plus the node's catalogue record, links and index terms."""
    h = iri_hash(record.dataset_iri)
    record_node = _n(naming.record(f"{source}.{h}"))  # dereferences at /datasets/<source>.<h>
    dataset = _n(record.dataset_iri)
    sub_catalog = _n(source_catalog(naming, source))
    triples = skolemise_shared(list(record.triples), dataset, naming.base_url)  # shared agents stay single
    triples += catalog_record_triples(sub_catalog, record_node, dataset, issued, modified,
                                      first_version=first_version)
    triples += [
        ox.Triple(_n(naming.catalog), _n(DCAT.dataset), dataset),
        ox.Triple(record_node, DERIVED_FROM, _n(record.source_url)),
        ox.Triple(record_node, CONTENT_HASH, ox.Literal(digest)),
    ]
    triples += index_triples(record_node, dataset, record.triples, f"{issued}|{source}|{h}", modified,
                             record_graph(naming, source, record.dataset_iri))
    return with_published_form(record_node, triples)


def source_description(naming: Naming, source, publisher) -> list[ox.Triple]:
    """The source's sub-catalogue; its publisher is the node's (who runs the harvest)."""
    catalog = _n(source_catalog(naming, source.name))
    extra = [ox.Triple(catalog, _n(DCTERMS.publisher), publisher)] if publisher is not None else []
    return extra + [
        ox.Triple(_n(naming.catalog), _n(DCAT.catalog), catalog),
        ox.Triple(catalog, _n(RDF.type), _n(DCAT.Catalog)),
        ox.Triple(catalog, _n(DCTERMS.title), ox.Literal(f"Harvested from {source.name}", language="en")),
        ox.Triple(catalog, _n(DCTERMS.description),
                  ox.Literal(f"Records harvested by this node from the {source.kind} source {source.url}",
                             language="en")),
        ox.Triple(catalog, _n(PROV.wasDerivedFrom), _n(source.url)),
    ]
