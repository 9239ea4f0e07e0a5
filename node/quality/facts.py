"""What the score looks at, read once from the graph: per dataset and per distribution.

Scoring works on these plain facts, not on the graph, so each indicator is a small pure function
and the graph is walked once per dataset.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from vocab.namespaces import DCAT, DCTERMS


@dataclass(frozen=True)
class DistributionFacts:
    iri: str
    access_urls: tuple[str, ...]
    download_urls: tuple[str, ...]
    formats: tuple[str, ...]
    media_types: tuple[str, ...]
    licences: tuple[str, ...]
    has_rights: bool
    has_byte_size: bool
    has_issued: bool
    has_modified: bool


@dataclass(frozen=True)
class DatasetFacts:
    iri: str
    title: str | None
    keywords: int
    themes: int
    spatial: int
    temporal: int
    access_rights: tuple[str, ...]
    contact_points: int
    publishers: int
    has_issued: bool
    has_modified: bool
    distributions: tuple[DistributionFacts, ...]


def dataset_iris(graph: Graph) -> list[Node]:
    """Every dcat:Dataset in the graph, in a stable order."""
    return sorted(set(graph.subjects(RDF.type, DCAT.Dataset)), key=str)


def _values(graph: Graph, subject: Node, predicate: URIRef) -> tuple[str, ...]:
    return tuple(sorted({str(o) for o in graph.objects(subject, predicate)}))


def _count(graph: Graph, subject: Node, predicate: URIRef) -> int:
    return sum(1 for _ in graph.objects(subject, predicate))


def _has(graph: Graph, subject: Node, predicate: URIRef) -> bool:
    return next(iter(graph.objects(subject, predicate)), None) is not None


def title_of(graph: Graph, subject: Node) -> str | None:
    """The English title when there is one, else any title (stable choice)."""
    titles = [t for t in graph.objects(subject, DCTERMS.title) if isinstance(t, Literal)]
    if not titles:
        return None
    english = sorted(str(t) for t in titles if (t.language or "").lower().startswith("en"))
    return english[0] if english else sorted(str(t) for t in titles)[0]


def read_distribution(graph: Graph, node: Node) -> DistributionFacts:
    return DistributionFacts(
        iri=str(node),
        access_urls=_values(graph, node, DCAT.accessURL),
        download_urls=_values(graph, node, DCAT.downloadURL),
        formats=_values(graph, node, DCTERMS.format),
        media_types=_values(graph, node, DCAT.mediaType),
        licences=_values(graph, node, DCTERMS.license),
        has_rights=_has(graph, node, DCTERMS.rights),
        has_byte_size=_has(graph, node, DCAT.byteSize),
        has_issued=_has(graph, node, DCTERMS.issued),
        has_modified=_has(graph, node, DCTERMS.modified),
    )


def read_dataset(graph: Graph, dataset: Node) -> DatasetFacts:
    distributions = sorted(set(graph.objects(dataset, DCAT.distribution)), key=str)
    return DatasetFacts(
        iri=str(dataset),
        title=title_of(graph, dataset),
        keywords=_count(graph, dataset, DCAT.keyword),
        themes=_count(graph, dataset, DCAT.theme),
        spatial=_count(graph, dataset, DCTERMS.spatial),
        temporal=_count(graph, dataset, DCTERMS.temporal),
        access_rights=_values(graph, dataset, DCTERMS.accessRights),
        contact_points=_count(graph, dataset, DCAT.contactPoint),
        publishers=_count(graph, dataset, DCTERMS.publisher),
        has_issued=_has(graph, dataset, DCTERMS.issued),
        has_modified=_has(graph, dataset, DCTERMS.modified),
        distributions=tuple(read_distribution(graph, d) for d in distributions
                            if isinstance(d, (URIRef, BNode))),
    )

