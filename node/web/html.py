"""HTML pages for people: the catalogue with search and facets, one page per dataset, and error pages."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import current_app, render_template, request

from node import rdfio
from node.catalog import CatalogPage, page_triples, record_dataset_iri
from node.catalog_index import FACETS, LOCAL, SOURCE_FACET, Selection, origin
from node.quality import MAX_POINTS, score_dataset
from node.web.i18n import current_language
from node.web.kept import Kept
from node.web.labels import FACET_TITLES, FACT_LABELS, HTTP_TITLES, ORIGIN_LOCAL, RATING_LABELS
from node.web.views import Description, dataset_view, schema_org
from vocab.namespaces import DCTERMS

FACET_ORDER = (*FACETS, SOURCE_FACET)


def alternates(path: str, query: str = "") -> list[tuple[str, str]]:
    """(media type, link) of each RDF form of a page, with its filters (`query`) kept."""
    return [(s.media_type, f"{path}.{s.suffix}" + (f"?{query}" if query else "")) for s in rdfio.SYNTAXES]


def render(template: str, **values) -> str:
    """A page with what every page needs (base href, alternates, the reader's language)."""
    from node.web.app import node_context

    values.setdefault("alternates", [])
    values.setdefault("base", node_context().naming.base_url)
    return render_template(template, **values)


def catalog_page(ctx, page: CatalogPage):
    language = current_language()
    triples = page_triples(ctx.store, ctx.naming, page)
    d = Description(triples, language)
    catalog = ox.NamedNode(ctx.naming.catalog)
    selection = page.request.selection
    links = CatalogLinks(selection, page.request.per_page, ctx.settings.page_size)
    facets = {name: [_facet_value(ctx, name, value, count, selection, links, language)
                     for value, count in ctx.index.facet_counts(selection, name)] for name in FACET_ORDER}
    return render(
        "catalog.html", title=d.text(catalog, DCTERMS.title) or "Catalogue",
        description=d.text(catalog, DCTERMS.description), items=[_card(ctx, d, e) for e in page.entries],
        page=page, facets=facets, facet_titles=FACET_TITLES, active=_active_filters(ctx, selection, links, language),
        q=selection.q, hidden=links.params(q=None), page_link=links.page, clear=links.href(),
        alternates=alternates("catalog", urlencode(page.request.query_params(page.request.page))),
    )


class CatalogLinks:
    """Links of the catalogue page that keep the current filters, changing one thing at a time."""

    def __init__(self, selection: Selection, per_page: int, default_per_page: int):
        self.current = {"q": selection.q, **dict(selection.facets), SOURCE_FACET: selection.source,
                        "modified_since": selection.modified_since,
                        "per_page": str(per_page) if per_page != default_per_page else ""}

    def params(self, **changes) -> dict[str, str]:
        merged = {**self.current, **changes}
        return {name: value for name, value in merged.items() if value}

    def href(self, **changes) -> str:
        query = urlencode(self.params(**changes))
        return "catalog" + (f"?{query}" if query else "")

    def page(self, number: int) -> str:
        return "catalog?" + urlencode({**self.params(), "page": number})


def _facet_value(ctx, name, value, count, selection, links, language) -> dict:
    chosen = selection.source if name == SOURCE_FACET else dict(selection.facets).get(name)
    selected = chosen == value
    return {"value": value, "label": _facet_label(ctx, name, value, language), "count": count,
            "selected": selected, "href": links.href(**{name: None if selected else value})}


def _active_filters(ctx, selection: Selection, links: CatalogLinks, language: str) -> list[dict]:
    """The filters in force, each with a link that removes it (and only it)."""
    active = [{"title": FACET_TITLES[name], "label": _facet_label(ctx, name, value, language),
               "remove": links.href(**{name: None})} for name, value in selection.facets]
    if selection.source:
        active.append({"title": FACET_TITLES[SOURCE_FACET], "remove": links.href(source=None),
                       "label": _facet_label(ctx, SOURCE_FACET, selection.source, language)})
    if selection.q:
        active.insert(0, {"title": "q", "label": f"“{selection.q}”", "remove": links.href(q=None)})
    return active


def _facet_label(ctx, name: str, value: str, language: str):
    """Kept per store generation: a catalogue page shows ~30 facet values, each label one or two store
    reads (HTTP requests on a remote store: 48 of the page's 53), and they are the same on every page."""
    if name == SOURCE_FACET:
        return ORIGIN_LOCAL if value == LOCAL else value
    labels = current_app.extensions.setdefault("ehds_facet_labels", Kept(4096))
    key = (ctx.store.generation, value, language)  # read before the description: never older than its key
    label = labels.get(key)
    if label is None:
        label = labels.put(key, Description(_first_description(ctx, value), language).label(ox.NamedNode(value)))
    return label


def _first_description(ctx, iri: str) -> list[ox.Triple]:
    """The triples describing `iri` in any one record (agents and concepts are repeated per record)."""
    return ctx.store.description_of(ox.NamedNode(iri))


def _card(ctx, d: Description, entry) -> dict:
    """A result card: the dataset's own dct:modified (not when we stored it), where it comes from, and
    for a harvested record when this node last harvested it."""
    ds = ox.NamedNode(entry.dataset)
    record_id = ctx.naming.record_id_for_graph(entry.graph)
    source = origin(entry.graph)
    harvested = d.text(ox.NamedNode(ctx.naming.record(record_id)), DCTERMS.modified) if source != LOCAL else ""
    description = d.text(ds, DCTERMS.description)
    return {"title": d.text(ds, DCTERMS.title) or entry.dataset, "description": description,
            "short": description[:300], "href": f"datasets/{record_id}", "modified": d.text(ds, DCTERMS.modified),
            "origin": None if source == LOCAL else source, "harvested": harvested}


def dataset_page(ctx, record_id: str, triples: list[ox.Triple]):
    dataset_iri = record_dataset_iri(ctx.naming, record_id, triples)
    view = dataset_view(triples, dataset_iri, current_language())
    report, score = _checked(ctx, record_id, triples, dataset_iri)
    structured = json.dumps(schema_org(view, ctx.naming.catalog, request.base_url), ensure_ascii=False, indent=1)
    return render("dataset.html", view=view, record_id=record_id, report=report, score=score, max_points=MAX_POINTS,
                  fact_labels=FACT_LABELS, rating_labels=RATING_LABELS, local_link=ctx.naming.base_url, title=view.title,
                  schema_org=script_safe_json(structured), alternates=alternates(f"datasets/{record_id}"))


def _checked(ctx, record_id: str, triples: list[ox.Triple], dataset_iri: str):
    """The record's validation report and quality score, kept per store generation: they cost ~45 ms (two
    SHACL runs), the rest of the page ~4 ms, and a record is read far more often than it is written."""
    kept = current_app.extensions.setdefault("ehds_dataset_checks", Kept(256))
    key = (ctx.store.generation, record_id)  # read before the record: never older than its key
    found = kept.get(key)
    if found is None:
        found = kept.put(key, (ctx.validate(triples), score_dataset(rdfio.to_rdflib(triples), dataset_iri)))
    return found


def error_page(status: int, message: str | None) -> str:
    """An error as a page with the site's navigation, for browsers (API clients get JSON)."""
    from flask_babel import gettext as _

    title = HTTP_TITLES.get(status) or (_("Request error") if status < 500 else _("Server error"))
    return render("error.html", title=title, status=status, message=message)


def script_safe_json(text: str) -> str:
    """JSON to embed in a <script> element: '<', '>' and '&' as \\u escapes (the same JSON), so that no
    '</script', '<!--' or '<script' in a title can end the element or change how HTML parses it."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
