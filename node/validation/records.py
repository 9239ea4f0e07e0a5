"""Split a catalogue into per-record chunks of N-Triples, so validation runs in bounded pieces.

A record is a "root" resource (dataset, series, data service, catalogue, catalogue record) with
everything reachable from it that is not another root. A chunk holds the records of several roots plus
what their rules need from outside: the rdf:type of every other root they link to or that links to
them (with that link), and the background vocabulary entries of the IRIs they use. Results are kept
only for the nodes a chunk owns, so each result is reported once, as on the whole graph.

The index splits each line once; chunks are built by one breadth-first walk per root into sets shared
by the whole chunk (the union is what a chunk needs, so records need no sets of their own).
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass
from itertools import islice
from typing import Iterator

import pyoxigraph as ox
from rdflib import Graph

from node.rdfio import from_rdflib

RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
DCAT = "http://www.w3.org/ns/dcat#"
DATASET = f"<{DCAT}Dataset>"
ROOT_CLASSES = frozenset(f"<{DCAT}{name}>" for name in ("Dataset", "DatasetSeries", "DataService", "Catalog", "CatalogRecord"))


SERIALIZE_BATCH = 200_000  # triples serialised at a time: the whole text never exists next to its lines


def ntriples_lines(data) -> list[str]:
    """The data as Oxigraph-written N-Triples lines (Rust serialisation, in bounded batches)."""
    triples = iter(from_rdflib(data) if isinstance(data, Graph) else data)
    lines: list[str] = []
    while batch := list(islice(triples, SERIALIZE_BATCH)):
        lines += ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES).decode("utf-8").splitlines()
    return lines


def split_line(line: str) -> tuple[str, str, str]:
    """An N-Triples line as written by Oxigraph ("S P O .") -> (S, P, O) in N-Triples syntax."""
    subject, predicate, rest = line.split(" ", 2)
    return subject, predicate, rest[:-2]


class TripleIndex:
    """N-Triples lines indexed by subject, with the types and links the record split needs."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        by_subject: dict[str, list[int]] = defaultdict(list)
        types: dict[str, set[str]] = defaultdict(set)
        type_lines: dict[str, list[int]] = defaultdict(list)
        links: dict[str, list[str]] = defaultdict(list)  # subject -> object nodes, in line order
        for index, line in enumerate(lines):
            subject, predicate, rest = line.split(" ", 2)
            by_subject[subject].append(index)
            if predicate == RDF_TYPE:
                types[subject].add(rest[:-2])
                type_lines[subject].append(index)
            elif rest[0] in "<_":  # an IRI or a blank node: a link ("_:" never starts a literal)
                links[subject].append(rest[:-2])
        self.by_subject, self.types, self.type_line_index, self.links = by_subject, types, type_lines, links
        self._parents: dict[str, list[str]] | None = None

    def type_lines(self, node: str) -> list[int]:
        return self.type_line_index.get(node, [])

    def datasets(self) -> list[str]:
        return [s for s, types in self.types.items() if DATASET in types]

    def parents(self) -> dict[str, list[str]]:
        """Node described here -> the subjects linking to it, in line order (built on first use: most
        results are on datasets and need none). Vocabulary IRIs, most objects, are left out."""
        if self._parents is None:
            described = self.by_subject
            parents: dict[str, list[str]] = defaultdict(list)
            for subject, objects in self.links.items():
                for obj in objects:
                    if obj in described:
                        parents[obj].append(subject)
            self._parents = parents
        return self._parents


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


class _ChunkParts:
    """What the records of one chunk add up to: lines, owned nodes, stubs, untyped roots, used IRIs."""

    def __init__(self):
        self.lines: set[int] = set()
        self.owned: set[str] = set()
        self.used: set[str] = set()  # object nodes, looked up in the background vocabularies
        self.stubs: set[str] = set()
        self.untyped: set[str] = set()
        self.records = 0


class RecordSplitter:
    def __init__(self, index: TripleIndex, background: TripleIndex | None = None, count_limit: int = 1000,
                 uncapped: frozenset[str] = frozenset()):
        self.index = index
        self.background = background
        self.count_limit = count_limit  # more than any count a shape compares with (sh:minCount, sh:maxCount…)
        self.uncapped = uncapped  # predicates whose values a shape counts by conformance (sh:qualifiedValueShape)
        self.roots = [s for s, types in index.types.items() if types & ROOT_CLASSES]
        self.root_set = frozenset(self.roots)
        self.incoming = self._links_from_roots()

    def _links_from_roots(self) -> dict[str, list[int]]:
        incoming: dict[str, list[int]] = defaultdict(list)
        root_set, links, lines = self.root_set, self.index.links, self.index.lines
        for root in self.roots:
            if any(obj in root_set for obj in links.get(root, ())):  # few roots link to roots: split only theirs
                for i in self.index.by_subject[root]:
                    _, predicate, obj = split_line(lines[i])
                    if predicate != RDF_TYPE and obj in root_set and obj != root:
                        incoming[obj].append(i)
        return incoming

    def add_record(self, root: str, parts: _ChunkParts) -> None:
        """Add one root's record to a chunk: its lines, owned subjects, stubs and background lookups."""
        index, root_set = self.index, self.root_set
        links, by_subject, type_lines = index.links, index.by_subject, index.type_lines
        hub = sum(1 for obj in links.get(root, ()) if obj in root_set) > HUB_LINKS
        owned, lines, used = parts.owned, parts.lines, parts.used
        owned.add(root)
        parts.records += 1
        queue = deque([root])
        while queue:
            node = queue.popleft()
            lines.update(self._hub_lines(root) if hub and node == root else by_subject.get(node, ()))
            for obj in links.get(node, ()):
                used.add(obj)
                if obj in root_set and obj != root:
                    if hub and node == root:
                        parts.untyped.add(obj)  # its own chunk checks this link, with the hub as stub
                    else:
                        lines.update(type_lines(obj))
                elif obj not in owned and obj in by_subject:
                    owned.add(obj)
                    queue.append(obj)
        for i in self.incoming.get(root, ()):
            subject = index.lines[i].split(" ", 1)[0]
            lines.add(i)
            lines.update(type_lines(subject))
            parts.stubs.add(subject)

    def _hub_lines(self, hub: str) -> list[int]:
        """A hub's lines, with at most `count_limit` links per predicate to the roots it leaves untyped.

        Each of those links is checked in the chunk of the root it points to (the hub a stub there), so
        here they only count: towards sh:minCount / sh:maxCount, whose limits are below count_limit in
        the shapes. Keeping all of them (100,000 in a large catalogue) makes the engine report 100,000
        results on them in one run, which costs it time growing with the square of that number."""
        kept: list[int] = []
        counts: dict[str, int] = defaultdict(int)
        for i in self.index.by_subject[hub]:
            _, predicate, obj = split_line(self.index.lines[i])
            if predicate != RDF_TYPE and obj in self.root_set and obj != hub and predicate not in self.uncapped:
                counts[predicate] += 1
                if counts[predicate] > self.count_limit:
                    continue
            kept.append(i)
        return kept

    def chunks(self, records_per_chunk: int) -> Iterator[Chunk]:
        reached: set[str] = set()
        parts = _ChunkParts()
        for root in self._roots_then_orphans(reached):
            if root in parts.owned and root not in self.root_set:
                continue  # an orphan this chunk already reached from another orphan
            self.add_record(root, parts)
            if parts.records >= records_per_chunk:
                reached |= parts.owned
                yield self._chunk(parts)
                parts = _ChunkParts()
        if parts.records:
            yield self._chunk(parts)

    def _roots_then_orphans(self, reached: set[str]) -> Iterator[str]:
        yield from self.roots
        for subject in list(self.index.by_subject):  # resources no record reaches
            if subject not in reached:
                yield subject

    def _chunk(self, parts: _ChunkParts) -> Chunk:
        lines = self.index.lines
        text = [lines[i] for i in sorted(parts.lines)]
        if self.background is not None:
            background = self.background
            for iri in parts.used:
                text.extend(background.lines[i] for i in background.by_subject.get(iri, ()))
        stubs = parts.stubs - parts.owned
        return Chunk("\n".join(text) + "\n", frozenset(parts.owned), frozenset(stubs),
                     frozenset(parts.untyped - parts.owned - stubs))


def owning_dataset(node: str, index: TripleIndex) -> str | None:
    """The nearest dcat:Dataset the node belongs to (itself, or up the links pointing to it)."""
    if DATASET in index.types.get(node, ()):
        return node
    parents = index.parents()
    if node in index.by_subject:
        first = parents.get(node, ())
    else:  # a target without triples (sh:targetNode, sh:targetObjectsOf): not in the parents map
        first = [subject for subject, objects in index.links.items() for obj in objects if obj == node]
    seen, queue = {node}, deque()
    for current in first:
        if current not in seen:
            seen.add(current)
            queue.append(current)
    while queue:
        current = queue.popleft()
        if DATASET in index.types.get(current, ()):
            return current
        for parent in parents.get(current, ()):
            if parent not in seen:
                seen.add(parent)
                queue.append(parent)
    return None
