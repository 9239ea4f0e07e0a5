"""The bundled HDH catalogue conforms to our healthdcat-ap profile."""

from pathlib import Path

import node
from node.rdfio import parse_triples
from node.validation import Validator

CATALOGUE = Path(node.__file__).parent / "data" / "hdh-catalogue.ttl"


def test_bundled_hdh_catalogue_conforms_to_healthdcat_ap():
    triples = parse_triples(CATALOGUE.read_bytes(), filename=CATALOGUE.name, base_iri="http://localhost:8080/")
    report = Validator.for_profile("healthdcat-ap").validate(triples)
    assert report.datasets, "the catalogue should describe datasets"
    assert report.conforms, [(r.dataset, r.path, r.message) for r in report.violations]
