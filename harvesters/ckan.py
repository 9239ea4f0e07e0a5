"""`ckan`: a CKAN portal through its Action API, mapped to DCAT-AP at the edge (ckan_mapping.py).

Paging: `package_search` with `rows` (the source's page_size, at most 1000) and `start`, sorted by
`metadata_modified asc, id asc` so that the order is stable while we page. Incremental:
`fq=metadata_modified:[<modified_since> TO *]` (the pages are then marked incremental: deleted
datasets are not visible that way, so a full run is needed to apply deletions).
The source `url` is the portal root (https://ckan.example.org) or its /api/3/action/ URL.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Iterator

from harvesters.base import SourceHarvester, HarvestedRecord, HarvestPage, PageBudget, iso_utc
from harvesters.ckan_mapping import MappingError, dataset_identifiers, dataset_modified, dataset_triples
from node.config import SourceConfig
from node.errors import HarvestError
from node.fetch import Fetcher, redact_url, with_query

MAX_ROWS = 1000  # CKAN's default ckan.search.rows_max


class CkanHarvester(SourceHarvester):
    kind = "ckan"

    def __init__(self, source: SourceConfig, fetcher: Fetcher):
        super().__init__(source, fetcher)
        self.site_url = site_url(source.url)

    def pages(self, *, modified_since: datetime | None = None,
              validators: dict[str, dict] | None = None) -> Iterator[HarvestPage]:
        budget = PageBudget(self.source)
        rows = max(1, min(self.source.page_size, MAX_ROWS))
        params = {"rows": rows, "sort": "metadata_modified asc, id asc"}
        if modified_since:
            params["fq"] = f"metadata_modified:[{iso_utc(modified_since)} TO *]"
        start = 0
        while True:
            url = with_query(f"{self.site_url}/api/3/action/package_search", {**params, "start": start})
            budget.spend(url)
            count, packages = self._search(url)
            yield self._page(url, packages, incremental=modified_since is not None)
            start += len(packages)
            if not packages or start >= count:
                return

    def _search(self, url: str) -> tuple[int, list]:
        result = self.fetcher.get(url, accept="application/json")
        where = redact_url(url)
        try:
            payload = json.loads(result.body)
        except ValueError as err:
            raise HarvestError(f"{where}: not JSON ({err}); is this a CKAN Action API?",
                               source=self.source.name, url=where) from None
        if not isinstance(payload, dict) or payload.get("success") is not True:
            error = payload.get("error") if isinstance(payload, dict) else None
            raise HarvestError(f"{where}: CKAN reported failure: {error or 'no success flag'}",
                               source=self.source.name, url=where)
        found = payload.get("result") or {}
        if not isinstance(found.get("count"), int) or not isinstance(found.get("results"), list):
            raise HarvestError(f"{where}: package_search result lacks 'count' or 'results'",
                               source=self.source.name, url=where)
        return found["count"], found["results"]

    def _page(self, url: str, packages: list, *, incremental: bool) -> HarvestPage:
        records, problems = [], []
        for position, package in enumerate(packages):
            try:
                records.append(self.record(package, url))
            except (MappingError, TypeError, AttributeError) as err:  # odd partner data, not our bug
                label = package.get("name") or package.get("id") if isinstance(package, dict) else None
                problems.append(f"{redact_url(url)}: dataset {label or f'#{position + 1}'} not mapped: {err}")
        return HarvestPage(url, tuple(records), tuple(problems), incremental=incremental)

    def record(self, package: dict, url: str) -> HarvestedRecord:
        iri, triples = dataset_triples(package, self.site_url)
        return HarvestedRecord(dataset_iri=iri, triples=tuple(triples), source_url=url,
                               modified=dataset_modified(package), identifiers=dataset_identifiers(package))

def site_url(url: str) -> str:
    """The portal root from either the root URL or an /api/... URL."""
    root = url.split("/api/", 1)[0]
    return root.rstrip("/")
