"""What every harvester yields, and the small parts they share.

Harvesters never write anything: they fetch through a Fetcher (node/fetch/), map what the partner
says to DCAT-AP triples, and yield one HarvestPage at a time, so that a 100,000-dataset catalogue is
never in memory at once. The orchestrator (node/harvest/run.py) validates, stages and swaps.

A page that cannot be fetched or parsed at all raises HarvestError: the run is then incomplete and
the previous copy of the source must stay. A problem with one record (a CKAN dict that cannot be
mapped, an FDP dataset that is gone) is listed in `HarvestPage.problems` and the run goes on.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Iterator, Protocol
from urllib.parse import urlsplit

import pyoxigraph as ox

from node.config import SourceConfig
from node.errors import HarvestError, ParseError, PayloadTooLarge
from node.fetch import Fetcher, FetchResult, redact_url
from node.rdfio import RDF_MEDIA_TYPES, parse_triples, sniff_syntax, syntax_for_media_type, syntax_for_suffix
from node.rdflimits import ParseLimits

RDF_ACCEPT = ("text/turtle, application/ld+json;q=0.9, application/rdf+xml;q=0.8, "
              "application/n-triples;q=0.8, */*;q=0.1")


@dataclass(frozen=True)
class HarvestedRecord:
    """One dataset as the partner describes it.

    dataset_iri: the dcat:Dataset's IRI. A blank-node dataset gets a stable skolem IRI,
    `urn:uuid:<uuid5>` of (source name, first dct:identifier, else first dct:title) — see
    harvesters/records.py — so that the same partner dataset keeps its IRI from run to run.
    triples: the dataset and everything reachable from it (distributions, agents, periods…),
    stopping at other datasets, catalogues and catalogue records; blank nodes are the record's own.
    """

    dataset_iri: str
    triples: tuple[ox.Triple, ...]
    source_url: str
    modified: str | None
    identifiers: tuple[str, ...]


@dataclass(frozen=True)
class HarvestPage:
    """One fetched page (or, for an FDP, one dataset document).

    not_modified: the partner answered 304 to a conditional GET; `records` is empty and the records
    that came from `url` last time are unchanged. incremental: the page lists only what changed
    since `modified_since` — a run made of such pages says nothing about deletions.
    next_url, etag, last_modified, digest: what to remember for the next run (see `validators`);
    digest is the SHA-256 of the page's body: a partner without ETags that sends the same bytes again
    gets the same treatment as a 304.
    """

    url: str
    records: tuple[HarvestedRecord, ...]
    problems: tuple[str, ...]
    not_modified: bool = False
    incremental: bool = False
    next_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    digest: str | None = None
    deleted: tuple[str, ...] = ()  # dataset IRIs the partner announces as deleted (kind ldes)
    deleted_sources: tuple[str, ...] = ()  # record URLs (provenance) the partner announces deleted (kind oai-pmh)

    @property
    def validators(self) -> dict[str, str]:
        """Store as `validators[page.url]` and pass back to `pages()` next run for conditional GETs."""
        pairs = (("etag", self.etag), ("last_modified", self.last_modified), ("next", self.next_url),
                 ("digest", self.digest))
        return {k: v for k, v in pairs if v}


def body_digest(result: FetchResult) -> str:
    return hashlib.sha256(result.body).hexdigest()


def unchanged_page(url: str, result: FetchResult, conditional: dict | None, digest: str | None) -> HarvestPage | None:
    """A not-modified page when the partner answered 304 or sent the very bytes of last time (`digest`:
    body_digest(result), None for a 304)."""
    conditional = conditional or {}
    if not result.not_modified and (not conditional.get("digest") or digest != conditional["digest"]):
        return None
    return HarvestPage(url, (), (), not_modified=True, next_url=conditional.get("next"),
                       etag=result.etag or conditional.get("etag"),
                       last_modified=result.last_modified or conditional.get("last_modified"),
                       digest=conditional.get("digest"))


class Harvester(Protocol):
    kind: str

    def __init__(self, source: SourceConfig, fetcher: Fetcher): ...

    def pages(self, *, modified_since: datetime | None = None,
              validators: dict[str, dict] | None = None) -> Iterator[HarvestPage]: ...


class SourceHarvester:
    """Shared constructor of the harvesters: the source and the run's Fetcher."""

    kind = ""

    def __init__(self, source: SourceConfig, fetcher: Fetcher):
        self.source = source
        self.fetcher = fetcher


@dataclass
class PageBudget:
    """Counts documents fetched in a run; past `max_pages` the run stops as incomplete."""

    source: SourceConfig
    used: int = field(default=0)

    def spend(self, url: str) -> None:
        self.used += 1
        if self.used > self.source.max_pages:
            raise HarvestError(
                f"source '{self.source.name}' has more than max_pages ({self.source.max_pages}) pages; "
                "stopped, the run is incomplete (raise max_pages if the partner is really that large)",
                source=self.source.name, url=redact_url(url))


# A page's literals are bounded only by what Oxigraph can hold: a record with a literal over the node's
# max_literal_bytes is rejected on its own when staged, and the rest of the page still lands.
PAGE_LIMITS = ParseLimits(max_literal_bytes=16_000_000)


def parse_rdf(result: FetchResult, source: SourceConfig) -> list[ox.Triple]:
    """Parse a fetched RDF document; a document that does not parse stops the run, naming URL and line."""
    url = redact_url(result.final_url)
    syntax = _syntax_for(result, url, source)
    try:
        return parse_triples(result.body, syntax.media_type, filename=url, base_iri=result.final_url,
                             limits=PAGE_LIMITS)
    except (ParseError, PayloadTooLarge) as err:  # the run fails cleanly; the previous copy stays
        raise HarvestError(err.message, source=source.name, url=url) from None


def _syntax_for(result: FetchResult, url: str, source: SourceConfig):
    """Trust an RDF Content-Type; for text/plain, octet-stream or none, go by file name, then content."""
    media_type = result.media_type
    if media_type in RDF_MEDIA_TYPES or media_type in ("application/x-turtle", "application/json"):
        return syntax_for_media_type(media_type)
    if media_type not in (None, "text/plain", "application/octet-stream", "application/xml", "text/xml"):
        raise HarvestError(f"{url}: partner served '{media_type}', not RDF; check the source URL "
                           f"(expected one of {', '.join(RDF_MEDIA_TYPES)})", source=source.name, url=url)
    name = urlsplit(result.final_url).path.rsplit("/", 1)[-1]
    by_name = syntax_for_suffix(name.rsplit(".", 1)[1]) if "." in name else None
    return by_name or sniff_syntax(result.body)


def iso_utc(moment: datetime) -> str:
    """A datetime as the ISO string partners expect (naive datetimes are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
