"""Hand-written DCAT-AP Feeds (https://semiceu.github.io/LDES-DCAT-AP-feeds/) in TriG, for the ldes tests.

A feed: the stream at /feed with tree:view /feed (the root node), whose relations point to every page
with GreaterThanOrEqualTo / LessThan bounds on as:published; each page lists its activities as
tree:member of the stream, each activity's payload (a DCAT-AP dataset) in the graph named by it.
"""

from __future__ import annotations

import pyoxigraph as ox

from tests.harvesters.catalogues import BASE, PREFIXES, dataset_iri, dataset_turtle

FEED_PREFIXES = PREFIXES + """@prefix ldes: <https://w3id.org/ldes#> .
@prefix tree: <https://w3id.org/tree#> .
@prefix as: <https://www.w3.org/ns/activitystreams#> .
"""
TRIG = "application/trig"


def activity(partner, kind: str, number: int, published: str, title: str | None = None) -> str:
    """One member: `kind` is Create, Update or Delete; the payload graph for Create and Update."""
    iri = partner.url(f"/activity/{kind.lower()}-{number}-{published}")
    lines = [f"<{partner.url('/feed')}> tree:member <{iri}> .",
             f"<{iri}> a as:{kind} ; as:object <{dataset_iri(number)}> ; "
             f"as:published \"{published}\"^^xsd:dateTime .\n"]
    if kind != "Delete":
        payload = dataset_turtle(number) + f'<{BASE}/org/partner> a foaf:Agent ; foaf:name "Partner" .\n'
        if title:
            payload = payload.replace(f'"Dataset {number}"@en', f'"{title}"@en')
        lines.append(f"<{iri}> {{\n{payload}}}\n")
    return "\n".join(lines)


def relation(kind: str, node: str, value: str) -> str:
    return (f"[ a tree:{kind}Relation ; tree:node <{node}> ; tree:path as:published ; "
            f"tree:value \"{value}\"^^xsd:dateTime ]")


def serve_feed(partner, pages: list[tuple[str, str, list[str]]], extra_links: dict[str, list[str]] | None = None) -> str:
    """pages: (start time, end time, activities) per page /feed/<n>; the root /feed relates to each with its
    bounds (>= start and < end). extra_links: page number → further relation blocks on that page."""
    root = partner.url("/feed")
    relations = []
    for number, (start, end, members) in enumerate(pages, 1):
        node = partner.url(f"/feed/{number}")
        relations += [relation("GreaterThanOrEqualTo", node, start), relation("LessThan", node, end)]
        extra = (extra_links or {}).get(str(number), [])
        body = (FEED_PREFIXES + f"<{node}> a tree:Node" + "".join(f" ; tree:relation {r}" for r in extra) + " .\n"
                + "".join(members))
        partner.serve(f"/feed/{number}", body, content_type=TRIG)
    partner.serve("/feed", FEED_PREFIXES + f"""<{root}> a ldes:EventStream ; ldes:timestampPath as:published ;
  ldes:versionOfPath as:object ; tree:view <{root}> .
<{root}> a tree:Node""" + "".join(f" ;\n  tree:relation {r}" for r in relations) + " .\n", content_type=TRIG)
    return root


def titles(ctx, datasets) -> dict[str, str]:
    """dataset IRI → its dct:title, as the central node holds it."""
    title = ox.NamedNode("http://purl.org/dc/terms/title")
    found = {}
    for iri in datasets:
        values = [t.object.value for t in ctx.store.description_of(ox.NamedNode(iri)) if t.predicate == title]
        found[iri] = values[0] if values else None
    return found
