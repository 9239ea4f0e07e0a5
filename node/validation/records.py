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
        self.links: dict[str, list[str]] = defaultdict(list)  # subject -> object nodes
        for index, line in enumerate(lines):
            subject, predicate, obj = split_line(line)
            self.by_subject[subject].append(index)
            if predicate == RDF_TYPE:
                self.types[subject].add(obj)
            elif is_node(obj):
                self.links[subject].append(obj)

    def type_lines(self, node: str) -> list[int]:
        return [i for i in self.by_subject.get(node, ()) if split_line(self.lines[i])[1] == RDF_TYPE]

    def datasets(self) -> list[str]:
        return [s for s, types in self.types.items() if DATASET in types]


@dataclass
class Chunk:
    text: str  # N-Triples: the records, the stubs and the background entries they need
    owned: frozenset[str]  # subjects whose results this chunk reports


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

    def record(self, root: str) -> tuple[set[int], set[str], set[str]]:
        """(line indices, owned subjects, IRIs to look up in the background) of one record."""
        lines, owned, used = set(), {root}, set()
        queue = deque([root])
        while queue:
            node = queue.popleft()
            lines.update(self.index.by_subject.get(node, ()))
            for obj in self.index.links.get(node, ()):
                used.add(obj)
                if obj in self.root_set:
                    lines.update(self.index.type_lines(obj))
                elif obj not in owned and obj in self.index.by_subject:
                    owned.add(obj)
                    queue.append(obj)
        for i in self.incoming.get(root, ()):
            lines.add(i)
            lines.update(self.index.type_lines(split_line(self.index.lines[i])[0]))
        return lines, owned, used

    def chunks(self, records_per_chunk: int) -> Iterator[Chunk]:
        reached: set[str] = set()
        batch: list[tuple[set[int], set[str], set[str]]] = []
        for root in self._roots_then_orphans(reached):
            part = self.record(root)
            reached.update(part[1])
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

    def _chunk(self, batch) -> Chunk:
        lines: set[int] = set()
        owned: set[str] = set()
        used: set[str] = set()
        for part_lines, part_owned, part_used in batch:
            lines |= part_lines
            owned |= part_owned
            used |= part_used
        text = [self.index.lines[i] for i in sorted(lines)]
        if self.background is not None:
            for iri in used:
                text.extend(self.background.lines[i] for i in self.background.by_subject.get(iri, ()))
        return Chunk("\n".join(text) + "\n", frozenset(owned))


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
