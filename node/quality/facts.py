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


class _Properties:
    """A node's property values, read with one lookup instead of one per property."""

    def __init__(self, graph: Graph, node: Node):
        self.values: dict[Node, list[Node]] = {}
        for predicate, obj in graph.predicate_objects(node):
            self.values.setdefault(predicate, []).append(obj)

    def texts(self, predicate: URIRef) -> tuple[str, ...]:
        return tuple(sorted({str(o) for o in self.values.get(predicate, ())}))

    def count(self, predicate: URIRef) -> int:
        return len(self.values.get(predicate, ()))

    def has(self, predicate: URIRef) -> bool:
        return predicate in self.values

    def title(self) -> str | None:
        """The English title when there is one, else any title (stable choice)."""
        titles = [t for t in self.values.get(DCTERMS.title, ()) if isinstance(t, Literal)]
        if not titles:
            return None
        english = sorted(str(t) for t in titles if (t.language or "").lower().startswith("en"))
        return english[0] if english else sorted(str(t) for t in titles)[0]


def read_distribution(graph: Graph, node: Node) -> DistributionFacts:
    p = _Properties(graph, node)
    return DistributionFacts(
        iri=str(node),
        access_urls=p.texts(DCAT.accessURL),
        download_urls=p.texts(DCAT.downloadURL),
        formats=p.texts(DCTERMS.format),
        media_types=p.texts(DCAT.mediaType),
        licences=p.texts(DCTERMS.license),
        has_rights=p.has(DCTERMS.rights),
        has_byte_size=p.has(DCAT.byteSize),
        has_issued=p.has(DCTERMS.issued),
        has_modified=p.has(DCTERMS.modified),
    )


def read_dataset(graph: Graph, dataset: Node) -> DatasetFacts:
    p = _Properties(graph, dataset)
    distributions = sorted(set(p.values.get(DCAT.distribution, ())), key=str)
    return DatasetFacts(
        iri=str(dataset),
        title=p.title(),
        keywords=p.count(DCAT.keyword),
        themes=p.count(DCAT.theme),
        spatial=p.count(DCTERMS.spatial),
        temporal=p.count(DCTERMS.temporal),
        access_rights=p.texts(DCTERMS.accessRights),
        contact_points=p.count(DCAT.contactPoint),
        publishers=p.count(DCTERMS.publisher),
        has_issued=p.has(DCTERMS.issued),
        has_modified=p.has(DCTERMS.modified),
        distributions=tuple(read_distribution(graph, d) for d in distributions
                            if isinstance(d, (URIRef, BNode))),
    )
