"""The "DCAT-AP compliant" indicator: no SHACL violation under the dcat-ap-3 profile.

One dataset is validated on its own description (the dataset and the nodes it reaches). A
catalogue is validated once as a whole and each violation is charged to every dataset whose
description holds the violation's focus node (a shared publisher counts for each dataset using it);
violations on the catalogue itself are charged to no dataset.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from rdflib import Graph
from rdflib.term import Node

from node.quality.facts import description_graph, description_nodes

PROFILE = "dcat-ap-3"


@dataclass(frozen=True)
class Compliance:
    checked: bool
    violations: int = 0
    detail: str = ""  # first violation messages, for the reason


def default_validator():
    """The node's validator for dcat-ap-3, or None when validation is not installed in this checkout."""
    try:
        from node.validation import Validator
    except ModuleNotFoundError as err:
        if err.name != "node.validation":
            raise
        return None
    return Validator.for_profile(PROFILE)


def dataset_compliance(graph: Graph, dataset: Node, validator) -> Compliance:
    if validator is None:
        return Compliance(False, detail="SHACL validation is not available in this installation")
    report = validator.validate(description_graph(graph, dataset))
    return _summarise(_violations(report))


def catalogue_compliance(graph: Graph, datasets: Iterable[Node], validator) -> dict[str, Compliance]:
    datasets = list(datasets)
    if validator is None:
        unavailable = Compliance(False, detail="SHACL validation is not available in this installation")
        return {str(d): unavailable for d in datasets}
    violations = _violations(validator.validate(graph))
    by_focus: dict[str, list] = {}
    for result in violations:
        by_focus.setdefault(_term_key(getattr(result, "focus_node", None)), []).append(result)
    compliance = {}
    for dataset in datasets:
        mine = [r for node in description_nodes(graph, dataset) for r in by_focus.get(_term_key(node), ())]
        compliance[str(dataset)] = _summarise(mine)
    return compliance


def _violations(report) -> list:
    """Results of severity Violation (warnings and infos do not break compliance)."""
    return [r for r in getattr(report, "results", ()) if _is_violation(getattr(r, "severity", "Violation"))]


def _is_violation(severity) -> bool:
    text = str(getattr(severity, "value", severity))
    return text.rsplit("#", 1)[-1].lower() == "violation"


def _summarise(violations: list) -> Compliance:
    messages = []
    for result in violations:
        message = str(getattr(result, "message", "") or "").strip()
        if message and message not in messages:
            messages.append(message)
    return Compliance(True, len(violations), "; ".join(messages[:3]))


def _term_key(term) -> str:
    """Compare rdflib and Oxigraph terms alike: blank nodes by label, IRIs by text."""
    if term is None:
        return ""
    value = getattr(term, "value", None)  # pyoxigraph terms
    text = str(value if isinstance(value, str) else term)
    return text[2:] if text.startswith("_:") else text
