"""The two SHACL engines behind one small interface: N-Triples text in, raw results out.

fast:    `shacl` 0.3.4 (pinned), Rust. Shapes are compiled once (shacl-rust 0.2.12 re-parses them on
         every call: ~50 ms per record with our shapes), validation releases the GIL, and it runs SHACL
         Core with SPARQL-based targets. It renames blank nodes; _engine_bnode_labels maps them back.
pyshacl: the reference engine, slow but long-established; tests check both agree.
"""

from __future__ import annotations

import logging
import threading
from typing import NamedTuple

import pyoxigraph as ox
import pyshacl
import shacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from node.errors import ConfigError
from node.rdfio import ntriples_lines, rdflib_term_to_ox, to_rdflib

ENGINES = ("fast", "pyshacl")


class RawResult(NamedTuple):  # a tuple: built ~10 times per dataset, where a frozen dataclass costs 3x more
    focus_node: str  # N-Triples
    path: str | None  # SPARQL path syntax
    constraint: str  # local name
    severity: str  # violation | warning | info
    value: str | None  # N-Triples
    shape: str | None  # N-Triples
    message: str


def _local(iri: str) -> str:
    return iri.strip("<>").rsplit("#", 1)[-1]


class FastEngine:
    name = "fast"

    def __init__(self, shapes_text: str):
        try:
            self.shapes = shacl.Shapes.from_text(shapes_text, format="ntriples")
        except ValueError as err:
            raise ConfigError(f"the shapes cannot be loaded: {err}") from None
        if len(self.shapes) == 0:
            raise ConfigError("the shapes files declare no shapes")
        self.bnode_offset = len(_blank_nodes_in_order(shapes_text))

    def run(self, ntriples: str, max_results: int | None = None) -> list[RawResult]:
        """max_results: the engine stops there (it holds every result of a run until it returns)."""
        report = self.shapes.validate_text(ntriples, format="ntriples", max_results=max_results)
        results = report.results
        if not results:
            return []
        raw = [RawResult(r.focus_node, r.path, r.component, r.severity.lower(), r.value, r.source_shape,
                         r.message or "") for r in results]
        if any(r.focus_node.startswith("_:") or (r.value or "").startswith("_:") for r in raw):
            labels = _engine_bnode_labels(ntriples, self.bnode_offset)
            raw = [r._replace(focus_node=labels.get(r.focus_node, r.focus_node),
                              value=labels.get(r.value, r.value) if r.value else None) for r in raw]
        return raw


def _engine_bnode_labels(ntriples: str, offset: int) -> dict[str, str]:
    """Engine blank-node label -> ours. shacl 0.3.4 numbers blank nodes `_:0_bN` in order of first
    appearance, counting on from the shapes graph's own blank nodes (N = offset + position, from 0).
    Pinned version; tests/validation/test_engines.py guards this."""
    return {f"_:0_b{offset + position}": label
            for position, label in enumerate(_blank_nodes_in_order(ntriples))}


def _blank_nodes_in_order(ntriples: str) -> list[str]:
    seen: dict[str, None] = {}
    for line in ntriples_lines(ntriples):
        if not line or line.startswith("#"):
            continue
        subject, _, rest = line.split(" ", 2)
        for term in (subject, rest.rstrip()[:-1].rstrip()):
            if term.startswith("_:"):
                seen.setdefault(term)
    return list(seen)


class PyshaclEngine:
    name = "pyshacl"

    def __init__(self, shapes_text: str):
        try:
            self.shapes = Graph().parse(data=shapes_text, format="turtle")
        except Exception as err:  # rdflib raises many types for bad Turtle
            raise ConfigError(f"the shapes cannot be loaded: {err}") from None
        self.lock = threading.Lock()  # pyshacl caches on the shapes graph: one run at a time
        logging.getLogger("rdflib.term").setLevel(logging.ERROR)  # ill-typed literals are our results, not log noise

    def run_triples(self, triples: list[ox.Triple]) -> list[RawResult]:
        data = to_rdflib(triples)
        with self.lock:
            _, results, _ = pyshacl.validate(data, shacl_graph=self.shapes, advanced=True, inference="none",
                                             allow_warnings=True)
        return [self._result(results, node) for node in results.objects(None, SH.result)]

    def _result(self, g: Graph, node) -> RawResult:
        value = g.value(node, SH.value)
        shape = g.value(node, SH.sourceShape)
        message = g.value(node, SH.resultMessage)
        path = g.value(node, SH.resultPath)
        return RawResult(
            focus_node=_nt(g.value(node, SH.focusNode)), path=render_path(g, path) if path is not None else None,
            constraint=_local(str(g.value(node, SH.sourceConstraintComponent))),
            severity=_local(str(g.value(node, SH.resultSeverity))).lower(),
            value=_nt(value) if value is not None else None, shape=_nt(shape) if shape is not None else None,
            message=str(message) if message is not None else "",
        )


def _nt(term) -> str:
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        return str(rdflib_term_to_ox(term))  # Oxigraph's N-Triples form, as the fast engine writes it
    return str(term)


def render_path(g: Graph, path) -> str:
    """A SHACL path node in the SPARQL syntax shacl-rust uses."""
    if isinstance(path, URIRef):
        return f"<{path}>"
    inverse = g.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + render_path(g, inverse)
    alternatives = g.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(render_path(g, p) for p in Collection(g, alternatives)) + ")"
    for predicate, suffix in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = g.value(path, predicate)
        if inner is not None:
            return "(" + render_path(g, inner) + ")" + suffix
    if (path, RDF.first, None) in g:
        return "(" + "/".join(render_path(g, p) for p in Collection(g, path)) + ")"
    return str(path)
