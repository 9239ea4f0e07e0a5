"""The W3C SPARQL query test suite as data: every test of the SPARQL 1.0 manifest (data-r2,
evaluation and syntax), the SPARQL 1.1 Query manifest and the SPARQL 1.1 result-formats manifest.

That is 820 tests, the figure issue 5 measured pyoxigraph against: 515 query evaluations,
3 CSV result-format tests and 302 syntax tests (positive: the query is accepted; negative: refused).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import pyoxigraph as ox

MANIFESTS = (("sparql10", "manifest.ttl"), ("sparql11", "manifest-sparql11-query.ttl"),
             ("sparql11", "manifest-sparql11-results.ttl"))
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
QT = "http://www.w3.org/2001/sw/DataAccess/tests/test-query#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDF_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".rdf": ox.RdfFormat.RDF_XML}
KINDS = {
    "QueryEvaluationTest": "evaluation", "CSVResultFormatTest": "csv",
    "PositiveSyntaxTest": "positive-syntax", "PositiveSyntaxTest11": "positive-syntax",
    "NegativeSyntaxTest": "negative-syntax", "NegativeSyntaxTest11": "negative-syntax",
}
_DATASET_CLAUSE = re.compile(r"\bFROM\s+(NAMED\s+)?<([^>]*)>", re.IGNORECASE)


@dataclass(frozen=True)
class W3CTest:
    name: str
    kind: str                          # one of KINDS' values
    query: Path
    data: tuple[Path, ...] = ()        # the default graph
    graph_data: tuple[Path, ...] = ()  # named graphs, each named by its file IRI
    result: Path | None = None
    lax_cardinality: bool = False      # REDUCED tests: fewer duplicates than expected are allowed

    @property
    def base_iri(self) -> str:
        return iri(self.query)

    def query_text(self) -> str:
        return self.query.read_text("utf-8")

    def dataset_files(self) -> tuple[Path, ...]:
        """Files a FROM / FROM NAMED clause names: the harness loads them under their IRI, as the
        W3C harnesses do (engines are not expected to dereference file IRIs)."""
        found = []
        for match in _DATASET_CLAUSE.finditer(self.query_text()):
            target = urljoin(self.base_iri, match.group(2))
            if target.startswith("file://") and Path(target.removeprefix("file://")).is_file():
                found.append(Path(target.removeprefix("file://")))
        return tuple(dict.fromkeys(found))


def iri(path: Path) -> str:
    return path.resolve().as_uri()


def read_triples(path: Path) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(path=str(path), format=RDF_FORMATS[path.suffix], base_iri=iri(path),
                                  rename_blank_nodes=True)]


def all_tests(root: Path) -> list[W3CTest]:
    return [test for folder, name in MANIFESTS for test in manifest_tests(root / folder / name)]


def manifest_tests(manifest: Path) -> list[W3CTest]:
    """Every query test of a manifest and the manifests it includes, in manifest order."""
    index: dict[tuple, list] = {}
    for t in read_triples(manifest):
        index.setdefault((t.subject, t.predicate.value), []).append(t.object)
    objects = lambda subject, predicate: index.get((subject, predicate), [])  # noqa: E731
    subjects = [s for (s, p) in index if p in (MF + "include", MF + "entries")]
    tests = []
    for node in subjects:
        for included in _items(objects, objects(node, MF + "include")):
            tests += manifest_tests(_path(included))
        for entry in _items(objects, objects(node, MF + "entries")):
            test = _test(objects, entry)
            if test is not None:
                tests.append(test)
    return tests


def _items(objects, head) -> list:
    out = []
    while head and head[0].value != RDF + "nil":
        out += objects(head[0], RDF + "first")
        head = objects(head[0], RDF + "rest")
    return out


def _test(objects, entry) -> W3CTest | None:
    kinds = [KINDS[t.value.rsplit("#", 1)[-1]] for t in objects(entry, RDF + "type")
             if t.value.rsplit("#", 1)[-1] in KINDS]
    if not kinds:
        return None
    name = entry.value.removeprefix("file://").split("/w3c/sparql/", 1)[-1]
    action = objects(entry, MF + "action")[0]
    if kinds[0].endswith("syntax"):
        return W3CTest(name, kinds[0], _path(action))
    return W3CTest(
        name, kinds[0], _path(objects(action, QT + "query")[0]),
        data=tuple(_path(n) for n in objects(action, QT + "data")),
        graph_data=tuple(_path(n) for n in objects(action, QT + "graphData")),
        result=_path(objects(entry, MF + "result")[0]),
        lax_cardinality=any(c.value == MF + "LaxCardinality" for c in objects(entry, MF + "resultCardinality")),
    )


def _path(node) -> Path:
    return Path(node.value.removeprefix("file://"))
