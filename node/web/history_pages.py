"""A record's history for people and machines: the versions as a page or as ActivityStreams RDF, one
version's fields, and a diff whose fields carry the names the dataset page already uses."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import pyoxigraph as ox
from flask_babel import lazy_gettext as _l

from node.history import DATASET_ROOT, RECORD_ROOT, RecordHistory, VersionDiff
from node.rdfio import ntriples_to_triples
from node.store import changelog
from node.validation.output import compact
from node.web.html import alternates, render
from node.web.i18n import current_language
from node.web.labels import FACT_LABELS
from node.web.views import FACTS, dataset_view
from vocab.namespaces import DCAT, DCTERMS, FOAF, PROV, RDF, RDFS, VCARD

# the dataset page's field names (node.web.labels.FACT_LABELS), then the few it shows without a label
FIELD_LABELS = {str(predicate): FACT_LABELS[key] for key, predicate in FACTS} | {
    str(DCTERMS.title): _l("Title"), str(DCTERMS.description): _l("Description"),
    str(DCAT.keyword): _l("Keywords"), str(DCAT.distribution): _l("Distribution"),
    str(DCAT.contactPoint): FACT_LABELS["contact"], str(DCTERMS.temporal): FACT_LABELS["temporal"],
    str(VCARD.hasEmail): _l("email"), str(VCARD.fn): _l("Name"), str(FOAF.name): _l("Name"),
    str(DCAT.accessURL): _l("access"), str(DCAT.downloadURL): _l("download"), str(DCTERMS.format): _l("Format"),
    str(DCTERMS.license): _l("Licence"), str(DCTERMS.rights): _l("Rights"), str(RDF.type): _l("Type"),
    str(DCAT.startDate): _l("start"), str(DCAT.endDate): _l("end"),
}
KIND_LABELS = {"create": _l("created"), "update": _l("updated"), "delete": _l("deleted")}
RECORD_LABEL = _l("Catalogue record")
_AS_ITEMS = ox.NamedNode(changelog.AS + "items")
_AS_TOTAL = ox.NamedNode(changelog.AS + "totalItems")
_AS_COLLECTION = ox.NamedNode(changelog.AS + "OrderedCollection")
_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def field_label(root: str, path: tuple[str, ...]) -> str:
    """'Contact → email': the path from the dataset (or its catalogue record) in the reader's words."""
    steps = [str(FIELD_LABELS.get(step) or compact(f"<{step}>")) for step in path]
    if root == RECORD_ROOT:
        steps.insert(0, str(RECORD_LABEL))
    elif root != DATASET_ROOT:
        steps.insert(0, compact(f"<{root}>"))
    return " → ".join(steps)


def run_link(base_url: str, run: str) -> str:
    """The page of the harvest run that wrote a version (node.web.harvest: /harvest/runs/<id>)."""
    return f"{base_url}harvest/runs/{quote(run, safe='')}"


def oldest_kept(retention_days: int) -> str:
    moment = datetime.now(timezone.utc) - timedelta(days=retention_days)
    return moment.date().isoformat()


def history_page(ctx, history: RecordHistory):
    return render("history.html", history=history, entries=history.newest_first, kind_labels=KIND_LABELS,
                  retention_days=ctx.settings.change_retention_days,
                  oldest=oldest_kept(ctx.settings.change_retention_days), title=history.record_id,
                  alternates=alternates(f"datasets/{history.record_id}/history"))


def version_page(ctx, history: RecordHistory, entry: changelog.ChangeEntry):
    view = None
    if entry.payload is not None:
        view = dataset_view(ntriples_to_triples(entry.payload.encode()), entry.dataset_iri, current_language())
    previous = [e for e in history.entries if e.sequence < entry.sequence]
    return render("history_version.html", history=history, entry=entry, view=view, kind_labels=KIND_LABELS,
                  fact_labels=FACT_LABELS, previous=previous[-1] if previous else None, title=history.record_id,
                  alternates=alternates(f"datasets/{history.record_id}/history/{entry.sequence}"))


def diff_page(ctx, history: RecordHistory, diff: VersionDiff):
    return render("history_diff.html", history=history, diff=diff, kind_labels=KIND_LABELS,
                  fields=[(field_label(f.root, f.path), f) for f in diff.fields], title=history.record_id)


def diff_json(history: RecordHistory, diff: VersionDiff) -> dict:
    def side(entry):
        return None if entry is None else {"sequence": entry.sequence, "published": entry.published,
                                           "kind": entry.kind, "source": entry.source, "run": entry.run}

    return {"record_id": history.record_id, "dataset": diff.dataset_iri, "from": side(diff.old),
            "to": side(diff.new), "added": diff.added, "removed": diff.removed, "truncated": diff.truncated,
            "fields": [{"field": field_label(f.root, f.path), "path": list(f.path),
                        "root": f.root or None, "subject": f.subject, "removed": f.removed, "added": f.added}
                       for f in diff.fields]}


def history_triples(naming, history: RecordHistory) -> list[ox.Triple]:
    """The versions as the feed describes them (as:Create / as:Update / as:Delete with as:published and
    the change log's fields), collected in an as:OrderedCollection at the history's own IRI; a harvested
    version is prov:wasGeneratedBy its harvest run's page, a local one says ehds:source "local"."""
    collection = ox.NamedNode(f"{naming.base_url}datasets/{history.record_id}/history")
    triples = [ox.Triple(collection, ox.NamedNode(str(RDF.type)), _AS_COLLECTION),
               ox.Triple(collection, _AS_TOTAL, ox.Literal(str(len(history.entries)), datatype=_INTEGER))]
    for entry in history.newest_first:
        triples += version_triples(naming, history, entry)
        triples.append(ox.Triple(collection, _AS_ITEMS, ox.NamedNode(changelog.entry_iri(naming.base_url, entry.sequence))))
    return triples


def version_triples(naming, history: RecordHistory, entry: changelog.ChangeEntry) -> list[ox.Triple]:
    """One version's activity (without its content)."""
    activity = ox.NamedNode(changelog.entry_iri(naming.base_url, entry.sequence))
    triples = changelog.activity_triples(naming.base_url, entry)
    triples.append(ox.Triple(activity, ox.NamedNode(str(RDFS.seeAlso)),
                             ox.NamedNode(f"{naming.base_url}datasets/{history.record_id}/history/{entry.sequence}")))
    if entry.run:
        triples.append(ox.Triple(activity, ox.NamedNode(str(PROV.wasGeneratedBy)),
                                 ox.NamedNode(run_link(naming.base_url, entry.run))))
    return triples
