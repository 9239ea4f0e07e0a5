"""Test doubles and handcrafted records for the quality tests (no network, no ../shared)."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, URIRef

from node.quality import LinkStatus, Vocabularies
from node.rdfio import parse, to_rdflib

FT = "http://publications.europa.eu/resource/authority/file-type/"
LICENCE = "http://publications.europa.eu/resource/authority/licence/"
ACCESS_RIGHT = "http://publications.europa.eu/resource/authority/access-right/"

CONCEPTS = {
    "file-type": [FT + code for code in ("CSV", "JSON", "PDF", "XLSX", "DOCX")],
    "licence": [LICENCE + "CC_BY_4_0", LICENCE + "CC0"],
    "access-right": [ACCESS_RIGHT + code for code in ("PUBLIC", "RESTRICTED", "NON_PUBLIC")],
}


def concept_iris(name: str) -> list[str]:
    return CONCEPTS[name]


def vocabularies() -> Vocabularies:
    return Vocabularies.load(concept_iris)


@dataclass(frozen=True)
class Result:
    focus_node: object
    severity: str = "http://www.w3.org/ns/shacl#Violation"
    message: str = "a violation"


@dataclass
class FakeReport:
    results: list = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return not self.results


class FakeValidator:
    """Reports the given results; records what it was asked to validate."""

    def __init__(self, results=()):
        self.results = list(results)
        self.calls = []

    def validate(self, data):
        graph = data if isinstance(data, Graph) else to_rdflib(data)
        self.calls.append(graph)
        focus_nodes = {s for s in graph.subjects()}
        return FakeReport([r for r in self.results if r.focus_node in focus_nodes])


class AllReachable:
    """Link checker double: every URL answers 200."""

    def __init__(self):
        self.seen = []

    def check_all(self, urls):
        urls = list(urls)
        self.seen.extend(urls)
        return {u: LinkStatus(u, True, True, "HTTP 200") for u in urls}


PREFIXES = f"""
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix ft: <{FT}> .
@prefix lic: <{LICENCE}> .
@prefix ar: <{ACCESS_RIGHT}> .
@prefix iana: <http://www.iana.org/assignments/media-types/> .
@prefix healthdcatap: <http://healthdataportal.eu/ns/health#> .
@prefix dpv: <https://w3id.org/dpv#> .
@prefix ex: <http://example.org/> .
"""

FULL_RECORD = PREFIXES + """
ex:full a dcat:Dataset ;
    dct:title "Full record"@en , "Fiche complète"@fr ;
    dct:description "Every MQA indicator is met."@en ;
    dcat:keyword "cancer"@en , "registry"@en ;
    dcat:theme <http://publications.europa.eu/resource/authority/data-theme/HEAL> ;
    dct:spatial <http://publications.europa.eu/resource/authority/country/FRA> ;
    dct:temporal [ a dct:PeriodOfTime ; dcat:startDate "2020-01-01"^^xsd:date ] ;
    dct:accessRights ar:PUBLIC ;
    dcat:contactPoint [ a vcard:Kind ; vcard:hasEmail <mailto:data@example.org> ] ;
    dct:publisher ex:hdh ;
    dct:issued "2024-01-01"^^xsd:date ;
    dct:modified "2024-06-01"^^xsd:date ;
    dcat:distribution ex:full-csv .

ex:full-csv a dcat:Distribution ;
    dcat:accessURL <https://data.example.org/full> ;
    dcat:downloadURL <https://data.example.org/full.csv> ;
    dct:format ft:CSV ;
    dcat:mediaType iana:text\\/csv ;
    dct:license lic:CC_BY_4_0 ;
    dct:rights [ a dct:RightsStatement ] ;
    dcat:byteSize "1024"^^xsd:nonNegativeInteger .

ex:hdh a foaf:Agent ; foaf:name "Health Data Hub" .
"""


def graph_of(turtle: str) -> Graph:
    return parse(turtle.encode(), "text/turtle")


def ex(name: str) -> URIRef:
    return URIRef("http://example.org/" + name)
