"""HealthDCAT-AP essentials: what a health-data user needs and no MQA tool scores.

Property IRIs from the HealthDCAT-AP Release 8 model and shapes
(reference/standards/healthdcat-ap-release-8). Shown beside the MQA score, never added to it.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from node.quality.model import HealthCheck
from vocab.namespaces import DPV, HEALTHDCATAP

# (key, label, property, why it matters / how to fix)
HEALTH_ESSENTIALS: tuple[tuple[str, str, URIRef, str], ...] = (
    ("hdab", "Health Data Access Body", HEALTHDCATAP.hdab,
     "name the Health Data Access Body that grants access (healthdcatap:hdab, an agent with a contact point)"),
    ("purpose", "Purpose", DPV.hasPurpose,
     "state the purpose the data were collected for (dpv:hasPurpose)"),
    ("legal_basis", "Legal basis", DPV.hasLegalBasis,
     "state the legal basis of the processing (dpv:hasLegalBasis)"),
    ("health_category", "Health category", HEALTHDCATAP.healthCategory,
     "add a health category from the EHDS health-categories vocabulary (healthdcatap:healthCategory)"),
    ("health_theme", "Health theme", HEALTHDCATAP.healthTheme,
     "add a health theme (healthdcatap:healthTheme)"),
    ("coding_system", "Coding system", HEALTHDCATAP.hasCodingSystem,
     "name the coding systems used, e.g. ICD-10 or SNOMED CT (healthdcatap:hasCodingSystem)"),
    ("population_coverage", "Population coverage", HEALTHDCATAP.populationCoverage,
     "describe the population covered (healthdcatap:populationCoverage)"),
    ("number_of_records", "Number of records", HEALTHDCATAP.numberOfRecords,
     "give the number of records (healthdcatap:numberOfRecords, xsd:nonNegativeInteger)"),
    ("number_of_unique_individuals", "Number of unique individuals", HEALTHDCATAP.numberOfUniqueIndividuals,
     "give the number of distinct individuals (healthdcatap:numberOfUniqueIndividuals, xsd:nonNegativeInteger)"),
)


def health_checks(graph: Graph, dataset: Node, violations=()) -> tuple[HealthCheck, ...]:
    """Each essential, present only with a valid value: `violations` are the HealthDCAT-AP violations of the
    dataset's record (ValidationResult), so that the score never praises what the validator refuses."""
    values: dict[Node, list[Node]] = {}
    for predicate, obj in graph.predicate_objects(dataset):  # one lookup for all nine properties
        values.setdefault(predicate, []).append(obj)
    return tuple(_check(sorted(values.get(prop, ()), key=str), key, label, prop, hint,
                        _against(violations, dataset, prop, values.get(prop, ())))
                 for key, label, prop, hint in HEALTH_ESSENTIALS)


def _against(violations, dataset: Node, prop: URIRef, values: list[Node]) -> list:
    """The violations of one property: on the dataset with that path, or on one of its values."""
    path, nodes = f"<{prop}>", {_node_key(v) for v in values}
    return [r for r in violations
            if (r.focus_node == _node_key(dataset) and r.path == path) or r.focus_node in nodes]


def _node_key(node: Node) -> str:
    return f"_:{node}" if isinstance(node, BNode) else str(node)


def _check(values: list[Node], key: str, label: str, prop: URIRef, hint: str, violations: list) -> HealthCheck:
    if not values:
        return HealthCheck(key, label, str(prop), False, f"missing: {hint}")
    if violations:
        return HealthCheck(key, label, str(prop), False, f"present but not valid: {violations[0].message}")
    shown = ", ".join(_describe(v) for v in values[:3]) + (f" (+{len(values) - 3} more)" if len(values) > 3 else "")
    return HealthCheck(key, label, str(prop), True, shown)


def _describe(value: Node) -> str:
    if isinstance(value, Literal):
        text = str(value)
        return text if len(text) <= 80 else text[:77] + "…"
    if isinstance(value, BNode):
        return "(described inline)"
    return str(value)
