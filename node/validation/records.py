"""Split a catalogue into per-record chunks of N-Triples, so validation runs in bounded pieces.

A record is a "root" resource (dataset, series, data service, catalogue, catalogue record) with
everything reachable from it that is not another root. A chunk holds the records of several roots plus
what their rules need from outside: the rdf:type of every other root they link to or that links to
them (with that link), and the background vocabulary entries of the IRIs they use. Results are kept
only for the nodes a chunk owns, so each result is reported once, as on the whole graph.

The index keeps each subject's lines as text blocks, found by one regular expression per run of lines with
the same subject; links are read from a node's text when the walk reaches it. Chunks are built by one
breadth-first walk per root into sets shared by the whole chunk.
"""

from __future__ import annotations

import re
from collections import defaultdict, deque
from dataclasses import dataclass
from itertools import islice
from typing import Iterable, Iterator

import pyoxigraph as ox
from rdflib import Graph

from node.rdfio import from_rdflib, ntriples_lines
from vocab.vocabularies import class_hierarchy_subjects

RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
DCAT = "http://www.w3.org/ns/dcat#"
DATASET = f"<{DCAT}Dataset>"
ROOT_CLASSES = frozenset(f"<{DCAT}{name}>" for name in ("Dataset", "DatasetSeries", "DataService", "Catalog", "CatalogRecord"))


SERIALIZE_BATCH = 200_000  # triples serialised at a time: the whole text never exists at once

# A run of consecutive lines with one subject: one match, so the index does Python work per run, not per line.
_RUN = re.compile(r"(\S+) .*\n(?:\1 .*\n)*")
_DCAT_TYPE = f"{RDF_TYPE} <{DCAT}"
_TYPE_PREDICATE = f" {RDF_TYPE} "


def ntriples_texts(data) -> Iterator[str]:
    """The data as Oxigraph-written N-Triples ("S P O ." lines), in texts of bounded size."""
    triples = iter(from_rdflib(data) if isinstance(data, Graph) else data)
    while batch := list(islice(triples, SERIALIZE_BATCH)):
        yield ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")


def split_line(line: str) -> tuple[str, str, str]:
    """An N-Triples line as written by Oxigraph ("S P O .") -> (S, P, O) in N-Triples syntax."""
    subject, predicate, rest = line.split(" ", 2)
    return subject, predicate, rest[:-2]


def _types_in(text: str) -> list[str]:
    """The rdf:type objects of N-Triples lines (str.find: a regular expression scans them 10x slower)."""
    types = []
    found = text.find(_TYPE_PREDICATE)
    while found >= 0:
        line_end = text.index("\n", found)
        if " " not in text[text.rfind("\n", 0, found) + 1:found]:  # the predicate, not words in a literal
            types.append(text[found + len(_TYPE_PREDICATE):line_end - 2])
        found = text.find(_TYPE_PREDICATE, line_end)
    return types


def hierarchy_classes() -> tuple[str, ...]:
    """The classes that vocab/class-hierarchy.ttl gives superclasses (its subjects)."""
    return tuple(f"<{iri}>" for iri in class_hierarchy_subjects())  # as the index keys subjects


def links_in(text: str) -> list[str]:
    """The IRI and blank-node objects of N-Triples lines, rdf:type left out, in line order. (A loop over
    the lines: Python's regular expressions scan such a pattern more slowly.)"""
    links = []
    for line in ntriples_lines(text):
        _, predicate, rest = line.split(" ", 2)
        if rest[0] in "<_" and predicate != RDF_TYPE:  # "_:" never starts a literal
            links.append(rest[:-2])
    return links


class TripleIndex:
    """N-Triples kept as one text block per run of lines with the same subject, grouped by subject, with the
    types of root resources. Links are read from a subject's text when needed: holding them (and every line
    as a string) for a whole catalogue cost gigabytes and most of the time of a large run."""

    def __init__(self, texts: Iterable[str]):
        blocks: dict[str, list[str]] = {}
        root_types: dict[str, set[str]] = {}
        for text in texts:
            for run in _RUN.finditer(text):
                subject, block = run.group(1, 0)
                if subject in blocks:
                    blocks[subject].append(block)
                else:
                    blocks[subject] = [block]
                if _DCAT_TYPE in block:  # every root class is in the DCAT namespace
                    roots = ROOT_CLASSES.intersection(_types_in(block))
                    if roots:
                        root_types.setdefault(subject, set()).update(roots)
        self.blocks, self.types = blocks, root_types
        self._parents: dict[str, list[str]] | None = None  # filled by the record split's walk

    def subjects(self) -> Iterable[str]:
        """Every subject, in order of first appearance."""
        return self.blocks.keys()

    def describes(self, node: str) -> bool:
        return node in self.blocks

    def text(self, subject: str) -> str:
        """The subject's lines ("" when it has none)."""
        blocks = self.blocks.get(subject)
        if not blocks:
            return ""
        return blocks[0] if len(blocks) == 1 else "".join(blocks)

    def all_text(self) -> str:
        return "".join(block for blocks in self.blocks.values() for block in blocks)

    def links(self, subject: str) -> list[str]:
        return links_in(self.text(subject))

    def type_lines(self, node: str) -> list[str]:
        return [line for line in ntriples_lines(self.text(node)) if line.split(" ", 2)[1] == RDF_TYPE]


    def datasets(self) -> list[str]:
        """Subjects typed dcat:Dataset. (Only root classes are indexed: types of other nodes decide nothing.)"""
        return [s for s, types in self.types.items() if DATASET in types]

    def parents(self) -> dict[str, list[str]]:
        """Node described here -> the subjects linking to it, in the order the record split walks them
        (records in order of appearance). A complete split records them as it goes; otherwise (pyshacl,
        a harvested record) a split is walked here. Vocabulary IRIs, most objects, are left out."""
        if self._parents is None:
            for _ in RecordSplitter(self).chunks(RECORDS_PER_WALK):
                pass
        return self._parents

    def set_parents(self, parents: dict[str, list[str]]) -> None:
        self._parents = parents


RECORDS_PER_WALK = 1_000  # chunks of a walk made only for parents(): their size changes nothing there
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
    """What the records of one chunk add up to: texts, owned nodes, stubs, untyped roots, used IRIs."""

    def __init__(self):
        self.texts: list[str] = []  # the owned nodes' lines (a hub's as kept)
        self.hubs: set[str] = set()
        self.hub_lines: set[str] = set()  # the lines kept of the hubs owned here
        self.typed: dict[str, None] = {}  # roots whose rdf:type lines the chunk needs (ordered set)
        self.incoming: dict[str, str] = {}  # a link line from another root to one of ours -> its subject
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
        self._class_hierarchy = "".join(background.text(c) for c in hierarchy_classes()) if background else ""
        self.count_limit = count_limit  # more than any count a shape compares with (sh:minCount, sh:maxCount…)
        self.uncapped = uncapped  # predicates whose values a shape counts by conformance (sh:qualifiedValueShape)
        self.roots = [s for s, types in index.types.items() if types & ROOT_CLASSES]
        self.root_set = frozenset(self.roots)
        self._root_links: dict[str, list[str]] = {}  # read once here, taken by the walk
        self.incoming = self._links_from_roots()
        self._type_lines: dict[str, list[str]] = {}  # root -> its rdf:type lines (a hub's text is large)
        self._walked: set[str] = set()  # nodes whose links are in self._parents
        self._parents: dict[str, list[str]] = defaultdict(list)
        self._parts = _ChunkParts()  # the chunk being filled

    def _links_from_roots(self) -> dict[str, list[str]]:
        """Root -> the lines of other roots linking to it."""
        incoming: dict[str, list[str]] = defaultdict(list)
        root_set = self.root_set
        for root in self.roots:
            text = self.index.text(root)
            links = self._root_links[root] = links_in(text)
            if any(obj in root_set and obj != root for obj in links):  # few roots link to roots: split only theirs
                for line in ntriples_lines(text):
                    _, predicate, obj = split_line(line)
                    if predicate != RDF_TYPE and obj in root_set and obj != root:
                        incoming[obj].append(line)
        return incoming

    def add_record(self, root: str, parts: _ChunkParts) -> None:
        """Add one root's record to a chunk: its lines, owned subjects, stubs and background lookups."""
        index, root_set, described = self.index, self.root_set, self.index.blocks
        owned, used, texts = parts.owned, parts.used, parts.texts
        root_text = index.text(root)
        root_links = self._root_links.pop(root, None)
        if root_links is None:  # an orphan, or a root walked twice
            root_links = links_in(root_text)
        hub = len(root_links) > HUB_LINKS and sum(1 for obj in root_links if obj in root_set) > HUB_LINKS
        owned.add(root)
        parts.records += 1
        if hub:
            kept = self._hub_lines(root_text)
            parts.hubs.add(root)
            parts.hub_lines.update(kept)
            texts.append("\n".join(kept) + "\n")
        else:
            texts.append(root_text)
        walked, parents = self._walked, self._parents
        queue = deque([(root, root_links)])
        while queue:
            node, links = queue.popleft()
            first_walk = node not in walked  # its links are noted as parents once
            walked.add(node)
            for obj in links:
                used.add(obj)
                if obj not in described:
                    continue
                if first_walk:
                    parents[obj].append(node)
                if obj in root_set and obj != root:
                    if hub and node == root:
                        parts.untyped.add(obj)  # its own chunk checks this link, with the hub as stub
                    else:
                        parts.typed[obj] = None
                elif obj not in owned:
                    owned.add(obj)
                    text = index.text(obj)
                    texts.append(text)
                    queue.append((obj, links_in(text)))
        for line in self.incoming.get(root, ()):
            subject = line.split(" ", 1)[0]
            parts.incoming[line] = subject
            parts.typed[subject] = None
            parts.stubs.add(subject)

    def _hub_lines(self, text: str) -> list[str]:
        """A hub's lines, with at most `count_limit` links per predicate to the roots it leaves untyped.

        Each of those links is checked in the chunk of the root it points to (the hub a stub there), so
        here they only count: towards sh:minCount / sh:maxCount, whose limits are below count_limit in
        the shapes. Keeping all of them (100,000 in a large catalogue) makes the engine report 100,000
        results on them in one run, which costs it time growing with the square of that number."""
        kept: list[str] = []
        counts: dict[str, int] = defaultdict(int)
        hub = text.split(" ", 1)[0]
        for line in ntriples_lines(text):
            _, predicate, obj = split_line(line)
            if predicate != RDF_TYPE and obj in self.root_set and obj != hub and predicate not in self.uncapped:
                counts[predicate] += 1
                if counts[predicate] > self.count_limit:
                    continue
            kept.append(line)
        return kept

    def chunks(self, records_per_chunk: int) -> Iterator[Chunk]:
        reached: set[str] = set()  # nodes owned by the chunks already made
        self._parts = _ChunkParts()
        for start in self._roots_then_orphans(reached):
            if start not in self.root_set and (start in reached or start in self._parts.owned):
                continue  # an orphan a walk has already taken in
            self.add_record(start, self._parts)
            if self._parts.records >= records_per_chunk:
                reached |= self._parts.owned
                yield self._chunk(self._parts)
                self._parts = _ChunkParts()
        if self._parts.records:
            yield self._chunk(self._parts)
        self.index.set_parents(self._parents)  # every subject has been walked
        self._walked = set()

    def _roots_then_orphans(self, reached: set[str]) -> Iterator[str]:
        yield from self.roots
        yield from self._orphans_top_down(reached | self._parts.owned)  # read once every root is in a chunk

    def _orphans_top_down(self, reached: set[str]) -> Iterator[str]:
        """Subjects outside every record, those no other such subject links to first (each starts a walk
        taking in what it reaches), then the rest (cycles) in order of appearance. Started in plain order,
        a chain written innermost first (as a parser writes nested blank nodes) made each chunk walk the
        whole chain again from its own first node: time grew with the square of the chain."""
        orphans = [subject for subject in self.index.subjects() if subject not in reached]
        orphan_set = set(orphans)
        linked = {obj for orphan in orphans for obj in self.index.links(orphan) if obj in orphan_set and obj != orphan}
        yield from (orphan for orphan in orphans if orphan not in linked)
        yield from (orphan for orphan in orphans if orphan in linked)

    def _chunk(self, parts: _ChunkParts) -> Chunk:
        """The chunk's text: its nodes' lines, then the lines of other roots it needs, each once."""
        owned = parts.owned
        extra: dict[str, None] = {}  # ordered set: a line is in the text once, as in the whole graph
        for root in parts.typed:
            if root not in owned:  # an owned root's type lines are in its own text
                if root not in self._type_lines:
                    self._type_lines[root] = self.index.type_lines(root)
                extra.update(dict.fromkeys(self._type_lines[root]))
        for line, subject in parts.incoming.items():
            if subject not in owned or (subject in parts.hubs and line not in parts.hub_lines):
                extra[line] = None
        text = parts.texts + [line + "\n" for line in extra]
        if self.background is not None:
            background = self.background
            text += [background.text(iri) for iri in parts.used]
            text.append(self._class_hierarchy)  # rdf:type objects are not links: subclass axioms go in every chunk
        stubs = parts.stubs - owned
        return Chunk("".join(text), frozenset(owned), frozenset(stubs),
                     frozenset(parts.untyped - owned - stubs))


TITLE = "<http://purl.org/dc/terms/title>"


def dataset_titles(index: TripleIndex, datasets: Iterable[str]) -> dict[str, str]:
    """An English (else the first) dct:title per dataset IRI, for a report's headings."""
    lines = []
    for dataset in datasets:
        text = index.text(f"<{dataset}>")
        start = text.find(f" {TITLE} ")
        while start >= 0:  # str.find over the text: far cheaper than looking at each line
            line_start = text.rfind("\n", 0, start) + 1
            line_end = text.index("\n", start) + 1
            lines.append(text[line_start:line_end])
            start = text.find(f" {TITLE} ", line_end)
    titles: dict[str, str] = {}
    for quad in ox.parse("".join(lines), format=ox.RdfFormat.N_TRIPLES):
        subject, title = quad.subject.value, quad.object
        if subject not in titles or getattr(title, "language", None) == "en":
            titles[subject] = title.value
    return titles
