"""The one validation entry point: CLI, write API, `ehds-node load` and harvesting all call this."""

from __future__ import annotations

import itertools
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Iterable

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from node.errors import ConfigError
from node.profiles import extra_shape_text, get_profile, shape_text
from node.rdfio import from_rdflib
from node.validation.engines import ENGINES, FastEngine, PyshaclEngine, RawResult
from node.validation.records import Chunk, RecordSplitter, TripleIndex, owning_dataset, parent_links
from node.validation.report import ValidationReport, ValidationResult
from vocab.vocabularies import background_ntriples

RECORDS_PER_CHUNK = 200
WORKERS = 2


@lru_cache(maxsize=1)
def _background() -> TripleIndex:
    return TripleIndex(background_ntriples().splitlines())


class Validator:
    """Shapes compiled once; validate() is thread-safe. Build with Validator.for_profile(...)."""

    def __init__(self, shapes_text: str, *, profile: str = "", engine: str = "fast"):
        if engine not in ENGINES:
            raise ConfigError(f"unknown validation engine '{engine}'; known: {', '.join(ENGINES)}")
        self.profile = profile
        self.engine_name = engine
        self.engine = FastEngine(shapes_text) if engine == "fast" else PyshaclEngine(shapes_text)
        self.rules = _rule_texts(shapes_text)

    @classmethod
    def for_profile(cls, name: str = "healthdcat-ap", extra_shapes: Iterable[str] = (), *,
                    engine: str = "fast") -> "Validator":
        return _cached_validator(name, tuple(str(p) for p in extra_shapes), engine)

    def validate(self, data) -> ValidationReport:
        """data: an rdflib Graph or an iterable of pyoxigraph Triples (one document or a whole catalogue)."""
        index = TripleIndex(_ntriples_lines(data))
        raw = self._run(index)
        parents = parent_links(index)
        results = sorted({self._result(r, index, parents) for r in raw}, key=_order)
        return ValidationReport(tuple(results), profile=self.profile, engine=self.engine_name,
                                datasets=tuple(sorted(d.strip("<>") for d in index.datasets())))

    def _run(self, index: TripleIndex) -> list[RawResult]:
        if isinstance(self.engine, PyshaclEngine):  # reference: the whole graph at once
            owned = frozenset(index.by_subject)
            text = "\n".join(index.lines + _background().lines) + "\n"
            triples = [q.triple for q in ox.parse(text.encode(), format=ox.RdfFormat.N_TRIPLES)]
            return [r for r in self.engine.run_triples(triples) if r.focus_node in owned]
        chunks = RecordSplitter(index, _background()).chunks(RECORDS_PER_CHUNK)
        first = next(chunks, None)
        second = next(chunks, None)
        if second is None:  # one record or a small file: no thread pool to start
            return self._run_chunk(first) if first else []
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:  # the engine releases the GIL
            parts = pool.map(self._run_chunk, itertools.chain((first, second), chunks))
            return [r for part in parts for r in part]

    def _run_chunk(self, chunk: Chunk) -> list[RawResult]:
        return [r for r in self.engine.run(chunk.text) if chunk.keeps(r.focus_node, r.value)]

    def _result(self, raw: RawResult, index: TripleIndex, parents) -> ValidationResult:
        name, message = self.rules.get(raw.shape, (None, None))
        dataset = owning_dataset(raw.focus_node, index, parents)
        return ValidationResult(
            dataset=_plain(dataset) if dataset else None, focus_node=_plain(raw.focus_node), path=raw.path,
            constraint=raw.constraint, severity=raw.severity, value=raw.value,
            shape=_plain(raw.shape) if raw.shape and not raw.shape.startswith("_:") else None,
            message=message or raw.message, name=name,
        )


@lru_cache(maxsize=16)
def _cached_validator(name: str, extra_shapes: tuple[str, ...], engine: str) -> Validator:
    profile = get_profile(name)
    texts = [shape_text(f) for f in profile.shape_files] + [extra_shape_text(p) for p in extra_shapes]
    return Validator(_merge_turtle(texts), profile=name, engine=engine)


def _merge_turtle(texts: list[str]) -> str:
    """Several Turtle documents as one (prefixes may clash between files, so go through a graph)."""
    graph = Graph()
    for text in texts:
        try:
            graph.parse(data=text, format="turtle")
        except Exception as err:  # rdflib raises many types for bad Turtle
            raise ConfigError(f"a shapes file is not valid Turtle: {err}") from None
    return graph.serialize(format="nt")


def _rule_texts(shapes_text: str) -> dict[str, tuple[str | None, str | None]]:
    """Named shape (N-Triples IRI) -> (sh:name, sh:message), to report our wording whatever the engine."""
    graph = Graph().parse(data=shapes_text, format="nt")
    rules = {}
    for shape in set(graph.subjects(SH.message, None)) | set(graph.subjects(SH.name, None)):
        if isinstance(shape, URIRef):
            name, message = graph.value(shape, SH.name), graph.value(shape, SH.message)
            rules[f"<{shape}>"] = (str(name) if name else None, str(message) if message else None)
    return rules


def _ntriples_lines(data) -> list[str]:
    triples = from_rdflib(data) if isinstance(data, Graph) else data
    text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    return text.splitlines()


def _plain(term: str) -> str:
    return term[1:-1] if term.startswith("<") and term.endswith(">") else term


def _order(r: ValidationResult) -> tuple:
    return (r.dataset or "~", r.focus_node, r.path or "", r.severity, r.constraint, r.value or "")
