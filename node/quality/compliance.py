"""The "DCAT-AP compliant" indicator: no SHACL violation under the dcat-ap-3 profile.

A dataset is judged on its record, the same scope the node validates on every write
(node.datasets.split_records: the dataset and what it reaches, not crossing into other datasets or
catalogues). A catalogue is validated once as a whole; a violation is charged to the dataset the
validator names for it, or else to every dataset whose record holds its focus node (a broken shared
publisher counts for each dataset using it; a violation on the catalogue counts for none). Should a focus node be unknown to the graph (a
validator that renames blank nodes), the records are validated one by one instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from rdflib import Graph
from rdflib.term import Node

from node.datasets import split_records
from node.rdfio import from_rdflib, rdflib_term_to_ox

PROFILE = "dcat-ap-3"
_UNAVAILABLE = "SHACL validation is not available in this installation"


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


def health_validator():
    """The violations-only HealthDCAT-AP validator the essentials are judged with, or None (see above)."""
    validator = default_validator()
    if validator is None:
        return None
    from node.validation import Validator

    return Validator.for_profile("healthdcat-ap", violations_only=True)


def dataset_compliance(graph: Graph, dataset: Node, validator) -> Compliance:
    if validator is None:
        return Compliance(False, detail=_UNAVAILABLE)
    records = dict(split_records(from_rdflib(graph)))
    record = records.get(rdflib_term_to_ox(dataset), [])
    return _summarise(_violations(validator.validate(record)))


def catalogue_compliance(graph: Graph, datasets: Iterable[Node], validator) -> dict[str, Compliance]:
    keys = {_term_key(rdflib_term_to_ox(d)): str(d) for d in datasets}
    if validator is None:
        return {name: Compliance(False, detail=_UNAVAILABLE) for name in keys.values()}
    triples = from_rdflib(graph)
    records = {_term_key(dataset): record for dataset, record in split_records(triples)}
    charged: dict[str, list] = {key: [] for key in records}
    by_focus: dict[str, list] = {}
    for result in _violations(validator.validate(triples)):
        owner = _term_key(getattr(result, "dataset", None))  # the validator's own attribution, if it gives one
        if owner in charged:
            charged[owner].append(result)
        else:
            by_focus.setdefault(_term_key(getattr(result, "focus_node", None)), []).append(result)
    known = {_term_key(t.subject) for t in triples}
    if any(focus not in known for focus in by_focus):
        return {name: _summarise(_violations(validator.validate(records[key]))) for key, name in keys.items()}
    return {name: _summarise(charged[key] + _charged(records[key], by_focus)) for key, name in keys.items()}


def _charged(record, by_focus: dict[str, list]) -> list:
    """The violations whose focus node is described in this record."""
    return [r for node in {_term_key(t.subject) for t in record} for r in by_focus.get(node, ())]


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
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    return text[2:] if text.startswith("_:") else text
