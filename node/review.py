"""The yearly accuracy check (EHDS Regulation 2025/327, Art. 60): which records have not changed for
too long, grouped by the holder who owes the check.

A record's last change is the change log's last entry for its graph; when retention pruned them all
(or the record predates the log), the dataset's own dct:modified, then the catalogue record's
dct:modified (when the node last stored it). The catalogue is walked entry by entry: one record's
triples are read at a time, and only the late ones are kept (a few fields each).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Iterable, Iterator

import pyoxigraph as ox

from node.errors import ParseError
from vocab.namespaces import DCTERMS, FOAF, SKOS, VCARD

_UNITS = {"D": "days", "M": "months", "Y": "years"}
_MAX_COUNT = 1000
_LABELS = (str(FOAF.name), str(SKOS.prefLabel), str(VCARD.fn), str(DCTERMS.title))
NO_HOLDER = ""


@dataclass(frozen=True)
class LateRecord:
    record_id: str
    dataset_iri: str
    title: str
    last_change: str  # ISO 8601, UTC ("" when nothing says when)
    basis: str  # "change log" | "dct:modified" | "catalogue record" | "unknown"
    holder_iri: str  # the dataset's dct:publisher ("" when it has none, or a blank node's "_:…")
    holder: str  # its label (the IRI when it has none)


def cutoff(period: str, now: datetime | None = None) -> datetime:
    """`12M`, `30D`, `2Y` before now, or an ISO 8601 date or date-time: the moment before which a
    record's last change makes it late. A ParseError (exit 2) says what is accepted otherwise."""
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    text = period.strip()
    unit, count = text[-1:].upper(), text[:-1]
    if unit in _UNITS and count.isascii() and count.isdigit():
        amount = int(count)
        if not 1 <= amount <= _MAX_COUNT:
            raise ParseError(f"--not-changed-since {period!r}: the number must be between 1 and {_MAX_COUNT}")
        return _before(now, amount, _UNITS[unit])
    moment = _iso_moment(text)
    if moment is None:
        raise ParseError(f"--not-changed-since {period!r}: give a period (30D, 12M, 2Y) or an ISO 8601 date "
                         "(2025-06-30) or date-time (2025-06-30T12:00:00Z)")
    if moment > now:
        raise ParseError(f"--not-changed-since {period!r} is in the future: every record would be listed")
    return moment


def _before(now: datetime, amount: int, unit: str) -> datetime:
    if unit == "days":
        return now - timedelta(days=amount)
    months = amount * (12 if unit == "years" else 1)
    year, month = divmod(now.year * 12 + now.month - 1 - months, 12)
    if year < 1:
        raise ParseError(f"--not-changed-since: {amount} {unit} before now is before the year 1")
    day = min(now.day, calendar.monthrange(year, month + 1)[1])
    return now.replace(year=year, month=month + 1, day=day)


def _iso_moment(text: str) -> datetime | None:
    """An ISO 8601 date or date-time as an aware UTC datetime (a date: its midnight UTC); None if not one."""
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), datetime.min.time(), timezone.utc)
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    try:
        return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)
    except OverflowError:
        return None


def late_records(store, naming, entries: Iterable, before: datetime) -> Iterator[LateRecord]:
    """The catalogue's records whose last change is before `before` (or unknown), one at a time."""
    for entry in entries:
        history = store.graph_history(entry.graph)
        triples = None
        if history:
            last, basis = history[-1].published, "change log"
        else:
            triples = store.graph_triples(entry.graph)
            last, basis = _modified_without_log(triples, entry)
        moment = _iso_moment(last) if last else None
        if moment is not None and moment >= before:
            continue
        if triples is None:
            triples = store.graph_triples(entry.graph)
        yield _late_record(naming, entry, triples, last if moment else "", basis if moment else "unknown")


def _modified_without_log(triples: list[ox.Triple], entry) -> tuple[str, str]:
    dataset = ox.NamedNode(entry.dataset)
    for triple in triples:
        if triple.subject == dataset and triple.predicate.value == str(DCTERMS.modified) and _iso_moment(triple.object.value):
            return triple.object.value, "dct:modified"
    return entry.modified, "catalogue record"


def _late_record(naming, entry, triples: list[ox.Triple], last: str, basis: str) -> LateRecord:
    dataset = ox.NamedNode(entry.dataset)
    publisher = next((t.object for t in triples if t.subject == dataset
                      and t.predicate.value == str(DCTERMS.publisher)), None)
    holder_iri = "" if publisher is None else (publisher.value if isinstance(publisher, ox.NamedNode)
                                                else f"_:{publisher.value}")
    holder = _label(triples, publisher) if publisher is not None else ""
    moment = _iso_moment(last)
    return LateRecord(naming.record_id_for_graph(entry.graph), entry.dataset,
                      _label(triples, dataset, (str(DCTERMS.title),)) or entry.dataset,
                      moment.isoformat().replace("+00:00", "Z") if moment else "", basis,
                      holder_iri, holder or holder_iri)


def _label(triples: list[ox.Triple], node, predicates: tuple[str, ...] = _LABELS) -> str:
    """English first, then untagged, then any language: the CLI speaks English."""
    found = [t.object for t in triples if t.subject == node and t.predicate.value in predicates
             and isinstance(t.object, ox.Literal)]
    for wanted in ("en", ""):
        for literal in found:
            if (literal.language or "").split("-")[0].lower() == wanted:
                return literal.value
    return found[0].value if found else ""


def by_holder(records: Iterable[LateRecord]) -> list[tuple[str, str, list[LateRecord]]]:
    """(holder IRI, label, records oldest first), holders by label; no holder last."""
    groups: dict[str, list[LateRecord]] = {}
    for record in records:
        groups.setdefault(record.holder_iri, []).append(record)
    ordered = sorted(groups.items(), key=lambda item: (item[0] == NO_HOLDER, item[1][0].holder.lower(), item[0]))
    return [(iri, items[0].holder, sorted(items, key=lambda r: (r.last_change, r.record_id)))
            for iri, items in ordered]
