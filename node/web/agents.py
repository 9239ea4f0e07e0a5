"""Pages for what records describe inside them: agents (/agents/<id>: publishers, HDABs, creators…)
and distributions (/datasets/<id>/distributions/<name>), negotiated like datasets (RDF or HTML).

Agents are repeated in every record that names them; their page shows one description and every
dataset that points to them, with the role it gives them.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, request
from flask_babel import gettext

from node import rdfio
from node.catalog import dataset_triples
from node.errors import NotFound
from node.skolem import GENID
from node.web.app import node_context
from node.web.html import render
from node.web.i18n import current_language
from node.web.labels import FACT_LABELS
from node.web.rdf_documents import HTML, OFFERED, rdf_response
from node.web.views import Description, dataset_view
from vocab.namespaces import CV, DCAT, DCTERMS, FOAF, HEALTHDCATAP, VCARD

blueprint = Blueprint("agents", __name__)
ROLES = {str(DCTERMS.publisher): "publisher", str(HEALTHDCATAP.hdab): "hdab", str(DCTERMS.creator): "creator",
         "http://data.europa.eu/930/custodian": "custodian", str(DCTERMS.rightsHolder): "rights_holder"}  # geodcatap:custodian
MAX_LISTED = 200  # datasets listed on an agent's page


def describe(triples: list[ox.Triple], subject: ox.NamedNode) -> list[ox.Triple]:
    """The triples about `subject` and the nodes only it owns (blank nodes, skolem IRIs, IRIs under its
    own path)."""
    d = Description(triples)
    out, todo, seen = [], [subject], set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for t in d.by_subject.get(node, ()):
            out.append(t)
            if isinstance(t.object, ox.BlankNode) or (isinstance(t.object, ox.NamedNode) and (
                    t.object.value.startswith(subject.value + "/") or GENID in t.object.value)):
                todo.append(t.object)
    return out


def _iri(text: str) -> ox.NamedNode:
    """The resource's IRI, checked by Oxigraph's IRI parser (a path with a NUL or a space is a 404)."""
    try:
        return ox.NamedNode(text)
    except ValueError:
        raise NotFound(f"no resource at {text[:200]!r}: not a valid IRI") from None


def _negotiated() -> str:
    return rdfio.negotiate_or_406(request.headers.get("Accept"), OFFERED)




@blueprint.get("/agents/<path:agent_id>")
def agent(agent_id: str):
    ctx = node_context()
    iri, triples = _described(ctx, "agents/" + agent_id, f"no agent '{agent_id}' is described in this catalogue")
    media_type = _negotiated()
    if media_type != HTML:
        return rdf_response(triples, media_type)
    return render("agent.html", **_agent_values(ctx, iri, triples), alternates=[])


def _described(ctx, path: str, missing: str) -> tuple[ox.NamedNode, list[ox.Triple]]:
    """The resource at <base><path> and what the first record describing it says of it."""
    iri = _iri(ctx.naming.base_url + path)
    graph = ctx.store.graph_describing(iri)
    if graph is None:
        raise NotFound(missing)
    return iri, describe(ctx.store.graph_triples(graph), iri)


@blueprint.get("/.well-known/genid/<digest>")
def skolem_node(digest: str):
    """A node records named by content (node.skolem), e.g. an agent's contact point: its description."""
    ctx = node_context()
    iri, triples = _described(ctx, GENID + digest, f"no resource '{GENID}{digest}' is described in this catalogue")
    media_type = _negotiated()
    if media_type != HTML:
        return rdf_response(triples, media_type)
    d = Description(triples, current_language())
    contacts = [("email", o.value) for o in d.objects(iri, CV.email) + d.objects(iri, VCARD.hasEmail)]
    contacts += [("page", o.value) for o in d.objects(iri, CV.contactPage) + d.objects(iri, VCARD.hasURL)]
    return render("agent.html", title=_skolem_title(ctx, d, iri, bool(contacts)), iri=iri.value, kinds=[],
                  contacts=contacts, homepages=[], datasets=None, fact_labels=FACT_LABELS, alternates=[])


def _skolem_title(ctx, d: Description, iri: ox.NamedNode, is_contact: bool) -> str:
    """"Contact point — <its agent>" (a skolem IRI has no name of its own), else the node's label."""
    owner = next((triple.subject for triple, _ in ctx.store.referrers(iri)), None)
    if not is_contact or owner is None:
        return d.label(iri)
    owner_label = Description(ctx.store.description_of(owner), current_language()).label(owner)
    return f"{gettext('Contact point')} — {owner_label}"


def _agent_values(ctx, iri: ox.NamedNode, triples: list[ox.Triple]) -> dict:
    d = Description(triples, current_language())
    contacts = []
    for contact in d.objects(iri, CV.contactPoint) + d.objects(iri, DCAT.contactPoint):
        contacts += [("email", o.value) for o in d.objects(contact, CV.email) + d.objects(contact, VCARD.hasEmail)]
        contacts += [("page", o.value) for o in d.objects(contact, CV.contactPage) + d.objects(contact, FOAF.homepage)]
    kinds = [d.label(node) for node in d.objects(iri, DCTERMS.type)]
    return {"title": d.label(iri), "iri": iri.value, "kinds": kinds, "contacts": contacts,
            "homepages": [o.value for o in d.objects(iri, FOAF.homepage)], "datasets": _datasets_of(ctx, iri),
            "fact_labels": FACT_LABELS}


def _datasets_of(ctx, iri: ox.NamedNode) -> list[dict]:
    """Each dataset that names the agent, with the roles it gives it (publisher, HDAB …)."""
    language = current_language()
    found: dict[str, dict] = {}
    for triple, graph in ctx.store.referrers(iri):
        role = ROLES.get(triple.predicate.value)
        if role is None or ctx.naming.record_source(graph) is None:
            continue
        entry = found.get(graph)
        if entry is None:
            if len(found) >= MAX_LISTED:
                break
            title = Description(ctx.store.description_of(triple.subject), language)
            entry = found[graph] = {"href": "datasets/" + ctx.naming.record_id_for_graph(graph),
                                    "title": title.text(triple.subject, DCTERMS.title) or triple.subject.value,
                                    "roles": []}
        if role not in entry["roles"]:
            entry["roles"].append(role)
    return sorted(found.values(), key=lambda e: str(e["title"]).lower())


@blueprint.get("/datasets/<record_id>/distributions/<name>")
def distribution(record_id: str, name: str):
    ctx = node_context()
    triples = dataset_triples(ctx.store, ctx.naming, record_id)
    iri = _iri(f"{ctx.naming.dataset(record_id)}/distributions/{name}")
    if not any(t.subject == iri for t in triples):
        raise NotFound(f"dataset '{record_id}' has no distribution '{name}'")
    media_type = _negotiated()
    if media_type != HTML:
        return rdf_response(describe(triples, iri), media_type)
    view = dataset_view(triples, _dataset_of(triples, iri), current_language())
    shown = next(d for d in view.distributions if d["iri"] == iri.value)
    d = Description(triples, current_language())
    return render("distribution.html", view=view, record_id=record_id, distribution=shown,
                  title=shown["title"] or name, iri=iri.value,
                  rights=[d.label(o) for o in d.objects(iri, DCTERMS.rights) + d.objects(iri, DCTERMS.accessRights)],
                  media_types=[d.label(o) for o in d.objects(iri, DCAT.mediaType)],
                  issued=d.text(iri, DCTERMS.issued), modified=d.text(iri, DCTERMS.modified),
                  alternates=[])


def _dataset_of(triples: list[ox.Triple], distribution: ox.NamedNode) -> str:
    return next(t.subject.value for t in triples
                if t.predicate.value == str(DCAT.distribution) and t.object == distribution)
