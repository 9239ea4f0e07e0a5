"""A record's history: its versions as the change log kept them, and what changed between two.

The change log (node.store.changelog) keeps, for every create and update of a record graph, the record
as published (N-Triples); a deletion keeps no content. A record's history is every entry about its
graph (local `<id>` or harvested `<source>.<hash>`), so it stays readable after the record is deleted,
until retention (`change_retention_days`) prunes the entries.

A diff compares two versions triple by triple. Blank nodes have no identity across versions, so each
triple is keyed by the path from the dataset to it ("contact point → email"), the subject's IRI when it
has one, and its value: the same e-mail under the same path is the same statement in both versions.
No web imports here: the portal labels the paths (node.web.history).
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field

import pyoxigraph as ox

from node.errors import NotFound, ParseError
from node.rdfio import ntriples_to_triples
from node.records import check_record_id
from node.store.changelog import ChangeEntry
from node.store.naming import Naming
from vocab.namespaces import DCAT, RDF

MAX_DIFF_LINES = 2000  # statements shown (added + removed); the counts are always complete
DATASET_ROOT = ""  # a path starting at the dataset itself
RECORD_ROOT = "record"  # a path starting at the dcat:CatalogRecord the node keeps for the dataset
_RDF_TYPE = str(RDF.type)
_CATALOG_RECORD = str(DCAT.CatalogRecord)


@dataclass(frozen=True)
class RecordHistory:
    record_id: str
    graph: str
    exists: bool  # False once the record was deleted (its history is still answered)
    entries: list[ChangeEntry]  # oldest first, without payloads

    @property
    def newest_first(self) -> list[ChangeEntry]:
        return self.entries[::-1]

    @property
    def dataset_iri(self) -> str | None:
        return self.entries[-1].dataset_iri if self.entries else None


def record_history(store, naming: Naming, record_id: str) -> RecordHistory:
    """The versions of a record, current or deleted; 404 when the node never had it (or forgot it)."""
    check_record_id(record_id)
    found = None
    for graph in naming.graph_for_record_id(record_id):
        exists, entries = store.has_graph(graph), store.graph_history(graph)
        if exists or entries:
            found = RecordHistory(record_id, graph, exists, entries)
            if exists:
                break
    if found is None:
        raise NotFound(f"no dataset '{record_id}' in this catalogue, and no change of it in the change log")
    return found


def version(store, history: RecordHistory, sequence: int) -> ChangeEntry:
    """One version of the record, with its content; 404 when `sequence` is not one of its versions."""
    if not any(entry.sequence == sequence for entry in history.entries):
        raise NotFound(f"change {sequence} is not a version of dataset '{history.record_id}' "
                       f"(its versions: {_listing(history)})")
    entry = store.change(sequence, with_payload=True)
    if entry is None:  # pruned since the history was read
        raise NotFound(f"change {sequence} of dataset '{history.record_id}' is no longer kept (retention)")
    return entry


def parse_sequence(raw: str, name: str) -> int:
    """A change's sequence number from a URL (a whole number of at most 18 digits)."""
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        raise ParseError(f"{name} must be a change's sequence number (a whole number), got {raw[:40]!r}")
    return int(raw)


def _listing(history: RecordHistory) -> str:
    numbers = [str(e.sequence) for e in history.entries]
    return ", ".join(numbers[-20:]) + (" …" if len(numbers) > 20 else "") if numbers else "none kept"


def diff_pair(store, history: RecordHistory, first: str | None, last: str | None) -> tuple[ChangeEntry | None, ChangeEntry]:
    """The two versions to compare: `to` defaults to the newest, `from` to the version before `to`
    (none when `to` is the first kept: everything in it is then new)."""
    if not history.entries:
        raise NotFound(f"dataset '{history.record_id}' has no version in the change log to compare")
    newer = version(store, history, parse_sequence(last, "?to") if last else history.entries[-1].sequence)
    if first:
        return version(store, history, parse_sequence(first, "?from")), newer
    earlier = [e for e in history.entries if e.sequence < newer.sequence]
    return (version(store, history, earlier[-1].sequence) if earlier else None), newer


@dataclass
class FieldChange:
    """What changed under one path: statements removed and added (readable values)."""

    root: str  # DATASET_ROOT, RECORD_ROOT, or the IRI of another resource the record describes
    path: tuple[str, ...]  # predicate IRIs from the root to the statement
    subject: str | None  # the IRI of the statement's subject when it is not the root (a distribution …)
    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)


@dataclass
class VersionDiff:
    dataset_iri: str
    old: ChangeEntry | None
    new: ChangeEntry
    fields: list[FieldChange]
    added: int  # every statement added (also those not shown)
    removed: int
    truncated: bool  # more than MAX_DIFF_LINES: the first ones only are listed


def diff_versions(old: ChangeEntry | None, new: ChangeEntry, limit: int = MAX_DIFF_LINES) -> VersionDiff:
    """Statements removed and added from `old` to `new`, grouped by their path from the dataset.

    The work is bounded by the versions' size (each at most max_record_bytes) and by `limit` lines."""
    dataset = new.dataset_iri if new.payload is not None or old is None else old.dataset_iri
    places: dict[tuple, tuple] = {}
    before = _keyed_statements(old.payload if old else None, dataset, places)
    after = _keyed_statements(new.payload, dataset, places)  # the newer version's paths win
    removed, added = before - after, after - before
    groups: dict[tuple, FieldChange] = {}
    shown = 0
    for (identity, value), count in sorted(removed.items()):
        shown = _note(groups, places[identity], value, count, "removed", shown, limit)
    for (identity, value), count in sorted(added.items()):
        shown = _note(groups, places[identity], value, count, "added", shown, limit)
    fields = [groups[key] for key in sorted(groups, key=lambda k: (k[0] != DATASET_ROOT, k[0], k[1], k[2] or ""))]
    total_added, total_removed = sum(added.values()), sum(removed.values())
    return VersionDiff(dataset, old, new, fields, total_added, total_removed,
                       total_added + total_removed > shown)


def _note(groups: dict, place: tuple, value: str, count: int, side: str, shown: int, limit: int) -> int:
    for _ in range(count):
        if shown >= limit:
            return shown
        group = groups.setdefault(place, FieldChange(*place))
        getattr(group, side).append(value)
        shown += 1
    return shown


def _keyed_statements(payload: str | None, dataset_iri: str, places: dict) -> Counter:
    """Each statement of a version as (identity, readable value), counted; `places` gets each
    identity's (root, path, subject) for display. A statement about a resource with an IRI (an agent,
    a distribution) is identified by that IRI and its property, whatever path reaches it; one about a
    blank node (or the dataset) by its path from the dataset."""
    if not payload:
        return Counter()
    triples = ntriples_to_triples(payload.encode())
    by_subject: dict = {}
    for triple in triples:
        by_subject.setdefault(triple.subject, []).append(triple)
    paths = _paths(by_subject, ox.NamedNode(dataset_iri))
    keyed = Counter()
    for triple in triples:
        root, path, root_node = paths[triple.subject]
        place = (root, (*path, triple.predicate.value), None)
        identity = place
        if isinstance(triple.subject, ox.NamedNode) and triple.subject != root_node:
            place = (root, place[1], triple.subject.value)
            identity = ("iri", triple.subject.value, triple.predicate.value)
        places[identity] = place
        keyed[(identity, readable(triple.object))] += 1
    return keyed


def _paths(by_subject: dict, dataset: ox.NamedNode) -> dict:
    """subject → (root, predicates from the root, root node): a breadth-first walk from the dataset,
    then from the catalogue record and any other described resource not reached from it."""
    places: dict = {}
    roots = [dataset] + sorted((s for s in by_subject if s != dataset and isinstance(s, ox.NamedNode)),
                               key=lambda s: (not _is_catalog_record(by_subject[s]), s.value))
    roots += sorted((s for s in by_subject if isinstance(s, ox.BlankNode)), key=lambda s: _signature(by_subject[s]))
    for root in roots:
        if root in places:
            continue
        label = DATASET_ROOT if root == dataset else RECORD_ROOT if _is_catalog_record(by_subject.get(root, ())) \
            else (root.value if isinstance(root, ox.NamedNode) else "_")
        places[root] = (label, (), root)
        queue = deque([root])
        while queue:
            subject = queue.popleft()
            for triple in sorted(by_subject.get(subject, ()), key=lambda t: (t.predicate.value, str(t.object))):
                target = triple.object
                if target in by_subject and target not in places and not isinstance(target, ox.Literal):
                    places[target] = (label, (*places[subject][1], triple.predicate.value), root)
                    queue.append(target)
    return places


def _is_catalog_record(triples) -> bool:
    return any(t.predicate.value == _RDF_TYPE and t.object.value == _CATALOG_RECORD for t in triples)


def _signature(triples) -> str:
    return "\n".join(sorted(f"{t.predicate.value} {readable(t.object)}" for t in triples))


def readable(term) -> str:
    """A value as a steward reads it: the text (with its language), the IRI, or "[…]" for a blank node."""
    if isinstance(term, ox.Literal):
        if term.language:
            return f"{term.value} @{term.language}"
        datatype = term.datatype.value
        if datatype.startswith("http://www.w3.org/2001/XMLSchema#") and not datatype.endswith("#string"):
            return f"{term.value} ({datatype.rsplit('#', 1)[1]})"
        return term.value
    if isinstance(term, ox.BlankNode):
        return "[…]"
    return term.value
