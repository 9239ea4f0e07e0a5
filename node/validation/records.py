"""Split a catalogue into per-record chunks of N-Triples, so validation runs in bounded pieces.

A record is a "root" resource (dataset, series, data service, catalogue, catalogue record) with
everything reachable from it that is not another root. A chunk holds the records of several roots plus
what their rules need from outside: the rdf:type of every other root they link to or that links to
them (with that link), and the background vocabulary entries of the IRIs they use. Results are kept
only for the nodes a chunk owns, so each result is reported once, as on the whole graph.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Iterator

RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
DCAT = "http://www.w3.org/ns/dcat#"
DATASET = f"<{DCAT}Dataset>"
ROOT_CLASSES = frozenset(f"<{DCAT}{name}>" for name in ("Dataset", "DatasetSeries", "DataService", "Catalog", "CatalogRecord"))


def split_line(line: str) -> tuple[str, str, str]:
    """An N-Triples line as written by Oxigraph ("S P O .") -> (S, P, O) in N-Triples syntax."""
    subject, predicate, rest = line.split(" ", 2)
    return subject, predicate, rest[:-2]


def is_node(term: str) -> bool:
    return term.startswith("<") or term.startswith("_:")


class TripleIndex:
    """N-Triples lines indexed by subject, with the types and links the record split needs."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        self.by_subject: dict[str, list[int]] = defaultdict(list)
        self.types: dict[str, set[str]] = defaultdict(set)
        self.type_line_index: dict[str, list[int]] = defaultdict(list)
        self.links: dict[str, list[str]] = defaultdict(list)  # subject -> object nodes
        for index, line in enumerate(lines):
            subject, predicate, obj = split_line(line)
            self.by_subject[subject].append(index)
            if predicate == RDF_TYPE:
                self.types[subject].add(obj)
                self.type_line_index[subject].append(index)
            elif is_node(obj):
                self.links[subject].append(obj)

    def type_lines(self, node: str) -> list[int]:
        return self.type_line_index.get(node, [])

    def datasets(self) -> list[str]:
        return [s for s, types in self.types.items() if DATASET in types]


HUB_LINKS = 20  # a root linking to more roots than this (a catalogue) gets no type stubs for them


@dataclass
class Chunk:
    text: str  # N-Triples: the records, the stubs and the background entries they need
    owned: frozenset[str]  # subjects whose results this chunk reports
    stubs: frozenset[str]  # other roots present only as rdf:type + their link to one of ours
    untyped: frozenset[str]  # roots a hub links to, present here without their type

    def keeps(self, focus: str, value: str | None) -> bool:
        """Whether a result belongs to this chunk (each is reported by exactly the chunks that own it)."""
        if focus in self.owned:
            return value not in self.untyped  # checked where that root is, with its type
        return focus in self.stubs and value in self.owned  # a stub's link to one of ours


class RecordSplitter:
    def __init__(self, index: TripleIndex, background: TripleIndex | None = None):
        self.index = index
        self.background = background
        self.roots = [s for s, types in index.types.items() if types & ROOT_CLASSES]
        self.root_set = frozenset(self.roots)
        self.incoming = self._links_from_roots()

    def _links_from_roots(self) -> dict[str, list[int]]:
        incoming: dict[str, list[int]] = defaultdict(list)
        for root in self.roots:
            for i in self.index.by_subject[root]:
                _, predicate, obj = split_line(self.index.lines[i])
                if predicate != RDF_TYPE and obj in self.root_set and obj != root:
                    incoming[obj].append(i)
        return incoming

    def record(self, root: str) -> "Record":
        """Lines, owned subjects, stubs and background lookups of one root's record."""
        record = Record(set(), {root}, set(), set(), set())
        hub = sum(1 for obj in self.index.links.get(root, ()) if obj in self.root_set) > HUB_LINKS
        queue = deque([root])
        while queue:
            node = queue.popleft()
            record.lines.update(self.index.by_subject.get(node, ()))
            for obj in self.index.links.get(node, ()):
                record.used.add(obj)
                if obj in self.root_set and obj != root:
                    if hub and node == root:
                        record.untyped.add(obj)  # its own chunk checks this link, with the hub as stub
                    else:
                        record.lines.update(self.index.type_lines(obj))
                elif obj not in record.owned and obj in self.index.by_subject:
                    record.owned.add(obj)
                    queue.append(obj)
        for i in self.incoming.get(root, ()):
            subject = split_line(self.index.lines[i])[0]
            record.lines.add(i)
            record.lines.update(self.index.type_lines(subject))
            record.stubs.add(subject)
        return record

    def chunks(self, records_per_chunk: int) -> Iterator[Chunk]:
        reached: set[str] = set()
        batch: list[Record] = []
        for root in self._roots_then_orphans(reached):
            part = self.record(root)
            reached.update(part.owned)
            batch.append(part)
            if len(batch) >= records_per_chunk:
                yield self._chunk(batch)
                batch = []
        if batch:
            yield self._chunk(batch)

    def _roots_then_orphans(self, reached: set[str]) -> Iterator[str]:
        yield from self.roots
        for subject in list(self.index.by_subject):  # resources no record reaches
            if subject not in reached:
                yield subject

    def _chunk(self, batch: list["Record"]) -> Chunk:
        merged = Record(set(), set(), set(), set(), set())
        for part in batch:
            for mine, theirs in zip(merged.parts(), part.parts()):
                mine |= theirs
        text = [self.index.lines[i] for i in sorted(merged.lines)]
        if self.background is not None:
            for iri in merged.used:
                text.extend(self.background.lines[i] for i in self.background.by_subject.get(iri, ()))
        stubs = merged.stubs - merged.owned
        return Chunk("\n".join(text) + "\n", frozenset(merged.owned), frozenset(stubs),
                     frozenset(merged.untyped - merged.owned - stubs))


@dataclass
class Record:
    lines: set[int]
    owned: set[str]
    used: set[str]  # object nodes, looked up in the background vocabularies
    stubs: set[str]
    untyped: set[str]

    def parts(self) -> tuple[set, ...]:
        return self.lines, self.owned, self.used, self.stubs, self.untyped


def owning_dataset(node: str, index: TripleIndex, parents: dict[str, list[str]]) -> str | None:
    """The nearest dcat:Dataset the node belongs to (itself, or up the links pointing to it)."""
    seen, queue = {node}, deque([node])
    while queue:
        current = queue.popleft()
        if DATASET in index.types.get(current, ()):
            return current
        for parent in parents.get(current, ()):
            if parent not in seen:
                seen.add(parent)
                queue.append(parent)
    return None


def parent_links(index: TripleIndex) -> dict[str, list[str]]:
    parents: dict[str, list[str]] = defaultdict(list)
    for subject, objects in index.links.items():
        for obj in objects:
            parents[obj].append(subject)
    return parents
