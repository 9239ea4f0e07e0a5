"""`dcat`: DCAT-AP RDF over HTTP, a single dump or a paged catalogue.

Paging follows `hydra:next` (hydra:PartialCollectionView) and the legacy `hydra:nextPage`
(hydra:PagedCollection). Any RDF syntax the node parses, gzip included (see node/fetch/).

Incremental harvesting (`modified_since`) is used only where the partner says it supports it:
- config: the source `url` is an RFC 6570 template with a `modified_since` variable, e.g.
  `https://partner.eu/catalog.ttl{?modified_since}` (ckanext-dcat's endpoint takes that parameter);
- detection: the first page declares a `hydra:search` hydra:IriTemplate with a mapping whose
  `hydra:variable` is `modified_since` or whose `hydra:property` is `dct:modified` (as our own
  /catalog does); the harvest then restarts from the expanded template.
Otherwise the run is a full one and conditional GETs (ETag / Last-Modified per page) save the work.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Iterator
from urllib.parse import quote, urljoin

import pyoxigraph as ox

from harvesters.base import (SourceHarvester, RDF_ACCEPT, HarvestPage, PageBudget, body_digest, iso_utc, parse_rdf,
                              unchanged_page)
from harvesters.records import split_records
from node.errors import HarvestError
from node.fetch import redact_url

_HYDRA = "http://www.w3.org/ns/hydra/core#"
_NEXT_LINKS = (ox.NamedNode(_HYDRA + "next"), ox.NamedNode(_HYDRA + "nextPage"))
_SEARCH = ox.NamedNode(_HYDRA + "search")
_TEMPLATE = ox.NamedNode(_HYDRA + "template")
_MAPPING = ox.NamedNode(_HYDRA + "mapping")
_VARIABLE = ox.NamedNode(_HYDRA + "variable")
_PROPERTY = ox.NamedNode(_HYDRA + "property")
_DCT_MODIFIED = ox.NamedNode("http://purl.org/dc/terms/modified")
_EXPRESSION = re.compile(r"\{([?&]?)([^}]*)\}")


class DcatHarvester(SourceHarvester):
    kind = "dcat"

    def pages(self, *, modified_since: datetime | None = None,
              validators: dict[str, dict] | None = None) -> Iterator[HarvestPage]:
        validators = validators or {}
        budget = PageBudget(self.source)
        since = iso_utc(modified_since) if modified_since else None
        incremental = since is not None and "modified_since" in _template_variables(self.source.url)
        detect = since is not None and not incremental
        url = expand_template(self.source.url, {"modified_since": since})
        seen: set[str] = set()
        while url:
            seen.add(url)
            budget.spend(url)
            conditional = None if incremental else validators.get(url)
            result = self.fetcher.get(url, accept=RDF_ACCEPT, validators=conditional)
            digest = None if result.not_modified else body_digest(result)
            page = unchanged_page(url, result, conditional, digest)
            if page is None:
                triples = parse_rdf(result, self.source)
                offered = modified_since_template(triples) if detect else None
                detect = False
                if offered:  # the partner offers modified_since: start again from the filtered view
                    template, variable = offered
                    url = self.fetcher.check_url(urljoin(result.final_url, expand_template(template, {variable: since})))
                    incremental = True
                    continue
                page = self._page(url, result, triples, incremental, digest)
            yield page
            url = self._next(page, seen)

    def _page(self, url, result, triples, incremental: bool, digest: str | None) -> HarvestPage:
        records, problems = split_records(triples, url, source=self.source.name)
        return HarvestPage(url, tuple(records), tuple(problems), incremental=incremental,
                           next_url=next_link(triples, result.final_url), etag=result.etag,
                           last_modified=result.last_modified, digest=digest)

    def _next(self, page: HarvestPage, seen: set[str]) -> str | None:
        target = page.next_url
        if not target:
            return None
        self.fetcher.check_url(target)
        if target in seen:
            raise HarvestError(
                f"{redact_url(page.url)}: next link {redact_url(target)} points to a page already read "
                "(paging loop); stopped, the run is incomplete", source=self.source.name, url=redact_url(page.url))
        return target


def next_link(triples, base_url: str) -> str | None:
    """The page's hydra:next (or legacy hydra:nextPage) target, absolute; None on the last page."""
    for triple in triples:
        if triple.predicate in _NEXT_LINKS:
            value = triple.object.value
            return urljoin(base_url, value) if value else None
    return None


def modified_since_template(triples) -> tuple[str, str] | None:
    """(template, variable) of a hydra:search IRI template with a variable standing for dct:modified."""
    by_subject: dict = {}
    for triple in triples:
        by_subject.setdefault(triple.subject, []).append(triple)
    for triple in triples:
        if triple.predicate != _SEARCH:
            continue
        search = by_subject.get(triple.object, ())
        template = next((t.object.value for t in search if t.predicate == _TEMPLATE), None)
        for mapping in (t.object for t in search if t.predicate == _MAPPING):
            described = by_subject.get(mapping, ())
            variable = next((t.object.value for t in described if t.predicate == _VARIABLE), None)
            if template and variable and (variable == "modified_since"
                                          or any(t.predicate == _PROPERTY and t.object == _DCT_MODIFIED
                                                 for t in described)):
                return template, variable
    return None


def _template_variables(template: str) -> set[str]:
    return {name.strip() for _, names in _EXPRESSION.findall(template) for name in names.split(",")}


def expand_template(template: str, values: dict[str, str | None]) -> str:
    """RFC 6570 level-1 `{var}` and form-style `{?a,b}` / `{&a,b}` expansion; unset variables vanish."""
    def expand(match: re.Match) -> str:
        operator, names = match.group(1), [n.strip() for n in match.group(2).split(",")]
        pairs = [(n, values[n]) for n in names if values.get(n) is not None]
        if not operator:
            return ",".join(quote(v, safe="") for _, v in pairs)
        if not pairs:
            return ""
        joined = "&".join(f"{n}={quote(v, safe='')}" for n, v in pairs)
        return ("?" if operator == "?" else "&") + joined

    return _EXPRESSION.sub(expand, template)
