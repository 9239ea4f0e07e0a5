"""`fdp`: a FAIR Data Point, from its root through catalogues to datasets and distributions.

Every resource is dereferenced with `Accept: text/turtle`. The root links its catalogues with
fdp-o:metadataCatalog (FDP 1.x), r3d:dataCatalog (FDP 0.x) or ldp:contains; a source URL that is
itself a dcat:Catalog is read as one. Catalogues link datasets with dcat:dataset (or ldp:contains),
datasets link distributions with dcat:distribution. One HarvestPage per dataset document (streaming:
a catalogue of thousands of datasets is never held at once); its record includes the descriptions of
its distributions. Every document fetched counts toward max_pages.

A dataset or distribution that answers 404/410, or lives on a host the source may not reach, is a
page problem (the partner lists something it does not serve); any other failure stops the run.
FDPs have no modified_since; each run re-reads everything (the orchestrator's record hash keeps
unchanged records from being rewritten).
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterator

import pyoxigraph as ox

from harvesters.base import SourceHarvester, HarvestPage, PageBudget, parse_rdf
from harvesters.records import split_records
from node.fetch import HostNotAllowed, PartnerStatusError, redact_url

ACCEPT = "text/turtle, application/ld+json;q=0.8, application/rdf+xml;q=0.5"
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_DCAT = "http://www.w3.org/ns/dcat#"
_CATALOG = ox.NamedNode(_DCAT + "Catalog")
_DATASET_LINK = ox.NamedNode(_DCAT + "dataset")
_DISTRIBUTION_LINK = ox.NamedNode(_DCAT + "distribution")
_LDP_CONTAINS = ox.NamedNode("http://www.w3.org/ns/ldp#contains")
_CATALOG_LINKS = (ox.NamedNode("https://w3id.org/fdp/fdp-o#metadataCatalog"),
                  ox.NamedNode("http://www.re3data.org/schema/3-0#dataCatalog"), _LDP_CONTAINS)


class FdpHarvester(SourceHarvester):
    kind = "fdp"

    def pages(self, *, modified_since: datetime | None = None,
              validators: dict[str, dict] | None = None) -> Iterator[HarvestPage]:
        budget = PageBudget(self.source)
        root = self._read(self.source.url, budget)
        root_iri = ox.NamedNode(self.source.url)
        if (root_iri, _RDF_TYPE, _CATALOG) in {(t.subject, t.predicate, t.object) for t in root}:
            catalogs = [self.source.url]
        else:
            catalogs = _links(root, _CATALOG_LINKS)
        seen: set[str] = set()
        for catalog_url in catalogs:
            catalog = root if catalog_url == self.source.url else self._read(catalog_url, budget)
            for dataset_url in _links(catalog, (_DATASET_LINK, _LDP_CONTAINS)):
                if dataset_url not in seen:
                    seen.add(dataset_url)
                    yield self._dataset_page(catalog_url, dataset_url, budget)

    def _dataset_page(self, catalog_url: str, dataset_url: str, budget: PageBudget) -> HarvestPage:
        problems: list[str] = []
        triples = self._read_optional(dataset_url, budget, problems, "dataset")
        if triples is None:
            return HarvestPage(dataset_url, (), tuple(problems))
        for distribution_url in _links(triples, (_DISTRIBUTION_LINK,)):
            described = self._read_optional(distribution_url, budget, problems, "distribution")
            triples.extend(described or ())
        # The catalogue's link marks the dataset even when its document omits `a dcat:Dataset`.
        triples.append(ox.Triple(ox.NamedNode(catalog_url), _DATASET_LINK, ox.NamedNode(dataset_url)))
        records, split_problems = split_records(triples, dataset_url, source=self.source.name)
        if not records:
            problems.append(f"{redact_url(dataset_url)}: the document does not describe the dataset it is "
                            "linked as (no triples about that IRI)")
        return HarvestPage(dataset_url, tuple(records), tuple(problems + split_problems))

    def _read(self, url: str, budget: PageBudget) -> list[ox.Triple]:
        budget.spend(url)
        return parse_rdf(self.fetcher.get(url, accept=ACCEPT), self.source)

    def _read_optional(self, url: str, budget: PageBudget, problems: list[str], what: str):
        """The document's triples, or None with a problem when the partner does not serve it."""
        try:
            return self._read(url, budget)
        except HostNotAllowed as err:
            problems.append(f"{what} not read: {err.message}")
        except PartnerStatusError as err:
            if err.status not in (404, 410):
                raise
            problems.append(f"{what} not read: {err.message}")
        return None


def _links(triples, predicates) -> list[str]:
    """Objects of the given predicates that are IRIs, in document order, without repeats."""
    found = (t.object.value for t in triples if t.predicate in predicates and isinstance(t.object, ox.NamedNode))
    return list(dict.fromkeys(found))
