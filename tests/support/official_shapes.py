"""Load the official DCAT-AP / HealthDCAT-AP SHACL shapes from ../shared and validate against them.

Reusable by any conformance test (bundled catalogue, served pages, harvested records). The files in
../shared are never edited: the HealthDCAT-AP Release 8 repairs happen in memory, in `repair_r8`.

What is left out, and why:
- `mdr-vocabularies.shape.ttl` (DCAT-AP): its constraints need the EU NAL files (data themes, file types,
  languages...) loaded as data; they are not vendored, so these checks are not run.
- `deprecateduris.ttl` (DCAT-AP): warnings about DCAT-AP 1.x/2.x terms; not loaded here.
- The R8 files import DCAT-AP 3.0.0, whose dcat:byteSize datatype is xsd:decimal; DCAT-AP 3.0.1 changed it to
  xsd:nonNegativeInteger (as in DCAT 3 and in the R8 example). No literal satisfies both, so
  `fix_dcat_ap_300_byte_size` applies the 3.0.1 datatype to the imported 3.0.0 shapes.
- `graph-guard.ttl` (HealthDCAT-AP R8): only asserts that the graph holds a dcat:Dataset; the record
  graphs validated here always do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyshacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, SH, XSD

Ref = Callable[..., Path]

ACCESS_RIGHT = "http://publications.europa.eu/resource/authority/access-right/"
ACCESS_LEVELS = {
    URIRef(ACCESS_RIGHT + "PUBLIC"): "public",
    URIRef(ACCESS_RIGHT + "NON_PUBLIC"): "non-public",
    URIRef(ACCESS_RIGHT + "RESTRICTED"): "restricted",
}
SH_EXTENDS = URIRef(str(SH) + "extends")  # not a SHACL term: the R8 files use it for inheritance
BOUNDARY_CLASSES = tuple(URIRef(str(DCAT) + name) for name in ("Dataset", "Catalog", "DatasetSeries", "DataService"))
TARGET_PREDICATES = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


def load_graph(paths: Iterable[Path]) -> Graph:
    """Parse several Turtle files into one graph."""
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


def load_dcat_ap_301(ref: Ref, recommended: bool = False) -> Graph:
    """DCAT-AP 3.0.1 shapes.ttl + range.ttl (+ shapes_recommended.ttl when recommended=True)."""
    names = ["shapes.ttl", "range.ttl"] + (["shapes_recommended.ttl"] if recommended else [])
    return load_graph(ref("standards", "dcat-ap-3.0.1", "shacl-html", name) for name in names)


def load_healthdcat_r8(ref: Ref, access_level: str, recommended: bool = False) -> Graph:
    """R8 shapes of one level ("public"/"non-public") + R8 ranges + the DCAT-AP 3.0.0 files they import, repaired."""
    if access_level not in ("public", "non-public"):
        raise ValueError(f"HealthDCAT-AP R8 has shapes for 'public' and 'non-public' only, not {access_level!r}")
    r8 = ("standards", "healthdcat-ap-release-8", "validator")
    dcat_ap = ("standards", "dcat-ap-3.0.0", "shacl-html")
    paths = [
        ref(*r8, "shapes", f"{access_level}-shapes.ttl"),
        ref(*r8, "ranges", "range.ttl"),
        ref(*dcat_ap, "shapes.ttl"),
        ref(*dcat_ap, "range.ttl"),
    ]
    if recommended:
        paths.append(ref(*dcat_ap, "shapes_recommended.ttl"))
        if access_level == "non-public":  # R8 publishes recommended shapes for NON_PUBLIC only
            paths.append(ref(*r8, "recommended", "non-public-shapes_recommended.ttl"))
    return fix_dcat_ap_300_byte_size(repair_r8(load_graph(paths)))


def fix_dcat_ap_300_byte_size(shapes: Graph) -> Graph:
    """In place: DCAT-AP 3.0.0 dcat:byteSize xsd:decimal -> xsd:nonNegativeInteger, the 3.0.1 datatype."""
    # That datatype is the only difference between the 3.0.0 and 3.0.1 shapes.ttl; R8's own example uses
    # xsd:nonNegativeInteger, and no literal can satisfy both the 3.0.0 and the 3.0.1 constraint.
    for shape in list(shapes.subjects(SH.path, DCAT.byteSize)):
        if (shape, SH.datatype, XSD.decimal) in shapes:
            shapes.remove((shape, SH.datatype, XSD.decimal))
            shapes.add((shape, SH.datatype, XSD.nonNegativeInteger))
    return shapes


def repair_r8(shapes: Graph) -> Graph:
    """In place: path-less property shapes become node shapes of their parent; sh:extends X becomes sh:node X."""
    # A path-less property shape keeps its constraint (and its sh:message) as a node shape with the parent's
    # targets; a parent without targets (used through sh:node only) gets it through sh:node instead.
    for parent, shape in list(shapes.subject_objects(SH.property)):
        if (shape, SH.path, None) in shapes:
            continue
        shapes.remove((parent, SH.property, shape))
        shapes.add((shape, RDF.type, SH.NodeShape))
        targets = [(p, t) for p in TARGET_PREDICATES for t in shapes.objects(parent, p)]
        for predicate, target in targets:
            shapes.add((shape, predicate, target))
        if not targets:
            shapes.add((parent, SH.node, shape))
    for shape, extended in list(shapes.subject_objects(SH_EXTENDS)):
        shapes.remove((shape, SH_EXTENDS, extended))
        shapes.add((shape, SH.node, extended))
    return shapes


def record_graph(graph: Graph, root: URIRef) -> Graph:
    """`root` plus all it reaches through object links, not entering other datasets/catalogues/series/services."""
    record, seen, todo = Graph(), {root}, [root]
    for prefix, namespace in graph.namespaces():
        record.bind(prefix, namespace)
    while todo:
        node = todo.pop()
        for _, predicate, obj in graph.triples((node, None, None)):
            record.add((node, predicate, obj))
            if predicate == RDF.type or isinstance(obj, Literal) or obj in seen:
                continue
            if any((obj, RDF.type, cls) in graph for cls in BOUNDARY_CLASSES):
                continue
            seen.add(obj)
            todo.append(obj)
    return record


def access_level(graph: Graph, dataset: URIRef) -> str:
    """'public', 'non-public' or 'restricted' from the dataset's dct:accessRights (KeyError if absent)."""
    return ACCESS_LEVELS[graph.value(dataset, DCTERMS.accessRights)]


@dataclass(frozen=True)
class Result:
    """One SHACL validation result, flattened for reading."""

    severity: str
    focus: str
    path: str
    message: str
    value: str
    shape: str

    def __str__(self) -> str:
        """Severity, focus node, path, value, message and source shape, one per line."""
        return (f"[{self.severity}] {self.focus}\n    path: {self.path}\n    value: {self.value}\n"
                f"    message: {self.message}\n    shape: {self.shape}")


@dataclass(frozen=True)
class Outcome:
    """All results of one pyshacl run, with counts by severity."""

    results: tuple[Result, ...]

    @property
    def violations(self) -> list[Result]:
        """Results of severity sh:Violation."""
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[Result]:
        """Results of severity sh:Warning."""
        return [r for r in self.results if r.severity == "Warning"]

    def report(self, only: str | None = None) -> str:
        """Readable text of all results, or of one severity ("Violation", "Warning", "Info")."""
        chosen = [r for r in self.results if only is None or r.severity == only]
        return "\n".join(str(r) for r in chosen) or "(no results)"


def subclass_axioms() -> Graph:
    """The FOAF, vCard, ORG and PROV subclass axioms the official validators import (vocab/class-hierarchy.ttl,
    with its sources): with them a foaf:Organization publisher is a foaf:Agent, as there."""
    return Graph().parse(Path(__file__).parents[2] / "vocab" / "class-hierarchy.ttl", format="turtle")


def validate(data: Graph, shapes: Graph, background: Graph | None = None) -> Outcome:
    """Run pyshacl (no inference, SHACL-AF on, the subclass axioms — or a `background` graph — mixed into
    the data as the official validators do) and return every result, whatever its severity."""
    _, results_graph, _ = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=background if background is not None else subclass_axioms(),
        inference="none", advanced=True,
        allow_warnings=True, meta_shacl=False
    )
    found = _results(results_graph, shapes)
    return Outcome(tuple(sorted(found, key=lambda r: (r.severity, r.focus, r.path, r.message))))


def _results(results: Graph, shapes: Graph) -> Iterable[Result]:
    context = results + shapes  # blank paths and shapes are described in either graph
    for result in results.subjects(RDF.type, SH.ValidationResult):
        severity = results.value(result, SH.resultSeverity)
        yield Result(
            severity=str(severity).rsplit("#", 1)[-1] if severity else "?",
            focus=_show(results.value(result, SH.focusNode)),
            path=_show(results.value(result, SH.resultPath), context),
            message="; ".join(str(m) for m in results.objects(result, SH.resultMessage)) or "-",
            value=_show(results.value(result, SH.value)),
            shape=_show(results.value(result, SH.sourceShape), context),
        )


def _show(node, graph: Graph | None = None) -> str:
    if node is None:
        return "-"
    if isinstance(node, BNode) and graph is not None:
        path = graph.value(node, SH.path)  # blank source shape: show its path instead of its id
        alternatives = graph.value(node, SH.alternativePath)
        if path is not None:
            return f"[property shape on {_show(path, graph)}]"
        if alternatives is not None:
            return "alternative(" + ", ".join(_show(p) for p in graph.items(alternatives)) + ")"
        return "_:" + str(node)
    return node.n3() if isinstance(node, (URIRef, Literal)) else "_:" + str(node)
