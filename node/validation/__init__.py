"""SHACL validation of DCAT-AP / HealthDCAT-AP metadata: the one entry point of the node.

    validator = Validator.for_profile("healthdcat-ap")
    report = validator.validate(graph_or_triples)
"""

from node.validation.report import ValidationReport, ValidationResult
from node.validation.validator import Validator

__all__ = ["Validator", "ValidationReport", "ValidationResult"]
