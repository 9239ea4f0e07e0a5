"""The one validation entry point: CLI, write API, `ehds-node load` and harvesting all call this."""

from __future__ import annotations

import gc
import sys
from collections import defaultdict, deque
from contextlib import contextmanager
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Iterable, Iterator

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from node.errors import ConfigError
from node.profiles import extra_shape_text, get_profile, shape_text
from node.validation.batch import validate_records
from node.validation.budget import UNLIMITED, Budget
from node.validation.engines import ENGINES, FastEngine, PyshaclEngine, RawResult
from node.validation.placing import Placer
from node.validation.records import DATASET, Chunk, RecordSplitter, TripleIndex, dataset_titles, ntriples_texts
from node.validation.report import SEVERITIES, ValidationReport, ValidationResult
from vocab.vocabularies import background_ntriples

RECORDS_PER_CHUNK = 100  # engine time per record is flat from 25 to 200 records a chunk; smaller bounds memory
WORKERS = 2
IN_FLIGHT = 2 * WORKERS  # chunks built ahead of the engine: overlap without holding the catalogue twice


@lru_cache(maxsize=1)
def _background() -> TripleIndex:
    return TripleIndex([background_ntriples()])


class Validator:
    """Shapes compiled once; validate() is thread-safe. Build with Validator.for_profile(...)."""

    def __init__(self, shapes_text: str, *, profile: str = "", engine: str = "fast",
                 checked: tuple[str, ...] = SEVERITIES):
        if engine not in ENGINES:
            raise ConfigError(f"unknown validation engine '{engine}'; known: {', '.join(ENGINES)}")
        self.profile = profile
        self.checked = checked  # the severities whose rules are in the shapes
        self.engine_name = engine
        self.engine = FastEngine(shapes_text) if engine == "fast" else PyshaclEngine(shapes_text)
        shapes = Graph().parse(data=shapes_text, format="nt")
        self.rules = _rule_texts(shapes)
        self._rule_cache: dict[str | None, tuple[str | None, str | None, str | None]] = {}
        self.backward_predicates = _backward_predicates(shapes)
        self.count_limit = _count_limit(shapes)
        self.qualified_predicates = _qualified_predicates(shapes)

    @classmethod
    def for_profile(cls, name: str = "healthdcat-ap", extra_shapes: Iterable[str] = (), *,
                    engine: str = "fast", violations_only: bool = False) -> "Validator":
        """violations_only: leave out the property shapes that can only warn or inform, for callers that
        act on violations alone (harvesting): same violations, a fraction of the engine's work."""
        return _cached_validator(name, tuple(str(p) for p in extra_shapes), engine, violations_only)

    def validate(self, data) -> ValidationReport:
        """data: an rdflib Graph or an iterable of pyoxigraph Triples (one document or a whole catalogue)."""
        with _without_cyclic_gc():
            return self.validate_index(TripleIndex(ntriples_texts(data)))

    def validate_with_titles(self, data, budget: Budget = UNLIMITED) -> tuple[ValidationReport, dict[str, str]]:
        """validate(data), and an English (else the first) dct:title per dataset IRI, read from the same
        index: `data` may be a stream (a large file), read once. Over `budget`: ValidationTimeout, TooManyResults."""
        with _without_cyclic_gc():
            index = TripleIndex(budget.checked(ntriples_texts(data)))
            report = self.validate_index(index, budget)
            return report, dataset_titles(index, report.datasets)

    def validate_index(self, index: TripleIndex, budget: Budget = UNLIMITED) -> ValidationReport:
        return self.report(budget.checked(self._run(index, budget), every=1000), index, budget)

    def validate_records(self, records: Iterable[tuple[str, Iterable[ox.Triple]]]) -> dict[str, ValidationReport]:
        """{key: report} for (key, triples) pairs, e.g. a harvested page keyed by dataset IRI: each report is
        exactly what validate(triples) gives for that record alone, in a few shared engine runs."""
        if isinstance(self.engine, PyshaclEngine):
            return {key: self.validate(triples) for key, triples in records}
        return validate_records(self, records, self.backward_predicates, RECORDS_PER_CHUNK)

    def background(self) -> TripleIndex:
        return _background()

    def report(self, raw: Iterable[RawResult], index: TripleIndex, budget: Budget = UNLIMITED) -> ValidationReport:
        """The report of raw engine results on the graph `index` holds (each result once, in a stable order)."""
        by_dataset: dict[str | None, list[ValidationResult]] = defaultdict(list)
        elsewhere: list[RawResult] = []  # on nodes that are not datasets: placed once the split has walked all
        seen = set()
        for r in raw:  # as chunks finish: this work overlaps the engine threads still running
            if r in seen:
                continue  # a shared node's results come from every chunk that holds it
            seen.add(r)
            if DATASET in index.types.get(r.focus_node, ()):
                dataset = _plain(r.focus_node)
                by_dataset[dataset].append(self._result(r, dataset))
            else:
                elsewhere.append(r)
        datasets: dict[str, tuple[str | None, str | None]] = {}  # focus -> (owning dataset, location), once a node
        placer = Placer(index) if elsewhere else None
        for r in budget.checked(elsewhere):  # placing one can walk far: checked each time
            if r.focus_node not in datasets:
                dataset = placer.dataset(r.focus_node)
                where = placer.location(r.focus_node, dataset) if dataset and r.focus_node.startswith("_:") else None
                datasets[r.focus_node] = (_plain(dataset) if dataset else None, where)
            dataset, where = datasets[r.focus_node]
            by_dataset[dataset].append(self._result(r, dataset, where))
        return ValidationReport(_sorted(by_dataset), profile=self.profile, engine=self.engine_name,
                                checked=self.checked, datasets=tuple(sorted(d.strip("<>") for d in index.datasets())))

    def _run(self, index: TripleIndex, budget: Budget = UNLIMITED) -> Iterator[RawResult]:
        if isinstance(self.engine, PyshaclEngine):  # reference: the whole graph at once
            owned = frozenset(index.subjects())
            text = index.all_text() + _background().all_text()
            triples = [q.triple for q in ox.parse(text.encode(), format=ox.RdfFormat.N_TRIPLES)]
            return iter([r for r in self.engine.run_triples(triples) if r.focus_node in owned])
        chunks = RecordSplitter(index, _background(), self.count_limit, self.qualified_predicates).chunks(RECORDS_PER_CHUNK)
        return (r for _, results in self.run_chunk_results(budget.checked(chunks), budget) for r in results)

    def run_chunk_results(self, chunks: Iterator[Chunk], budget: Budget = UNLIMITED) -> Iterator[tuple[Chunk, list[RawResult]]]:
        """Each chunk with its kept results. Chunks are built (Python, holding the GIL) while the engine
        threads validate the previous ones (Rust, GIL released); at most IN_FLIGHT wait at a time."""
        chunks = iter(chunks)
        first, second = next(chunks, None), next(chunks, None)
        if second is None:  # one record or a small file: no thread pool to start
            if first is not None:
                yield first, budget.spent(self._run_chunk(first, budget))
            return
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            pending = deque([(first, pool.submit(self._run_chunk, first, budget)),
                             (second, pool.submit(self._run_chunk, second, budget))])
            try:
                for chunk in chunks:
                    pending.append((chunk, pool.submit(self._run_chunk, chunk, budget)))
                    if len(pending) >= IN_FLIGHT:
                        done, future = pending.popleft()
                        yield done, budget.spent(future.result())
                while pending:
                    done, future = pending.popleft()
                    yield done, budget.spent(future.result())
            finally:  # stopped early (over the budget, an error): chunks not started are not run
                for _, future in pending:
                    future.cancel()

    def _run_chunk(self, chunk: Chunk, budget: Budget = UNLIMITED) -> list[RawResult]:
        cap = budget.run_cap()
        raw = self.engine.run(chunk.text) if cap is None else self.engine.run(chunk.text, max_results=cap + 1)
        budget.ran(len(raw), cap)
        return [r for r in raw if chunk.keeps(r.focus_node, r.value)]

    def _result(self, raw: RawResult, dataset: str | None, where: str | None = None) -> ValidationResult:
        shape, name, message = self._rule(raw.shape)
        return ValidationResult.of(dataset, _plain(raw.focus_node), raw.path, raw.constraint, raw.severity, raw.value,
                                   shape, message or raw.message, name, where)

    def _rule(self, shape: str | None) -> tuple[str | None, str | None, str | None]:
        """(shape IRI, sh:name, sh:message) of the shape a result names: a few hundred shapes, each looked up
        once however many results name it."""
        rule = self._rule_cache.get(shape)
        if rule is None:
            name, message = self.rules.get(shape, (None, None))
            rule = self._rule_cache[shape] = (_shape_iri(shape) if shape else None, name, message)
        return rule


@contextmanager
def _without_cyclic_gc():
    """No cyclic collection while a validation builds its index: it makes millions of acyclic lists and
    strings, and full collections rescanning them cost 25-40% of a large run. Everything it builds is
    freed by reference counting; collection resumes (if it was on) as soon as it returns."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@lru_cache(maxsize=16)
def _cached_validator(name: str, extra_shapes: tuple[str, ...], engine: str, violations_only: bool) -> Validator:
    profile = get_profile(name)
    texts = [shape_text(f) for f in profile.shape_files] + [extra_shape_text(p) for p in extra_shapes]
    shapes = _merge_turtle(texts)
    if violations_only:
        return Validator(_without_lesser_rules(shapes), profile=name, engine=engine, checked=("violation",))
    return Validator(shapes, profile=name, engine=engine)


def _without_lesser_rules(shapes_ntriples: str) -> str:
    """The shapes without the property shapes whose severity is Warning or Info. Only those reached solely
    through sh:property go: a severity says nothing of a shape used inside another (sh:node, sh:or…),
    and a node shape's severity is not its property shapes'."""
    graph = Graph().parse(data=shapes_ntriples, format="nt")
    for shape in set(graph.subjects(SH.severity, None)):
        if graph.value(shape, SH.severity) == SH.Violation or (shape, SH.path, None) not in graph:
            continue
        if all(predicate == SH.property for predicate in graph.predicates(None, shape)):
            graph.remove((None, SH.property, shape))
            graph.remove((shape, None, None))
    return graph.serialize(format="nt")


def _merge_turtle(texts: list[str]) -> str:
    """Several Turtle documents as one (prefixes may clash between files, so go through a graph)."""
    graph = Graph()
    for text in texts:
        try:
            graph.parse(data=text, format="turtle")
        except Exception as err:  # rdflib raises many types for bad Turtle
            raise ConfigError(f"a shapes file is not valid Turtle: {err}") from None
    return graph.serialize(format="nt")


def _rule_texts(graph: Graph) -> dict[str, tuple[str | None, str | None]]:
    """Named shape (N-Triples IRI) -> (sh:name, sh:message), to report our wording whatever the engine."""
    rules = {}
    for shape in set(graph.subjects(SH.message, None)) | set(graph.subjects(SH.name, None)):
        if isinstance(shape, URIRef):
            name, message = graph.value(shape, SH.name), graph.value(shape, SH.message)
            rules[f"<{shape}>"] = (str(name) if name else None, str(message) if message else None)
    return rules


def _count_limit(graph: Graph) -> int:
    """One more than the largest count any shape compares with: keeping that many values of a property
    gives every count constraint the outcome it has on all of them."""
    qualified_paths = (path for shape in graph.subjects(SH.qualifiedValueShape, None) for path in graph.objects(shape, SH.path))
    if any(not isinstance(path, URIRef) for path in qualified_paths):
        return sys.maxsize  # a complex path counted by conformance: keep every value
    limits = [int(o) for p in (SH.minCount, SH.maxCount, SH.qualifiedMinCount, SH.qualifiedMaxCount)
              for o in graph.objects(None, p) if str(o).isdigit()]
    return max(limits, default=0) + 1


def _qualified_predicates(graph: Graph) -> frozenset[str]:
    """Paths of shapes counting values that conform to another shape: their values are never left out."""
    shapes = set(graph.subjects(SH.qualifiedValueShape, None))
    return frozenset(f"<{path}>" for shape in shapes for path in graph.objects(shape, SH.path) if isinstance(path, URIRef))


def _backward_predicates(graph: Graph) -> frozenset[str] | None:
    """Predicates whose objects a rule looks at from the other end (sh:inversePath, sh:targetObjectsOf),
    as N-Triples IRIs; None when some are not plain IRIs (a complex path): records then never share a run."""
    found = set(graph.objects(None, SH.inversePath)) | set(graph.objects(None, SH.targetObjectsOf))
    if any(not isinstance(p, URIRef) for p in found) or any(True for _ in graph.subjects(SH.sparql, None)):
        return None
    return frozenset(f"<{p}>" for p in found)


def _shape_iri(shape: str) -> str | None:
    return None if shape.startswith("_:") else _plain(shape)


def _plain(term: str) -> str:
    return term[1:-1] if term.startswith("<") and term.endswith(">") else term


def _sorted(by_dataset: dict[str | None, list[ValidationResult]]) -> tuple[ValidationResult, ...]:
    """All results in _order, sorting each dataset's few results apart: one sort of every result compares
    long tuples that mostly tie on the dataset (a third of the report's time at 100,000 datasets)."""
    ordered: list[ValidationResult] = []
    for dataset in sorted(by_dataset, key=lambda d: d or "~"):
        ordered += sorted(by_dataset[dataset], key=_order)
    return tuple(ordered)


def _order(r: ValidationResult) -> tuple:
    """A total order: results equal up to the shape (two rules on one field) must not depend on arrival."""
    return (r.dataset or "~", r.focus_node, r.path or "", r.severity, r.constraint, r.value or "", r.shape or "",
            r.message, r.name or "")
