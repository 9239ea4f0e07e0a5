"""The W3C SPARQL query-evaluation tests as data: manifests, expected results, and a comparison of
answers (solutions as multisets up to blank-node renaming, graphs up to isomorphism).

Order is not checked (ORDER BY ties make it ambiguous): the same comparison judges both pyoxigraph
called directly and our endpoint, so the two figures are comparable.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib.compare import isomorphic

from node.rdfio import to_rdflib

MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
QT = "http://www.w3.org/2001/sw/DataAccess/tests/test-query#"
RS = "http://www.w3.org/2001/sw/DataAccess/tests/result-set#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDF_FIRST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first"
RDF_REST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest"
RDF_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".rdf": ox.RdfFormat.RDF_XML}
RESULT_FORMATS = {".srx": ox.QueryResultsFormat.XML, ".srj": ox.QueryResultsFormat.JSON,
                  ".tsv": ox.QueryResultsFormat.TSV}


@dataclass(frozen=True)
class EvaluationTest:
    name: str
    query: Path
    data: tuple[Path, ...]
    graph_data: tuple[Path, ...]
    result: Path


def iri(path: Path) -> str:
    return path.resolve().as_uri()


def read_triples(path: Path) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(path=str(path), format=RDF_FORMATS[path.suffix], base_iri=iri(path))]


def evaluation_tests(manifest: Path) -> list[EvaluationTest]:
    """Every mf:QueryEvaluationTest of a manifest and the manifests it includes."""
    triples = read_triples(manifest)
    index: dict[tuple, list] = {}
    for t in triples:
        index.setdefault((t.subject, t.predicate.value), []).append(t.object)

    def objects(subject, predicate):
        return index.get((subject, predicate), [])

    def items(head):
        out = []
        while head and head[0].value != "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil":
            out += objects(head[0], RDF_FIRST)
            head = objects(head[0], RDF_REST)
        return out

    tests = []
    for manifest_node in {t.subject for t in triples if t.predicate.value == MF + "include"}:
        for included in items(objects(manifest_node, MF + "include")):
            tests += evaluation_tests(Path(included.value.removeprefix("file://")))
    for manifest_node in {t.subject for t in triples if t.predicate.value == MF + "entries"}:
        for entry in items(objects(manifest_node, MF + "entries")):
            if ox.NamedNode(MF + "QueryEvaluationTest") not in objects(entry, RDF_TYPE):
                continue
            action = objects(entry, MF + "action")[0]
            path = lambda node: Path(node.value.removeprefix("file://"))  # noqa: E731
            tests.append(EvaluationTest(
                name=entry.value.removeprefix("file://").split("/sparql/", 1)[-1],
                query=path(objects(action, QT + "query")[0]),
                data=tuple(path(n) for n in objects(action, QT + "data")),
                graph_data=tuple(path(n) for n in objects(action, QT + "graphData")),
                result=path(objects(entry, MF + "result")[0]),
            ))
    return tests


# --- answers ------------------------------------------------------------------------------------

def term_key(term) -> tuple:
    if isinstance(term, ox.BlankNode):
        return ("bnode", term.value)
    if isinstance(term, ox.Literal):
        return ("literal", term.value, term.datatype.value, term.language or "")
    return ("iri", term.value)


def solution_rows(solutions) -> list[tuple]:
    names = [v.value for v in solutions.variables]
    return [tuple(sorted((n, term_key(s[n])) for n in names if s[n] is not None)) for s in solutions]


def expected_answer(path: Path):
    """bool, a list of rows, or a list of triples."""
    if path.suffix in RESULT_FORMATS:
        parsed = ox.parse_query_results(path=str(path), format=RESULT_FORMATS[path.suffix])
        return bool(parsed) if isinstance(parsed, ox.QueryBoolean) else solution_rows(parsed)
    triples = read_triples(path)
    result_sets = [t.subject for t in triples if t.predicate.value == RDF_TYPE and t.object.value == RS + "ResultSet"]
    return _result_set(triples, result_sets[0]) if result_sets else triples


def _result_set(triples, result_set):
    by_subject: dict = {}
    for t in triples:
        by_subject.setdefault(t.subject, []).append(t)
    own = {t.predicate.value: t.object for t in by_subject[result_set]}
    if RS + "boolean" in own:
        return own[RS + "boolean"].value == "true"
    rows = []
    for solution in (t.object for t in by_subject[result_set] if t.predicate.value == RS + "solution"):
        row = []
        for binding in (t.object for t in by_subject.get(solution, []) if t.predicate.value == RS + "binding"):
            values = {t.predicate.value: t.object for t in by_subject[binding]}
            row.append((values[RS + "variable"].value, term_key(values[RS + "value"])))
        rows.append(tuple(sorted(row)))
    return rows


def actual_answer(result):
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if isinstance(result, ox.QuerySolutions):
        return solution_rows(result)
    return list(result)


def same_answer(expected, actual) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    if expected and isinstance(expected[0], ox.Triple) or actual and isinstance(actual[0], ox.Triple):
        return isomorphic(to_rdflib(expected), to_rdflib(actual))
    return _same_rows(expected, actual)


def _same_rows(expected: list[tuple], actual: list[tuple]) -> bool:
    if len(expected) != len(actual):
        return False
    if not any(term[0] == "bnode" for row in expected + actual for _, term in row):
        return Counter(expected) == Counter(actual)
    return _match(sorted(expected), list(actual), {}, {})


def _match(left, right, forward, backward) -> bool:
    """Pair rows one by one under a consistent blank-node bijection (backtracking)."""
    if not left:
        return True
    row, rest = left[0], left[1:]
    for i, candidate in enumerate(right):
        mapping = _extend(row, candidate, dict(forward), dict(backward))
        if mapping and _match(rest, right[:i] + right[i + 1:], *mapping):
            return True
    return False


def _extend(row, candidate, forward, backward):
    if [name for name, _ in row] != [name for name, _ in candidate]:
        return None
    for (_, a), (_, b) in zip(row, candidate):
        if a[0] == "bnode" and b[0] == "bnode":
            if forward.setdefault(a[1], b[1]) != b[1] or backward.setdefault(b[1], a[1]) != a[1]:
                return None
        elif a != b:
            return None
    return forward, backward
