"""score_dataset and score_catalogue: read the facts, gather evidence once, score each dataset."""

from __future__ import annotations

from typing import Iterable

from rdflib import Graph, URIRef
from rdflib.term import Node

from node.errors import NotFound
from node.datasets import split_records
from node.quality.compliance import (Compliance, catalogue_compliance, dataset_compliance, default_validator,
                                     health_validator)
from node.rdfio import from_rdflib, rdflib_term_to_ox
from node.quality.distributions import Evidence, check_distributions
from node.quality.facts import DatasetFacts, dataset_iris, read_dataset
from node.quality.formats import ConceptLookup, Vocabularies
from node.quality.health import health_checks
from node.quality.links import LinkChecker, LinkStatus
from node.quality.model import CatalogueScore, DatasetScore
from node.quality.mqa import AccessOffer, score_indicators
from vocab.namespaces import DCAT


def score_dataset(graph: Graph, dataset_iri, *, check_links: bool = False, validator=None,
                  vocabularies: Vocabularies | None = None, concept_iris: ConceptLookup | None = None,
                  link_checker: LinkChecker | None = None) -> DatasetScore:
    """Score one dataset of `graph`; `validator` defaults to the node's dcat-ap-3 validator."""
    dataset = dataset_iri if isinstance(dataset_iri, Node) else URIRef(str(dataset_iri))
    if (dataset, None, None) not in graph:
        raise NotFound(f"dataset {dataset} is not described in the graph")
    validator = validator or default_validator()
    vocabularies = vocabularies or Vocabularies.load(concept_iris)
    facts = read_dataset(graph, dataset)
    links = _check_links([facts], link_checker) if check_links else None
    return _score(graph, dataset, facts, Evidence(vocabularies, links), dataset_compliance(graph, dataset, validator))


def score_catalogue(graph: Graph, *, check_links: bool = False, validator=None,
                    vocabularies: Vocabularies | None = None, concept_iris: ConceptLookup | None = None,
                    link_checker: LinkChecker | None = None) -> CatalogueScore:
    """Score every dcat:Dataset in `graph`: validation runs once, each link is checked once."""
    datasets = dataset_iris(graph)
    validator = validator or default_validator()
    vocabularies = vocabularies or Vocabularies.load(concept_iris)
    facts = [read_dataset(graph, d) for d in datasets]
    links = _check_links(facts, link_checker) if check_links else None
    evidence = Evidence(vocabularies, links)
    compliance = catalogue_compliance(graph, datasets, validator) if datasets else {}
    return CatalogueScore(tuple(
        _score(graph, dataset, fact, evidence, compliance[str(dataset)])
        for dataset, fact in zip(datasets, facts)
    ))


def _score(graph: Graph, dataset: Node, facts: DatasetFacts, evidence: Evidence,
           compliance: Compliance) -> DatasetScore:
    distributions = check_distributions(facts.distributions, evidence)
    health = health_checks(graph, dataset, _health_violations(graph, dataset))
    offer = AccessOffer(_application(graph, dataset), any(c.key == "hdab" and c.present for c in health))
    indicators = score_indicators(facts, distributions, evidence.vocabularies, compliance, offer)
    return DatasetScore(facts.iri, facts.title, indicators, health)


def _application(graph: Graph, dataset: Node) -> str | None:
    """Where a non-public dataset's users apply: an access URL or service of a distribution, or its landing page."""
    for distribution in graph.objects(dataset, DCAT.distribution):
        for prop in (DCAT.accessURL, DCAT.accessService):
            found = graph.value(distribution, prop)
            if found is not None:
                return str(found)
    landing = graph.value(dataset, DCAT.landingPage)
    return str(landing) if landing is not None else None


def _health_violations(graph: Graph, dataset: Node) -> list:
    """The HealthDCAT-AP violations of the dataset's record (none when validation is not installed)."""
    validator = health_validator()
    if validator is None:
        return []
    record = dict(split_records(from_rdflib(graph))).get(rdflib_term_to_ox(dataset), [])
    return list(validator.validate(record).violations)


def _check_links(facts: Iterable[DatasetFacts], checker: LinkChecker | None) -> dict[str, LinkStatus]:
    urls = [url for f in facts for d in f.distributions for url in (*d.access_urls, *d.download_urls)]
    return (checker or LinkChecker()).check_all(urls)

