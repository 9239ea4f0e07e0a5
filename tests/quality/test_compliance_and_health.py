"""DCAT-AP compliance attribution (fake validator) and the HealthDCAT-AP essentials."""

from dataclasses import dataclass

from rdflib import BNode, Graph

from node.quality import score_catalogue, score_dataset
from node.rdfio import to_rdflib
from tests.quality.fakes import (
    FULL_RECORD, PREFIXES, FakeReport, FakeValidator, Result, ex, graph_of, vocabularies,
)
from vocab.namespaces import DCAT

TWO_DATASETS = FULL_RECORD + """
ex:second a dcat:Dataset ; dct:title "Second" ; dct:publisher ex:hdh ; dcat:distribution ex:second-d .
ex:second-d a dcat:Distribution ; dcat:accessURL <https://x.example/second> .
ex:catalogue a dcat:Catalog ; dct:title "HDH" ; dcat:dataset ex:full , ex:second .
"""


def compliance_points(validator, graph=None):
    catalogue = score_catalogue(graph or graph_of(TWO_DATASETS), validator=validator, vocabularies=vocabularies())
    return {d.dataset.rsplit("/", 1)[-1]: d.indicator("dcat_ap_compliant").earned for d in catalogue.datasets}


def test_conforming_catalogue_earns_compliance_for_every_dataset():
    validator = FakeValidator()
    assert compliance_points(validator) == {"full": 30, "second": 30}
    assert len(validator.calls) == 1  # the catalogue is validated once, not once per dataset


def test_violation_on_a_distribution_is_charged_to_its_dataset_only():
    assert compliance_points(FakeValidator([Result(ex("second-d"))])) == {"full": 30, "second": 0}


def test_violation_on_a_shared_publisher_is_charged_to_both():
    assert compliance_points(FakeValidator([Result(ex("hdh"))])) == {"full": 0, "second": 0}


def test_violation_on_the_catalogue_is_charged_to_no_dataset():
    assert compliance_points(FakeValidator([Result(ex("catalogue"))])) == {"full": 30, "second": 30}


def test_warnings_do_not_break_compliance():
    warning = Result(ex("full"), severity="http://www.w3.org/ns/shacl#Warning")
    assert compliance_points(FakeValidator([warning])) == {"full": 30, "second": 30}


def test_violation_on_a_blank_node_of_the_description_counts():
    graph = graph_of(TWO_DATASETS)
    contact = graph.value(ex("full"), DCAT.contactPoint)
    assert isinstance(contact, BNode)
    assert compliance_points(FakeValidator([Result(contact)]), graph) == {"full": 0, "second": 30}


def test_single_dataset_is_validated_on_its_own_description():
    validator = FakeValidator([Result(ex("second-d"), message="Distribution: accessURL missing")])
    graph = graph_of(TWO_DATASETS)
    full = score_dataset(graph, ex("full"), validator=validator, vocabularies=vocabularies())
    second = score_dataset(graph, ex("second"), validator=validator, vocabularies=vocabularies())
    assert full.indicator("dcat_ap_compliant").earned == 30
    indicator = second.indicator("dcat_ap_compliant")
    assert indicator.earned == 0 and "1 SHACL violation (Distribution: accessURL missing)" in indicator.reason
    validated = validator.calls[0]
    assert (ex("full-csv"), None, None) in validated and (ex("second"), None, None) not in validated
    assert (ex("catalogue"), None, None) not in validated


HEALTH_RECORD = PREFIXES + """
ex:cohort a dcat:Dataset ; dct:title "Cohort" ;
    healthdcatap:hdab ex:hdab ;
    dpv:hasPurpose [ a dpv:Purpose ] ;
    healthdcatap:healthCategory <https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories/EHRS> ;
    healthdcatap:hasCodingSystem <http://www.wikidata.org/entity/P494> ;
    healthdcatap:numberOfRecords "1850000"^^xsd:nonNegativeInteger ;
    healthdcatap:populationCoverage "Adults treated in French hospitals since 2020"@en .
"""


def test_health_essentials_are_listed_apart_from_the_mqa_points():
    result = score_dataset(graph_of(HEALTH_RECORD), ex("cohort"), validator=FakeValidator(),
                           vocabularies=vocabularies())
    present = {h.key: h.present for h in result.health}
    # hdab and coding system are there but the HealthDCAT-AP shapes refuse their values (an untyped agent,
    # a coding system that is no dct:Standard): the score says so instead of counting them (issue 14)
    assert present == {"hdab": False, "purpose": True, "legal_basis": False, "health_category": True,
                       "health_theme": False, "coding_system": False, "population_coverage": True,
                       "number_of_records": True, "number_of_unique_individuals": False}
    checks = {h.key: h for h in result.health}
    assert checks["number_of_records"].reason == "1850000"
    assert checks["purpose"].reason == "(described inline)"
    assert checks["coding_system"].property == "http://healthdataportal.eu/ns/health#hasCodingSystem"
    assert "dpv:hasLegalBasis" in checks["legal_basis"].reason
    assert checks["hdab"].reason.startswith("present but not valid: The dataset's health data access body")
    assert result.points == 30  # only "DCAT-AP compliant": health fields add no MQA points
    assert result.to_dict()["healthdcat_ap"]["present"] == 4


def test_the_validators_own_dataset_attribution_wins():
    @dataclass(frozen=True)
    class Attributed:
        focus_node: str
        dataset: str
        severity: str = "violation"
        message: str = "Contact point: give an email or a URL"

    class Validator:
        def validate(self, data):
            return FakeReport([Attributed("_:somewhere", "http://example.org/second")])

    assert compliance_points(Validator()) == {"full": 30, "second": 0}


def test_unknown_focus_nodes_fall_back_to_validating_each_record():
    class RenamingValidator(FakeValidator):
        """Reports a violation on a blank node it renamed, for the record holding ex:second-d."""

        def validate(self, data):
            graph = data if isinstance(data, Graph) else to_rdflib(data)
            self.calls.append(graph)
            broken = (ex("second-d"), None, None) in graph
            return FakeReport([Result("_:renamed")] if broken else [])

    validator = RenamingValidator()
    assert compliance_points(validator) == {"full": 30, "second": 0}
    assert len(validator.calls) == 3  # the whole catalogue, then each of the two records


def test_with_the_nodes_own_dcat_ap_3_validator():
    from vocab.namespaces import DCTERMS

    graph = graph_of(FULL_RECORD)
    assert score_dataset(graph, ex("full"), vocabularies=vocabularies()).indicator("dcat_ap_compliant").earned == 30
    graph.remove((ex("full"), DCTERMS.description, None))
    single = score_dataset(graph, ex("full"), vocabularies=vocabularies()).indicator("dcat_ap_compliant")
    whole = score_catalogue(graph, vocabularies=vocabularies()).datasets[0].indicator("dcat_ap_compliant")
    assert (single.earned, whole.earned) == (0, 0)
    assert "1 SHACL violation" in single.reason and "dct:description" in single.reason


def test_a_non_public_dataset_earns_its_download_points_by_what_it_can_offer():
    from importlib.resources import files

    from rdflib import Graph

    from node.quality.scoring import score_catalogue

    graph = Graph().parse(data=files("node.data").joinpath("hdh-catalogue.ttl").read_text(), format="turtle",
                          publicID="http://localhost:8080/")
    public = graph_of(HEALTH_RECORD.replace("NON_PUBLIC", "PUBLIC").replace("RESTRICTED", "PUBLIC"))
    scores = {s.dataset.rsplit("/", 1)[-1]: s for s in score_catalogue(graph, vocabularies=vocabularies()).datasets}
    snds = {i.key: i for i in scores["snds"].indicators}  # NON_PUBLIC, an application page, the HDH as HDAB
    assert (snds["download_url"].label, snds["download_url"].earned) == ("Access application", 20)
    assert (snds["download_url_reachable"].label, snds["download_url_reachable"].earned) == ("Health Data Access Body", 30)
    open_data = {i.key: i for i in score_dataset(public, ex("cohort"), validator=FakeValidator(),
                                                 vocabularies=vocabularies()).indicators}
    assert open_data["download_url"].label == "downloadURL"  # a public dataset is judged on its files, as MQA does
