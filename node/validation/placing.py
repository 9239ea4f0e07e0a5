"""Where a result is: the dataset its focus node belongs to and, for a blank node, the property path from
that dataset down to it ("dct:publisher/cv:contactPoint" tells a steward what "_:b12" cannot).

Both go up the links the record split walked (TripleIndex.parents()), breadth first: the nearest dataset,
the first parent first. A node whose links come from one node only is placed as that parent is, plus one
step, and each answer is kept for the report: a chain of n nested nodes with a result each costs n steps,
not n²/2 (5,000 nested agents, 165 KB of Turtle, took 18 s and 4.7 GB when each result walked up alone).
"""

from __future__ import annotations

from collections import deque

from node.rdfio import ntriples_lines
from node.validation.records import DATASET, TripleIndex

LOCATION_STEPS = 10  # a longer path is shown as its first and last 5 steps around "…"
_HALF = LOCATION_STEPS // 2
_ELIDED = "…"


class Placer:
    """Places the focus nodes of one report on one index (answers kept: build one per report)."""

    def __init__(self, index: TripleIndex):
        self.index = index
        self._parents = index.parents()
        self._datasets: dict[str, str | None] = {}
        self._paths: dict[tuple[str, str], tuple[str, ...] | None] = {}
        self._steps_from: dict[str, dict[str, str]] = {}  # parent -> {child: first predicate linking them}

    def dataset(self, node: str) -> str | None:
        """The nearest dcat:Dataset the node belongs to (itself, or up the links pointing to it)."""
        chain: list[str] = []  # nodes placed as their single parent is
        on_chain: set[str] = set()
        current = node
        while current not in self._datasets:
            if DATASET in self.index.types.get(current, ()):
                self._datasets[current] = current
                break
            parent = self._single_parent(current)
            if parent is None or parent in on_chain:
                self._datasets[current] = self._search_dataset(current)
                break
            chain.append(current)
            on_chain.add(current)
            current = parent
        found = self._datasets[current]
        for below in chain:
            self._datasets[below] = found
        return found

    def location(self, node: str, dataset: str) -> str | None:
        """The property path from `dataset` down to `node` ("<p1>/<p2>"), the shortest through the walked
        links; None when the node is not reachable from the dataset, or is the dataset."""
        if node == dataset:
            return None
        chain: list[str] = []
        on_chain: set[str] = set()
        current = node
        while current != dataset and (current, dataset) not in self._paths:
            parent = self._single_parent(current) if self.index.describes(current) else None
            if parent is None or parent in on_chain:
                self._paths[current, dataset] = self._search_path(current, dataset)
                break
            chain.append(current)
            on_chain.add(current)
            current = parent
        steps = () if current == dataset else self._paths[current, dataset]
        for below in reversed(chain):
            if steps is not None:
                step = self._step(current, below)
                steps = None if step is None else _extended(steps, step)
            self._paths[below, dataset] = steps
            current = below
        return "/".join(steps) if steps else None

    def _parents_of(self, node: str) -> list[str]:
        if self.index.describes(node):
            return self._parents.get(node, [])
        # a target without triples (sh:targetNode, sh:targetObjectsOf): not in the parents map
        ending = f" {node} .\n"  # cheap test first: a full scan, for the rare focus node without triples
        return [s for s in self.index.subjects() if ending in self.index.text(s) and node in self.index.links(s)]

    def _single_parent(self, node: str) -> str | None:
        parents = self._parents_of(node)
        if parents and all(parent == parents[0] for parent in parents):
            return parents[0]
        return None

    def _search_dataset(self, node: str) -> str | None:
        seen, queue = {node}, deque()
        for current in self._parents_of(node):
            if current not in seen:
                seen.add(current)
                queue.append(current)
        while queue:
            current = queue.popleft()
            if DATASET in self.index.types.get(current, ()):
                return current
            for parent in self._parents.get(current, ()):
                if parent not in seen:
                    seen.add(parent)
                    queue.append(parent)
        return None

    def _search_path(self, node: str, dataset: str) -> tuple[str, ...] | None:
        below: dict[str, str | None] = {node: None}
        queue = deque([node])
        while queue and dataset not in below:
            current = queue.popleft()
            for parent in self._parents.get(current, ()):
                if parent not in below:
                    below[parent] = current
                    queue.append(parent)
        if dataset not in below:
            return None
        steps: tuple[str, ...] = ()
        current = dataset
        while current != node:
            child = below[current]
            step = self._step(current, child)
            if step is None:
                return None
            steps = _extended(steps, step)
            current = child
        return steps

    def _step(self, parent: str, child: str) -> str | None:
        """The first predicate of `parent`'s lines with `child` as object (its lines read once, however many
        children are placed through it: a dataset with 100,000 blank distributions)."""
        steps = self._steps_from.get(parent)
        if steps is None:
            steps = self._steps_from[parent] = {}
            for line in ntriples_lines(self.index.text(parent)):
                _, predicate, obj = line.split(" ", 2)
                steps.setdefault(obj[:-2], predicate)
        return steps.get(child)


def _extended(steps: tuple[str, ...], step: str) -> tuple[str, ...]:
    """A path one step longer, kept to its first and last steps around "…" once over LOCATION_STEPS: each
    result on a deep chain spelt out its whole path, n² bytes in all."""
    if len(steps) > LOCATION_STEPS:  # already elided: head, "…", tail
        return steps[:_HALF + 1] + steps[_HALF + 2:] + (step,)
    longer = steps + (step,)
    return longer if len(longer) <= LOCATION_STEPS else longer[:_HALF] + (_ELIDED,) + longer[-_HALF:]


def owning_dataset(node: str, index: TripleIndex) -> str | None:
    return Placer(index).dataset(node)


def location(node: str, dataset: str, index: TripleIndex) -> str | None:
    return Placer(index).location(node, dataset)
