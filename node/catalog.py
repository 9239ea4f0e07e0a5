"""Catalogue pages: the dcat:Catalog with one page of its datasets and a Hydra view.

A page is built from the ordered index (no SPARQL ORDER BY over the store) and the named graphs
of the records on it, read straight from the store and written by Oxigraph's serialisers.
"""

from __future__ import annotations

import math
from datetime import datetime, timezone
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pyoxigraph as ox

from node.catalog_index import FACETS, SOURCE_FACET, CatalogIndex, Entry, Selection
from node.rdfio import ntriples_to_triples
from node.errors import NotFound, ParseError
from node.records import Naming, check_record_id
from vocab.namespaces import DCTERMS, HYDRA, RDF, RDFS, XSD

_RDF_TYPE = ox.NamedNode(str(RDF.type))
_INTEGER = ox.NamedNode(str(XSD.integer))


def _h(term: str) -> ox.NamedNode:
    return ox.NamedNode(str(HYDRA[term]))


@dataclass(frozen=True)
class PageRequest:
    page: int = 1
    per_page: int = 20
    selection: Selection = field(default_factory=Selection)

    def query_params(self, page: int) -> dict[str, str]:
        """The canonical query string of a page of this same listing (filters preserved)."""
        params = {}
        if self.selection.q:
            params["q"] = self.selection.q
        for name, value in self.selection.facets:
            params[name] = value
        if self.selection.source:
            params[SOURCE_FACET] = self.selection.source
        if self.selection.modified_since:
            params["modified_since"] = self.selection.modified_since
        params["page"] = str(page)
        params["per_page"] = str(self.per_page)
        return params


@dataclass(frozen=True)
class CatalogPage:
    request: PageRequest
    entries: list[Entry]
    total: int
    last_page: int

    def url(self, naming: Naming, page: int) -> str:
        return naming.catalog + "?" + urlencode(self.request.query_params(page))


def parse_page_request(args, default_per_page: int, max_per_page: int) -> PageRequest:
    """Read ?page, ?per_page (clamped), ?q, ?modified_since and facet filters; 400 when malformed."""
    page = _positive_int(args.get("page", "1"), "page")
    per_page = min(max(_positive_int(args.get("per_page", str(default_per_page)), "per_page"), 1), max_per_page)
    since = args.get("modified_since", "").strip()
    if since:
        since = _iso_datetime(since)
    facets = tuple((name, _facet_iri(name, args[name].strip())) for name in FACETS if args.get(name, "").strip())
    source = args.get(SOURCE_FACET, "").strip()[:200]  # compared with each record's origin, never parsed
    return PageRequest(page, per_page, Selection(args.get("q", "").strip()[:200], since, facets, source))


def _positive_int(raw: str, name: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise ParseError(f"?{name} must be a whole number, got '{raw}'") from None
    if value < 1:
        raise ParseError(f"?{name} must be 1 or more, got {value}")
    return value


def _facet_iri(name: str, raw: str) -> str:
    """Facet values are IRIs (a theme, a publisher …): checked by Oxigraph's IRI parser, 400 otherwise."""
    try:
        return ox.NamedNode(raw).value
    except ValueError as err:
        raise ParseError(f"?{name} must be an absolute IRI (as listed in the catalogue's facets), "
                         f"got {raw[:200]!r}: {err}") from None


def _iso_datetime(raw: str) -> str:
    """Normalise an ISO 8601 date or date-time to the form the index stores (UTC, 'Z')."""
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=timezone.utc)
        utc = parsed.astimezone(timezone.utc)
    except ValueError:
        raise ParseError(f"?modified_since must be an ISO 8601 date or date-time, got {raw[:100]!r}") from None
    except OverflowError:  # e.g. 0001-01-01T00:00:00+01:00 is before year 1 in UTC
        raise ParseError(f"?modified_since {raw[:100]!r} is outside the years 1 to 9999 once moved to UTC") from None
    return utc.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def select_page(index: CatalogIndex, request: PageRequest) -> CatalogPage:
    selected = index.select(request.selection)
    total = len(selected)
    last_page = max(1, math.ceil(total / request.per_page))
    if request.page > last_page:
        raise NotFound(f"page {request.page} is past the end: the listing has {last_page} page(s) of "
                       f"{request.per_page} ({total} datasets)")
    start = (request.page - 1) * request.per_page
    return CatalogPage(request, selected[start:start + request.per_page], total, last_page)


def page_ntriples(store, naming: Naming, page: CatalogPage) -> bytes:
    """The page as N-Triples: catalogue description, sub-catalogues, each record's published form, Hydra."""
    parts = store.published_ntriples_of([naming.catalog_graph, *store.sub_catalogue_graphs(),  # harvest sources
                                         *(entry.graph for entry in page.entries)])
    parts.append(ox.serialize(_hydra_triples(naming, page), format=ox.RdfFormat.N_TRIPLES))
    return b"".join(parts)


def page_triples(store, naming: Naming, page: CatalogPage) -> list[ox.Triple]:
    return ntriples_to_triples(page_ntriples(store, naming, page))


def _hydra_triples(naming: Naming, page: CatalogPage) -> list[ox.Triple]:
    catalog = ox.NamedNode(naming.catalog)
    view = ox.NamedNode(page.url(naming, page.request.page))
    total = ox.Literal(str(page.total), datatype=_INTEGER)
    triples = [
        ox.Triple(catalog, _RDF_TYPE, _h("Collection")),
        ox.Triple(catalog, _h("totalItems"), total),
        ox.Triple(catalog, _h("view"), view),
        ox.Triple(view, _RDF_TYPE, _h("PartialCollectionView")),
        ox.Triple(view, _RDF_TYPE, _h("PagedCollection")),
        ox.Triple(view, _h("totalItems"), total),
        ox.Triple(view, _h("itemsPerPage"), ox.Literal(str(page.request.per_page), datatype=_INTEGER)),
    ]
    triples += _search_template(catalog)
    triples += _feed_link(naming, catalog)
    links = {"first": 1, "last": page.last_page}
    if page.request.page > 1:
        links["previous"] = page.request.page - 1
    if page.request.page < page.last_page:
        links["next"] = page.request.page + 1
    legacy = {"first": "firstPage", "last": "lastPage", "previous": "previousPage", "next": "nextPage"}
    for relation, number in links.items():
        target = ox.NamedNode(page.url(naming, number))
        triples.append(ox.Triple(view, _h(relation), target))
        triples.append(ox.Triple(view, _h(legacy[relation]), target))
    return triples


def _feed_link(naming: Naming, catalog: ox.NamedNode) -> list[ox.Triple]:
    """Where incremental pullers find deletions too: the DCAT-AP Feed (node.feed), an LDES."""
    feed = ox.NamedNode(naming.base_url + "feed")
    return [ox.Triple(catalog, ox.NamedNode(str(RDFS.seeAlso)), feed),
            ox.Triple(feed, _RDF_TYPE, ox.NamedNode("https://w3id.org/ldes#EventStream")),
            ox.Triple(feed, ox.NamedNode(str(DCTERMS.conformsTo)),
                      ox.NamedNode("https://semiceu.github.io/LDES-DCAT-AP-feeds/"))] + _oai_link(naming, catalog)


def _oai_link(naming: Naming, catalog: ox.NamedNode) -> list[ox.Triple]:
    """The same records by OAI-PMH (node.oai), the protocol data.europa.eu prefers."""
    oai = ox.NamedNode(naming.base_url + "oai")
    return [ox.Triple(catalog, ox.NamedNode(str(RDFS.seeAlso)), oai),
            ox.Triple(oai, ox.NamedNode(str(DCTERMS.conformsTo)),
                      ox.NamedNode("http://www.openarchives.org/OAI/2.0/openarchivesprotocol.htm"))]


def _template_variables() -> tuple[tuple[str, str], ...]:
    """Every filter parse_page_request accepts, with the property it stands for."""
    return (("modified_since", str(DCTERMS.modified)), ("q", str(HYDRA.freetextQuery)),
            *((name, prop.value) for name, prop in FACETS.items()),
            (SOURCE_FACET, str(DCTERMS.source)), ("page", str(HYDRA.pageIndex)), ("per_page", str(HYDRA.limit)))


def _search_template(catalog: ox.NamedNode) -> list[ox.Triple]:
    """hydra:search: how to ask for an incremental pull (`modified_since` stands for dct:modified) and
    every filter of the catalogue (facets take the IRI of a value; `source` is "local" or a source's name)."""
    search = ox.NamedNode(catalog.value + "#search")
    variables = _template_variables()
    triples = [
        ox.Triple(catalog, _h("search"), search),
        ox.Triple(search, _RDF_TYPE, _h("IriTemplate")),
        ox.Triple(search, _h("template"), ox.Literal(catalog.value + "{?" + ",".join(v for v, _ in variables) + "}")),
        ox.Triple(search, _h("variableRepresentation"), _h("BasicRepresentation")),
    ]
    for variable, meaning in variables:
        mapping = ox.NamedNode(f"{search.value}-{variable}")
        triples += [
            ox.Triple(search, _h("mapping"), mapping),
            ox.Triple(mapping, _RDF_TYPE, _h("IriTemplateMapping")),
            ox.Triple(mapping, _h("variable"), ox.Literal(variable)),
            ox.Triple(mapping, _h("property"), ox.NamedNode(meaning)),
            ox.Triple(mapping, _h("required"), ox.Literal("false", datatype=ox.NamedNode(str(XSD.boolean)))),
        ]
    return triples


def dataset_ntriples(store, naming: Naming, record_id: str) -> bytes:
    """A record as published, in N-Triples: local (`snds`) or harvested (`<source>.<hash>`)."""
    check_record_id(record_id)
    for graph in naming.graph_for_record_id(record_id):
        if store.has_graph(graph):
            return store.published_ntriples(graph)
    raise NotFound(f"no dataset '{record_id}' in this catalogue")


def dataset_triples(store, naming: Naming, record_id: str) -> list[ox.Triple]:
    return ntriples_to_triples(dataset_ntriples(store, naming, record_id))


def record_dataset_iri(naming: Naming, record_id: str, triples: list[ox.Triple]) -> str:
    """The IRI of a record's dataset (loaded records may keep an IRI outside our base)."""
    from node.datasets import dataset_subjects

    subjects = dataset_subjects(triples)
    return subjects[0].value if subjects else naming.dataset(record_id)
