"""HTML pages for people: the catalogue with search and facets, and one page per dataset."""

from __future__ import annotations

import json

import pyoxigraph as ox
from flask import render_template, request

from node import rdfio
from node.catalog import CatalogPage, page_triples, record_dataset_iri
from node.catalog_index import FACETS
from node.quality import MAX_POINTS, score_dataset
from node.web.views import Description, dataset_view, schema_org
from vocab.namespaces import DCTERMS

FACET_TITLES = {"theme": "Theme", "publisher": "Publisher", "access_rights": "Access rights",
                "health_category": "Health category"}


def alternates(path: str) -> list[tuple[str, str]]:
    return [(s.media_type, f"{path}.{s.suffix}") for s in rdfio.SYNTAXES]


def catalog_page(ctx, page: CatalogPage):
    triples = page_triples(ctx.store, ctx.naming, page)
    d = Description(triples)
    catalog = ox.NamedNode(ctx.naming.catalog)
    items = []
    for entry in page.entries:
        ds = ox.NamedNode(entry.dataset)
        record_id = ctx.naming.record_id_for_graph(entry.graph)
        items.append({"title": d.text(ds, DCTERMS.title) or entry.dataset,
                      "description": d.text(ds, DCTERMS.description)[:300], "href": f"datasets/{record_id}",
                      "modified": entry.modified})
    selection = page.request.selection
    facets = {name: [(value, _facet_label(ctx, value), count) for value, count in ctx.index.facet_counts(selection, name)]
              for name in FACETS}
    return render_template(
        "catalog.html", title=d.text(catalog, DCTERMS.title) or "Catalogue",
        description=d.text(catalog, DCTERMS.description), items=items, page=page, facets=facets,
        facet_titles=FACET_TITLES, selected=dict(page.request.selection.facets), q=page.request.selection.q,
        page_link=lambda n: page.url(ctx.naming, n).replace(ctx.naming.base_url, ""),
        alternates=alternates("catalog"), base=ctx.naming.base_url,
    )


def _facet_label(ctx, value: str) -> str:
    d = Description(_first_description(ctx, value))
    return d.label(ox.NamedNode(value))


def _first_description(ctx, iri: str) -> list[ox.Triple]:
    """The triples describing `iri` in any one record (agents and concepts are repeated per record)."""
    node = ox.NamedNode(iri)
    for quad in ctx.store.quads(node, None, None, None):
        return [q.triple for q in ctx.store.quads(node, None, None, quad.graph_name)]
    return []


def dataset_page(ctx, record_id: str, triples: list[ox.Triple]):
    dataset_iri = record_dataset_iri(ctx.naming, record_id, triples)
    view = dataset_view(triples, dataset_iri)
    report = ctx.validate(triples)
    score = _quality(triples, dataset_iri)
    structured = json.dumps(schema_org(view, ctx.naming.catalog, request.base_url), ensure_ascii=False, indent=1)
    return render_template("dataset.html", view=view, record_id=record_id, base=ctx.naming.base_url,
                           report=report, score=score, max_points=MAX_POINTS,
                           schema_org=structured.replace("</", "<\\/"),
                           alternates=alternates(f"datasets/{record_id}"))


def _quality(triples: list[ox.Triple], dataset_iri: str):
    return score_dataset(rdfio.to_rdflib(triples), dataset_iri)
