"""`sparql`: a partner SPARQL endpoint, datasets CONSTRUCTed page by page.

One POSTed CONSTRUCT per page: a sub-select picks the next `page_size` datasets in a stable order
(ORDER BY ?dataset, LIMIT/OFFSET), and the outer pattern takes each dataset's description three
links deep (dataset → distribution → checksum / access service → …), without descending into other
datasets or catalogues. One query per page keeps blank-node datasets addressable. The page is then
split into records like any DCAT page. Incremental: `modified_since` filters on dct:modified by
lexical comparison of the ISO string (works for xsd:date and xsd:dateTime); datasets without
dct:modified are always included.
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterator

from harvesters.base import SourceHarvester, HarvestPage, PageBudget, iso_utc, parse_rdf
from harvesters.records import split_records

ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"

_QUERY = """PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
CONSTRUCT {{ ?dataset ?p1 ?o1 . ?o1 ?p2 ?o2 . ?o2 ?p3 ?o3 . }}
WHERE {{
  {{ SELECT ?dataset WHERE {{
       ?dataset a ?datasetType . VALUES ?datasetType {{ dcat:Dataset dcat:DatasetSeries }}
       {filter}
     }} GROUP BY ?dataset ORDER BY ?dataset LIMIT {limit} OFFSET {offset} }}
  ?dataset ?p1 ?o1 .
  OPTIONAL {{
    ?o1 ?p2 ?o2 .
    FILTER NOT EXISTS {{ ?o1 a ?t1 . VALUES ?t1 {{ dcat:Dataset dcat:DatasetSeries dcat:Catalog dcat:CatalogRecord }} }}
    OPTIONAL {{
      ?o2 ?p3 ?o3 .
      FILTER NOT EXISTS {{ ?o2 a ?t2 . VALUES ?t2 {{ dcat:Dataset dcat:DatasetSeries dcat:Catalog dcat:CatalogRecord }} }}
    }}
  }}
}}"""

_MODIFIED_FILTER = 'OPTIONAL {{ ?dataset dct:modified ?modified }} FILTER(!BOUND(?modified) || STR(?modified) >= "{since}")'


def page_query(limit: int, offset: int, modified_since: str | None = None) -> str:
    condition = _MODIFIED_FILTER.format(since=modified_since) if modified_since else ""
    return _QUERY.format(filter=condition, limit=limit, offset=offset)


class SparqlHarvester(SourceHarvester):
    kind = "sparql"

    def pages(self, *, modified_since: datetime | None = None,
              validators: dict[str, dict] | None = None) -> Iterator[HarvestPage]:
        budget = PageBudget(self.source)
        since = iso_utc(modified_since) if modified_since else None
        limit, offset = self.source.page_size, 0
        while True:
            page_url = f"{self.source.url}#offset={offset}"  # names the page in reports and provenance
            budget.spend(page_url)
            result = self.fetcher.post_form(self.source.url, {"query": page_query(limit, offset, since)},
                                            accept=ACCEPT)
            triples = list(dict.fromkeys(parse_rdf(result, self.source)))  # CONSTRUCT may repeat triples
            records, problems = split_records(triples, page_url, source=self.source.name)
            yield HarvestPage(page_url, tuple(records), tuple(problems), incremental=since is not None)
            if len(records) + len(problems) < limit:
                return
            offset += limit
