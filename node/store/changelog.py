"""The change log: one entry per record created, updated or deleted, written with the change itself.

Each entry is a small named graph `<base>changes/<seq>` whose subject is that same IRI: the activity
of the node's DCAT-AP Feed (node.feed), so a feed page is read by a handful of point lookups, and a
rebase moves entries with everything else. An entry holds the ActivityStreams type (as:Create,
as:Update, as:Delete), the dataset IRI (as:object), the time (as:published), the record's graph, one
packed literal with its source ("local" or a harvest source name), the content hash and the harvest run
that wrote it (the sequence number is the IRI's last segment), and, for creates and updates, the record
as published (N-Triples: the feed's payload and the version kept for history). Numbers have no gaps; the head graph `<base>graph/changes` holds the
first number kept once old entries are pruned (retention).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone

import pyoxigraph as ox

from vocab.namespaces import EHDS, RDF, XSD

AS = "https://www.w3.org/ns/activitystreams#"
KINDS = {"create": AS + "Create", "update": AS + "Update", "delete": AS + "Delete"}
_KIND_OF_TYPE = {iri: kind for kind, iri in KINDS.items()}

RDF_TYPE = ox.NamedNode(str(RDF.type))
AS_OBJECT = ox.NamedNode(AS + "object")
AS_PUBLISHED = ox.NamedNode(AS + "published")
GRAPH = ox.NamedNode(str(EHDS.graph))  # the record's graph: a record's history is found by it
SEQUENCE = ox.NamedNode(str(EHDS.sequence))  # these three only in what is published (activity_triples)
SOURCE = ox.NamedNode(str(EHDS.source))
HASH = ox.NamedNode(str(EHDS.contentHash))
DETAILS = ox.NamedNode(str(EHDS.changeDetails))  # source, hash, run: one packed literal (fewer quads)
PAYLOAD = ox.NamedNode(str(EHDS.payload))  # N-Triples of the version (rebase rewrites it term by term)
FIRST_SEQUENCE = ox.NamedNode(str(EHDS.firstSequence))
_DATETIME = ox.NamedNode(str(XSD.dateTime))
_INTEGER = ox.NamedNode(str(XSD.integer))


@dataclass(frozen=True)
class ChangeEntry:
    sequence: int
    published: str  # xsd:dateTime, UTC, milliseconds
    kind: str  # "create" | "update" | "delete"
    dataset_iri: str
    graph: str
    source: str  # "local" or the harvest source's name
    content_hash: str
    run: str | None = None
    payload: str | None = None  # the record as published (N-Triples); None for a deletion

    @property
    def record_id(self) -> str:
        return self.graph.rstrip("/").rsplit("/", 1)[-1]


def head_graph(base_url: str) -> str:
    return base_url + "graph/changes"


def entry_iri(base_url: str, sequence: int) -> str:
    return f"{base_url}changes/{sequence}"


def sequence_of(base_url: str, iri: str) -> int | None:
    prefix = base_url + "changes/"
    tail = iri[len(prefix):] if iri.startswith(prefix) else ""
    return int(tail) if tail.isdigit() and len(tail) < 19 else None


def last_entry_from(low: int, exists) -> int:
    """The last entry's number, searched forward from `low`, which exists: entries are numbered without
    gaps, so galloping then bisecting finds it in O(log n) calls of `exists(number)`."""
    step = 1
    while exists(low + step):
        low, step = low + step, step * 2
    high = low + step  # low exists, high does not
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if exists(middle) else (low, middle)
    return low


def content_hash(payload: str | None) -> str:
    return hashlib.sha256((payload or "").encode()).hexdigest()


def timestamp(now: datetime | None = None) -> str:
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def canonical_time(value: str) -> str:
    """The stored time in the log's one lexical form (milliseconds, Z): the store gives xsd:dateTime back in
    its canonical form ("…:26.13Z", "…:26Z"), which does not sort as text; the log's searches compare text."""
    return timestamp(datetime.fromisoformat(value.replace("Z", "+00:00")))


def entry_triples(base_url: str, entry: ChangeEntry, *, with_payload: bool = True) -> tuple[ox.Triple, ...]:
    subject = ox.NamedNode(entry_iri(base_url, entry.sequence))
    details = "\t".join((entry.source, entry.content_hash, entry.run or ""))
    triples = [
        ox.Triple(subject, RDF_TYPE, ox.NamedNode(KINDS[entry.kind])),
        ox.Triple(subject, AS_OBJECT, ox.NamedNode(entry.dataset_iri)),
        ox.Triple(subject, AS_PUBLISHED, ox.Literal(entry.published, datatype=_DATETIME)),
        ox.Triple(subject, GRAPH, ox.NamedNode(entry.graph)),
        ox.Triple(subject, DETAILS, ox.Literal(details)),
    ]
    if entry.payload is not None and with_payload:
        triples.append(ox.Triple(subject, PAYLOAD, ox.Literal(entry.payload)))
    return tuple(triples)


def activity_triples(base_url: str, entry: ChangeEntry) -> list[ox.Triple]:
    """An entry as published (history, feed): the activity with each field its own statement."""
    subject = ox.NamedNode(entry_iri(base_url, entry.sequence))
    return [
        ox.Triple(subject, RDF_TYPE, ox.NamedNode(KINDS[entry.kind])),
        ox.Triple(subject, AS_OBJECT, ox.NamedNode(entry.dataset_iri)),
        ox.Triple(subject, AS_PUBLISHED, ox.Literal(entry.published, datatype=_DATETIME)),
        ox.Triple(subject, SEQUENCE, ox.Literal(str(entry.sequence), datatype=_INTEGER)),
        ox.Triple(subject, SOURCE, ox.Literal(entry.source)),
        ox.Triple(subject, HASH, ox.Literal(entry.content_hash)),
    ]


def head_triples(base_url: str, first_sequence: int) -> tuple[ox.Triple, ...]:
    return (ox.Triple(ox.NamedNode(head_graph(base_url)), FIRST_SEQUENCE,
                      ox.Literal(str(first_sequence), datatype=_INTEGER)),)


def read_entry(triples, base_url: str, *, with_payload: bool = True) -> ChangeEntry | None:
    """An entry from its graph's triples (None when they are not an entry)."""
    values: dict[str, object] = {}
    subject = None
    for triple in triples:
        values[triple.predicate.value] = triple.object
        subject = triple.subject
    kind = _KIND_OF_TYPE.get(getattr(values.get(RDF_TYPE.value), "value", ""))
    sequence = sequence_of(base_url, subject.value) if subject is not None else None
    if kind is None or sequence is None or DETAILS.value not in values or GRAPH.value not in values:
        return None
    graph = values[GRAPH.value].value
    source, content_hash, run = values[DETAILS.value].value.split("\t")
    payload = values.get(PAYLOAD.value)
    return ChangeEntry(
        sequence=sequence, published=canonical_time(values[AS_PUBLISHED.value].value), kind=kind,
        dataset_iri=values[AS_OBJECT.value].value, graph=graph, source=source, content_hash=content_hash,
        run=run or None, payload=payload.value if (payload is not None and with_payload) else None)
