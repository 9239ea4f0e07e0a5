"""Kind `oai-pmh`: ListRecords of a partner OAI-PMH 2.0 repository, the RDF/XML in <metadata> as records.

Pages follow resumption tokens through the run's guarded Fetcher (timeouts, size limits, page budget);
a token seen twice is a loop and stops the run as incomplete. Responses are untrusted XML: DTDs and
entities are refused (node/xmlsafe.py) before ElementTree reads them.

Each record is derived from its GetRecord URL (the provenance of what is written), so a deleted header
names the records to delete: `HarvestPage.deleted_sources`, applied by the run through the deletion
guard. A full run lists everything (what is no longer listed goes, through the same guard); an
incremental run asks `from` the partner's responseDate of the last successful run's first page (its
own clock, as the protocol advises; kept as the run state's `feed_position`), or the run's start when
there is none yet; a repository of day granularity that refuses it (badArgument) is asked by day.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from typing import Iterator
from urllib.parse import urlencode

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
    position: dict | None = None  # {"response_date": the partner's responseDate of the last run's first page}

    def resume_from(self, position: dict | None) -> None:
        """The run hands the last successful run's position (None on a full run)."""
        self.position = position if isinstance(position, dict) else None

    def pages(self, *, modified_since: datetime | None = None,
              validators: dict[str, dict] | None = None) -> Iterator[HarvestPage]:
        budget = PageBudget(self.source)
        params = {"verb": "ListRecords", "metadataPrefix": self.source.oai_metadata_prefix}
        if self.source.oai_set:
            params["set"] = self.source.oai_set
        since = _from(self.position, modified_since)
        if since:
            params["from"] = since
        tokens: set[str] = set()
        first = True
        while params:
            budget.spend(self.source.url)
            result = self.fetcher.get(self.source.url, accept=XML_ACCEPT, params=params)
            url = redact_url(result.final_url)
            root = self._document(result.body, url)
            if first and len(params.get("from", "")) > 10 and _error_code(root) == "badArgument":
                params["from"] = params["from"][:10]  # a repository of day granularity: ask again by day
                continue
            page, token = self._page(root, url, result, incremental=bool(since))
            if first:
                self.position = _position(root, self.position)
                first = False
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
        records, problems, deleted = [], [], []
        for record in listing.findall(OAI + "record"):
            header = record.find(OAI + "header")
            identifier = (header.findtext(OAI + "identifier", default="") if header is not None else "").strip()
            if not identifier:
                problems.append(f"{url}: a record without a header identifier; skipped")
                continue
            if header.get("status") == "deleted":
                deleted.append(self._record_url(identifier))
                continue
            triples = self._record_triples(record, identifier[:200], url, problems)
            found, split_problems = split_records(triples, self._record_url(identifier), source=self.source.name)
            records += found
            problems += split_problems
        token_element = listing.find(OAI + "resumptionToken")
        token = (token_element.text or "").strip() if token_element is not None else ""
        page = HarvestPage(url, tuple(records), tuple(problems), incremental=incremental,
                           digest=body_digest(result), deleted_sources=tuple(deleted))
        return page, token or None

    def _record_url(self, identifier: str) -> str:
        """Where a record comes from: its GetRecord request at the partner (the provenance of the copy)."""
        base = redact_url(self.source.url)
        query = urlencode({"verb": "GetRecord", "metadataPrefix": self.source.oai_metadata_prefix,
                           "identifier": identifier})
        return f"{base}{'&' if '?' in base else '?'}{query}"

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


def _error_code(root: ET.Element) -> str | None:
    error = root.find(OAI + "error")
    return error.get("code") if error is not None else None


def _from(position: dict | None, modified_since: datetime | None) -> str:
    """The `from` of an incremental run: the partner's own responseDate when known, else our last start."""
    if modified_since is None:
        return ""
    response_date = (position or {}).get("response_date")
    return response_date if isinstance(response_date, str) and response_date else iso_utc(modified_since)


def _position(root: ET.Element, previous: dict | None) -> dict | None:
    """The partner's responseDate (read as a date-time, written back at second granularity in UTC)."""
    text = (root.findtext(OAI + "responseDate") or "").strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return previous  # unreadable: the next run falls back to our own clock
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return {"response_date": iso_utc(moment)}
