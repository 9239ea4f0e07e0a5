"""`ldes`: follow a partner's DCAT-AP Feed (https://semiceu.github.io/LDES-DCAT-AP-feeds/).

The feed is an ldes:EventStream whose members are ActivityStreams as:Create / as:Update / as:Delete
activities (as:object = the dataset IRI, as:published = when); each member's payload, the dataset's
DCAT-AP description, is the named graph named by the activity IRI. Pages are TREE nodes linked by
tree:relation (tree:node, tree:path, tree:value).

A run reads the source URL (the stream, a view or a page), follows tree:view and tree:relation links
breadth-first (each through the guarded fetcher: only the source's origins, max_pages, max_run_seconds;
a node already read is not read again, so cycles end), skips nodes whose relations say all their
members are older than where the last run stopped (LessThan / LessThanOrEqualTo bounds on
as:published), then orders the new members by (as:published, activity IRI). For each dataset the latest
activity decides: Create/Update → its payload is the record; Delete → the record is removed (listed
in `HarvestPage.deleted`; node/harvest/run.py applies it through the deletion guard). `position`
is the last (as:published, activity IRI) taken; run.py keeps it in the source's state.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from itertools import groupby
from typing import Iterator

import pyoxigraph as ox

from harvesters.base import PAGE_LIMITS, HarvestedRecord, HarvestPage, PageBudget, SourceHarvester
from harvesters.records import split_records
from node.errors import HarvestError, ParseError, PayloadTooLarge
from node.fetch import HostNotAllowed, redact_url
from node.rdflimits import check_jsonld, checked_triples

_AS = "https://www.w3.org/ns/activitystreams#"
_TREE = "https://w3id.org/tree#"
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_OBJECT, _PUBLISHED = ox.NamedNode(_AS + "object"), ox.NamedNode(_AS + "published")
_KINDS = {ox.NamedNode(_AS + k): k.lower() for k in ("Create", "Update", "Delete")}
_MEMBER, _VIEW = ox.NamedNode(_TREE + "member"), ox.NamedNode(_TREE + "view")
_RELATION, _NODE = ox.NamedNode(_TREE + "relation"), ox.NamedNode(_TREE + "node")
_PATH, _VALUE = ox.NamedNode(_TREE + "path"), ox.NamedNode(_TREE + "value")
_LESS_THAN = ox.NamedNode(_TREE + "LessThanRelation")
_LESS_OR_EQUAL = ox.NamedNode(_TREE + "LessThanOrEqualToRelation")
CLOCK_SKEW = timedelta(minutes=5)  # members dated later than now + this wait for a later run
FEED_ACCEPT = "application/trig, application/ld+json;q=0.9, application/n-quads;q=0.8"
_FORMATS = {"application/trig": ("TriG", ox.RdfFormat.TRIG), "application/n-quads": ("N-Quads", ox.RdfFormat.N_QUADS),
            "application/ld+json": ("JSON-LD", ox.RdfFormat.JSON_LD), "application/json": ("JSON-LD", ox.RdfFormat.JSON_LD)}


@dataclass(frozen=True)
class Member:
    published: datetime
    activity: str
    kind: str                 # create, update or delete
    dataset: str
    payload: tuple            # the triples of the activity's named graph
    page: str

    @property
    def key(self) -> tuple:
        return self.published, natural_order(self.activity)


class LdesHarvester(SourceHarvester):
    kind = "ldes"
    position: dict | None = None   # {"published": ISO time, "activity": IRI}: last member taken

    def resume_from(self, position: dict | None) -> None:
        """Where the last complete run stopped (None: replicate the whole feed)."""
        self.position = position

    def pages(self, *, modified_since=None, validators=None) -> Iterator[HarvestPage]:
        after = _position_key(self.position)
        members, problems = self._read_feed(after)
        horizon = datetime.now(timezone.utc) + CLOCK_SKEW
        latest: dict[str, Member] = {}
        for member in sorted(members, key=lambda m: m.key):
            if member.published > horizon:  # taking it would move the position past members still to come
                problems.append(f"{member.page}: activity <{member.activity}> is dated in the future "
                                f"({member.published.isoformat()}); left for a later run")
            elif after is None or member.key > after:
                latest[member.dataset] = member
        if latest:
            last = max(latest.values(), key=lambda m: m.key)
            self.position = {"published": last.published.isoformat(), "activity": last.activity}
        records, deleted = [], []
        for member in latest.values():
            if member.kind == "delete":
                deleted.append(member.dataset)
                continue
            found, trouble = split_records(list(member.payload), member.page, source=self.source.name)
            problems += trouble
            mine = [r for r in found if r.dataset_iri == member.dataset]
            records += mine
            if not mine:
                problems.append(f"{member.page}: activity <{member.activity}> has no dcat:Dataset "
                                f"<{member.dataset}> in its payload graph; skipped")
        yield HarvestPage(self.source.url, tuple(records), tuple(problems), incremental=True,
                          deleted=tuple(sorted(deleted)))

    def _read_feed(self, after) -> tuple[list[Member], list[str]]:
        """Breadth-first over the TREE nodes from the source URL; every member found, and the problems."""
        budget = PageBudget(self.source)
        queue, queued = deque([self.source.url]), {self.source.url}
        members: list[Member] = []
        problems: list[str] = []
        while queue:
            url = queue.popleft()
            budget.spend(url)
            result = self.fetcher.get(url, accept=FEED_ACCEPT)
            quads = parse_quads(result, self.source.name)
            members += page_members(quads, redact_url(result.final_url))
            for target in links(quads, after):
                if target in queued:
                    continue  # already read or queued: a cycle, or two relations to one node
                queued.add(target)
                try:
                    self.fetcher.check_url(target)
                except HostNotAllowed as err:
                    problems.append(f"{redact_url(url)}: relation not followed: {err.message}")
                    continue
                queue.append(target)
        return members, problems


def parse_quads(result, source: str) -> list[ox.Quad]:
    """A fetched feed page as quads, through Oxigraph with the node's parse limits (JSON-LD pre-checked)."""
    url = redact_url(result.final_url)
    name, fmt = _FORMATS.get(result.media_type or "", (None, None))
    if fmt is None:
        raise HarvestError(f"{url}: partner served '{result.media_type}', not a feed page; expected one of "
                           "application/trig, application/ld+json, application/n-quads", source=source, url=url)
    try:
        if fmt == ox.RdfFormat.JSON_LD:
            check_jsonld(result.body, PAGE_LIMITS, url)
        parsed = ox.parse(input=result.body, format=fmt, base_iri=result.final_url)
        return list(checked_triples(parsed, PAGE_LIMITS, url))  # quads have .object too
    except SyntaxError as err:
        raise HarvestError(f"{url}: not valid {name}: {err}", source=source, url=url) from None
    except (ValueError, MemoryError) as err:
        raise HarvestError(f"{url}: cannot read as {name}: {err}", source=source, url=url) from None
    except (ParseError, PayloadTooLarge) as err:
        raise HarvestError(err.message, source=source, url=url) from None


def page_members(quads: list[ox.Quad], page: str) -> list[Member]:
    """The activities described in the page's default graph, with their payload graphs."""
    default = [q for q in quads if isinstance(q.graph_name, ox.DefaultGraph)]
    graphs: dict = {}
    for quad in quads:
        if not isinstance(quad.graph_name, ox.DefaultGraph):
            graphs.setdefault(quad.graph_name, []).append(quad.triple)
    by_subject: dict = {}
    for quad in default:
        by_subject.setdefault(quad.subject, []).append(quad)
    found = []
    for activity in {q.object for q in default if q.predicate == _MEMBER and isinstance(q.object, ox.NamedNode)}:
        member = _member(activity, by_subject.get(activity, ()), graphs, page)
        if member:
            found.append(member)
    return found


def _member(activity, described, graphs, page: str) -> Member | None:
    payload = tuple(graphs.get(activity, ()))
    kind = next((_KINDS[q.object] for q in described if q.predicate == _RDF_TYPE and q.object in _KINDS), None)
    kind = kind or ("update" if payload else "delete")  # the type is only a SHOULD: an upsert, or a removal
    target = next((q.object for q in described if q.predicate == _OBJECT and isinstance(q.object, ox.NamedNode)), None)
    published = next((_time(q.object.value) for q in described if q.predicate == _PUBLISHED), None)
    if not (target and published):
        return None  # no dataset, or no place in time: cannot be applied in order, ignored
    return Member(published, activity.value, kind, target.value, payload, page)


def links(quads: list[ox.Quad], after) -> list[str]:
    """tree:view and tree:relation targets, minus nodes whose bounds say all their members are at or
    before `after` (several relations to one node hold together, so one such bound is enough)."""
    default = [q for q in quads if isinstance(q.graph_name, ox.DefaultGraph)]
    by_subject: dict = {}
    for quad in default:
        by_subject.setdefault(quad.subject, []).append(quad)
    targets = [q.object.value for q in default if q.predicate == _VIEW and isinstance(q.object, ox.NamedNode)]
    pruned: set[str] = set()
    for relation in (q.object for q in default if q.predicate == _RELATION):
        described = by_subject.get(relation, ())
        node = next((q.object.value for q in described if q.predicate == _NODE and isinstance(q.object, ox.NamedNode)), None)
        if node is None:
            continue
        targets.append(node)
        if after is not None and _entirely_before(described, after[0]):
            pruned.add(node)
    return [t for t in dict.fromkeys(targets) if t not in pruned]


def _entirely_before(relation, published: datetime) -> bool:
    types = {q.object for q in relation if q.predicate == _RDF_TYPE}
    if not any(q.predicate == _PATH and q.object == _PUBLISHED for q in relation):
        return False
    bound = next((_time(q.object.value) for q in relation if q.predicate == _VALUE), None)
    if bound is None:
        return False
    # members equal to the bound may still be new (a later activity IRI at the same instant)
    return (_LESS_THAN in types and bound <= published) or (_LESS_OR_EQUAL in types and bound < published)


def _time(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _position_key(position: dict | None):
    if not position:
        return None
    published = _time(str(position.get("published", "")))
    return (published, natural_order(str(position.get("activity", "")))) if published else None


def natural_order(iri: str) -> tuple:
    """Ties in as:published go by activity IRI with numbers compared as numbers (changes/9 before
    changes/10), so a feed whose IRIs carry a sequence number is read in its own order."""
    chunks = ((digits, "".join(group)) for digits, group in groupby(iri, str.isdigit))
    return tuple((0, int(text), "") if digits else (1, 0, text) for digits, text in chunks) + ((2, 0, iri),)


__all__ = ["LdesHarvester", "HarvestedRecord"]
