"""Kind `oai-pmh`: ListRecords of a partner OAI-PMH 2.0 repository, the RDF/XML in <metadata> as records.

Pages follow resumption tokens through the run's guarded Fetcher (timeouts, size limits, page budget);
a token seen twice is a loop and stops the run as incomplete. Responses are untrusted XML: DTDs and
entities are refused (node/xmlsafe.py) before ElementTree reads them. A full run skips deleted headers,
so the run's deletion step (with its guard) removes them; an incremental run (`from`, the last
successful run's start) lists only changes, and its deleted headers are reported as problems (the
run's deletion step only deletes after a full run).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Iterator

from harvesters.base import PAGE_LIMITS, HarvestPage, PageBudget, SourceHarvester, body_digest, iso_utc
from harvesters.records import split_records
from node.errors import HarvestError, ParseError, PayloadTooLarge
from node.fetch import redact_url
from node.rdfio import parse_triples
from node.xmlsafe import entity_free_xml

OAI = "{http://www.openarchives.org/OAI/2.0/}"
XML_ACCEPT = "text/xml, application/xml;q=0.9, */*;q=0.1"


class OaiPmhHarvester(SourceHarvester):
    kind = "oai-pmh"

    def pages(self, *, modified_since: datetime | None = None,
              validators: dict[str, dict] | None = None) -> Iterator[HarvestPage]:
        budget = PageBudget(self.source)
        params = {"verb": "ListRecords", "metadataPrefix": self.source.oai_metadata_prefix}
        if self.source.oai_set:
            params["set"] = self.source.oai_set
        if modified_since:
            params["from"] = iso_utc(modified_since)
        tokens: set[str] = set()
        while params:
            budget.spend(self.source.url)
            result = self.fetcher.get(self.source.url, accept=XML_ACCEPT, params=params)
            url = redact_url(result.final_url)
            root = self._document(result.body, url)
            page, token = self._page(root, url, result, incremental=modified_since is not None)
            yield page
            if token in tokens:
                raise HarvestError(f"{url}: resumptionToken {token[:80]!r} came back again (token loop); "
                                   "stopped, the run is incomplete", source=self.source.name, url=url)
            if token:
                tokens.add(token)
            params = {"verb": "ListRecords", "resumptionToken": token} if token else None

    def _document(self, body: bytes, url: str) -> ET.Element:
        try:
            root = ET.fromstring(entity_free_xml(body, PAGE_LIMITS, url))
        except (ParseError, PayloadTooLarge) as err:
            raise HarvestError(err.message, source=self.source.name, url=url) from None
        except ET.ParseError as err:
            raise HarvestError(f"{url}: not well-formed XML ({err})", source=self.source.name, url=url) from None
        if root.tag != OAI + "OAI-PMH":
            raise HarvestError(f"{url}: not an OAI-PMH response (root element {root.tag[:100]})",
                               source=self.source.name, url=url)
        return root

    def _page(self, root: ET.Element, url: str, result, *, incremental: bool) -> tuple[HarvestPage, str | None]:
        error = root.find(OAI + "error")
        if error is not None:
            if error.get("code") == "noRecordsMatch":
                return HarvestPage(url, (), (), incremental=incremental), None
            raise HarvestError(f"{url}: the partner answered OAI-PMH error {error.get('code', '?')[:60]}: "
                               f"{(error.text or '').strip()[:300]}", source=self.source.name, url=url)
        listing = root.find(OAI + "ListRecords")
        if listing is None:
            raise HarvestError(f"{url}: OAI-PMH response without ListRecords", source=self.source.name, url=url)
        triples, problems = [], []
        for record in listing.findall(OAI + "record"):
            identifier = record.findtext(f"{OAI}header/{OAI}identifier", default="?")[:200]
            if record.find(OAI + "header").get("status") == "deleted":
                if incremental:
                    problems.append(f"{identifier}: deleted at the partner; applied at the next full run")
                continue
            triples += self._record_triples(record, identifier, url, problems)
        records, split_problems = split_records(triples, url, source=self.source.name)
        token_element = listing.find(OAI + "resumptionToken")
        token = (token_element.text or "").strip() if token_element is not None else ""
        page = HarvestPage(url, tuple(records), tuple(problems + split_problems), incremental=incremental,
                           digest=body_digest(result))
        return page, token or None

    def _record_triples(self, record: ET.Element, identifier: str, url: str, problems: list[str]) -> list:
        metadata = record.find(OAI + "metadata")
        if metadata is None or len(metadata) != 1:
            problems.append(f"{identifier}: no single metadata element; skipped")
            return []
        try:
            return list(parse_triples(ET.tostring(metadata[0]), "application/rdf+xml", filename=url,
                                      limits=PAGE_LIMITS))
        except (ParseError, PayloadTooLarge) as err:
            problems.append(f"{identifier}: metadata is not RDF/XML ({err.message[:300]}); skipped")
            return []
