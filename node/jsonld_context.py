"""A compact JSON-LD @context for DCAT-AP / HealthDCAT-AP documents: the usual prefixes and DCAT-AP's
class and property names as plain terms ("title", "Dataset" …).

No term coerces its values (no "@type": "@id" or datatypes): a value keeps its own @id, @language or
@type, so compacting never changes the graph (tests/portal/test_jsonld.py checks the round trip).
"""

from __future__ import annotations

import json

from vocab.namespaces import PREFIXES

DCAT_AP_TERMS = {
    # classes
    "Catalog": "dcat:Catalog", "CatalogRecord": "dcat:CatalogRecord", "Dataset": "dcat:Dataset",
    "Distribution": "dcat:Distribution", "DataService": "dcat:DataService", "Agent": "foaf:Agent",
    "Organization": "foaf:Organization", "ContactPoint": "cv:ContactPoint", "PeriodOfTime": "dct:PeriodOfTime",
    "Location": "dct:Location", "LicenseDocument": "dct:LicenseDocument", "Concept": "skos:Concept",
    # properties
    "title": "dct:title", "description": "dct:description", "identifier": "dct:identifier",
    "issued": "dct:issued", "modified": "dct:modified", "publisher": "dct:publisher", "creator": "dct:creator",
    "language": "dct:language", "license": "dct:license", "accessRights": "dct:accessRights",
    "rights": "dct:rights", "spatial": "dct:spatial", "temporal": "dct:temporal", "format": "dct:format",
    "conformsTo": "dct:conformsTo", "accrualPeriodicity": "dct:accrualPeriodicity", "provenance": "dct:provenance",
    "theme": "dcat:theme", "keyword": "dcat:keyword", "distribution": "dcat:distribution",
    "dataset": "dcat:dataset", "record": "dcat:record", "catalog": "dcat:catalog", "service": "dcat:service",
    "accessURL": "dcat:accessURL", "downloadURL": "dcat:downloadURL", "mediaType": "dcat:mediaType",
    "landingPage": "dcat:landingPage", "contactPoint": "dcat:contactPoint", "themeTaxonomy": "dcat:themeTaxonomy",
    "startDate": "dcat:startDate", "endDate": "dcat:endDate", "version": "dcat:version",
    "byteSize": "dcat:byteSize", "primaryTopic": "foaf:primaryTopic", "homepage": "foaf:homepage",
    "name": "foaf:name", "prefLabel": "skos:prefLabel", "applicableLegislation": "dcatap:applicableLegislation",
    "healthCategory": "healthdcatap:healthCategory", "healthTheme": "healthdcatap:healthTheme",
    "hdab": "healthdcatap:hdab", "numberOfRecords": "healthdcatap:numberOfRecords",
    "numberOfUniqueIndividuals": "healthdcatap:numberOfUniqueIndividuals",
    "populationCoverage": "healthdcatap:populationCoverage",
}

CONTEXT: dict[str, str] = {**PREFIXES, **DCAT_AP_TERMS}


def compact_jsonld(ntriples: bytes) -> bytes:
    """N-Triples → compact JSON-LD with CONTEXT (rdflib's serializer; the graph is unchanged)."""
    from rdflib import Graph

    graph = Graph()
    graph.parse(data=ntriples, format="nt")
    text = graph.serialize(format="json-ld", context=CONTEXT, auto_compact=True)
    return text.encode("utf-8") if isinstance(text, str) else text


def context_document() -> bytes:
    return json.dumps({"@context": CONTEXT}, indent=1).encode("utf-8")
