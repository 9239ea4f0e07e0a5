"""Generated HealthDCAT-AP catalogues for validation benchmarks and chunking tests.

Records look like real HDH entries (shared publisher and HDAB agents, blank-node contact points and
provenance, links between datasets); `broken_share` of them get one defect each, chosen at random.
"""

from __future__ import annotations

import random

import pyoxigraph as ox

BASE = "https://catalogue.example.org/"
NS = {
    "dpv": "https://w3id.org/dpv#", "dqv": "http://www.w3.org/ns/dqv#", "geo": "http://data.europa.eu/930/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/", "dcatap": "http://data.europa.eu/r5r/", "foaf": "http://xmlns.com/foaf/0.1/",
    "cv": "http://data.europa.eu/m8g/", "vcard": "http://www.w3.org/2006/vcard/ns#",
    "hd": "http://healthdataportal.eu/ns/health#", "xsd": "http://www.w3.org/2001/XMLSchema#",
}
EU = "http://publications.europa.eu/resource/authority/"
CATEGORIES = "https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories/"
DEFECTS = ("no-title", "bad-date", "theme", "no-hdab", "contact", "access-rights")


def iri(curie: str) -> ox.NamedNode:
    prefix, local = curie.split(":", 1)
    return ox.NamedNode(NS[prefix] + local)


def generate_catalogue(datasets: int, *, broken_share: float = 0.03, seed: int = 1) -> list[ox.Triple]:
    rng = random.Random(seed)
    triples = _agents()
    catalog = ox.NamedNode(BASE + "catalog")
    triples += [ox.Triple(catalog, iri("rdf:type"), iri("dcat:Catalog")),
                ox.Triple(catalog, iri("dct:title"), ox.Literal("Generated catalogue", language="en")),
                ox.Triple(catalog, iri("dct:description"), ox.Literal("For benchmarks.", language="en")),
                ox.Triple(catalog, iri("dct:publisher"), ox.NamedNode(BASE + "agent/publisher")),
                ox.Triple(catalog, iri("dcatap:applicableLegislation"), ox.NamedNode("http://data.europa.eu/eli/reg/2025/327/oj"))]
    for n in range(datasets):
        defect = rng.choice(DEFECTS) if rng.random() < broken_share else None
        dataset = ox.NamedNode(f"{BASE}dataset/{n}")
        triples.append(ox.Triple(catalog, iri("dcat:dataset"), dataset))
        triples += _dataset(dataset, n, defect)
        if n % 50 == 49:  # links between records cross chunk boundaries
            triples.append(ox.Triple(dataset, iri("dct:source"), ox.NamedNode(f"{BASE}dataset/{n - 1}")))
    return triples


def _agents() -> list[ox.Triple]:
    out = []
    for name, contact in (("publisher", "contact@hdh.example.org"), ("hdab", "access@hdab.example.org")):
        agent, point = ox.NamedNode(f"{BASE}agent/{name}"), ox.BlankNode(f"{name}-contact")
        out += [ox.Triple(agent, iri("rdf:type"), iri("foaf:Agent")),
                ox.Triple(agent, iri("foaf:name"), ox.Literal(name.upper(), language="en")),
                ox.Triple(agent, iri("cv:contactPoint"), point),
                ox.Triple(point, iri("rdf:type"), iri("cv:ContactPoint")),
                ox.Triple(point, iri("cv:email"), ox.Literal(contact))]
    return out


def _dataset(dataset: ox.NamedNode, n: int, defect: str | None) -> list[ox.Triple]:
    level = "NON_PUBLIC" if n % 3 else "PUBLIC"
    if defect == "access-rights":
        level = "CONFIDENTIAL"
    contact, provenance = ox.BlankNode(f"contact{n}"), ox.BlankNode(f"provenance{n}")
    distribution = ox.NamedNode(f"{dataset.value}/distribution")
    date = "2024-02-30" if defect == "bad-date" else f"20{10 + n % 15}-0{1 + n % 9}-1{n % 10}"
    t = lambda p, o: ox.Triple(dataset, iri(p), o)  # noqa: E731
    out = [
        t("rdf:type", iri("dcat:Dataset")),
        t("dct:description", ox.Literal(f"Health records extract number {n}.", language="en")),
        t("dct:identifier", ox.Literal(f"DS-{n}")),
        t("dct:accessRights", ox.NamedNode(f"{EU}access-right/{level}")),
        t("dcatap:applicableLegislation", ox.NamedNode("http://data.europa.eu/eli/reg/2025/327/oj")),
        t("dcat:theme", ox.NamedNode(EU + ("data-theme/HEALTHCARE" if defect == "theme" else "data-theme/HEAL"))),
        t("hd:healthCategory", ox.NamedNode(CATEGORIES + ("EHRS" if n % 2 else "PHDR"))),
        t("hd:hasStructuredData", ox.Literal("false", datatype=iri("xsd:boolean"))),
        t("dct:publisher", ox.NamedNode(BASE + "agent/publisher")),
        t("dct:issued", ox.Literal(date, datatype=iri("xsd:date"))),
        t("dcat:keyword", ox.Literal("health", language="en")),
        t("dct:type", ox.NamedNode(EU + "dataset-type/STATISTICAL")),
        t("dct:provenance", provenance), t("dcat:contactPoint", contact), t("dcat:distribution", distribution),
        ox.Triple(provenance, iri("rdf:type"), iri("dct:ProvenanceStatement")),
        ox.Triple(contact, iri("rdf:type"), iri("vcard:Kind")),
        ox.Triple(distribution, iri("rdf:type"), iri("dcat:Distribution")),
        ox.Triple(distribution, iri("dcat:accessURL"), ox.NamedNode(f"https://hdab.example.org/request/{n}")),
        ox.Triple(distribution, iri("dcatap:applicableLegislation"), ox.NamedNode("http://data.europa.eu/eli/reg/2025/327/oj")),
        ox.Triple(distribution, iri("dct:format"), ox.NamedNode(EU + "file-type/CSV")),
    ]
    out += _recommended(dataset, distribution, n)
    if defect != "no-title":
        out.append(t("dct:title", ox.Literal(f"Dataset {n}", language="en")))
    if defect != "no-hdab":
        out.append(t("hd:hdab", ox.NamedNode(BASE + "agent/hdab")))
    if defect != "contact":
        out.append(ox.Triple(contact, iri("vcard:hasEmail"), ox.NamedNode(f"mailto:team{n}@example.org")))
    return out


def _recommended(dataset: ox.NamedNode, distribution: ox.NamedNode, n: int) -> list[ox.Triple]:
    """The recommended properties a well-kept record gives, so that warnings stay the exception."""
    period, purpose = ox.BlankNode(f"period{n}"), ox.BlankNode(f"purpose{n}")
    page = ox.NamedNode(f"{dataset.value}/page")
    t = lambda p, o: ox.Triple(dataset, iri(p), o)  # noqa: E731
    integer = lambda v: ox.Literal(str(v), datatype=iri("xsd:nonNegativeInteger"))  # noqa: E731
    return [
        t("dct:language", ox.NamedNode(EU + "language/FRA")), t("dct:spatial", ox.NamedNode(EU + "country/FRA")),
        t("dct:accrualPeriodicity", ox.NamedNode(EU + "frequency/ANNUAL")), t("dct:temporal", period),
        ox.Triple(period, iri("rdf:type"), iri("dct:PeriodOfTime")),
        ox.Triple(period, iri("dcat:startDate"), ox.Literal("2015-01-01", datatype=iri("xsd:date"))),
        ox.Triple(period, iri("dcat:endDate"), ox.Literal("2023-12-31", datatype=iri("xsd:date"))),
        t("dcat:landingPage", page), t("foaf:page", page), ox.Triple(page, iri("rdf:type"), iri("foaf:Document")),
        t("hd:healthTheme", ox.NamedNode("https://hdeu-dcat.data.health.europa.eu/resource/authority/health-theme/CANCER_DISEASE")),
        t("hd:hasCodingSystem", ox.NamedNode("https://hdeu-dcat.data.health.europa.eu/resource/authority/coding-system/ICD-10")),
        t("hd:hasCodeValues", ox.Literal("C50")), t("dpv:hasPurpose", purpose),
        ox.Triple(purpose, iri("rdf:type"), iri("dpv:Purpose")),
        t("hd:minTypicalAge", integer(18)), t("hd:maxTypicalAge", integer(99)),
        t("hd:numberOfRecords", integer(1000 + n)), t("hd:numberOfUniqueIndividuals", integer(500 + n)),
        t("hd:populationCoverage", ox.Literal("Adults treated in French hospitals.", language="en")),
        t("dcat:temporalResolution", ox.Literal("P1Y", datatype=iri("xsd:duration"))),
        t("geo:custodian", ox.NamedNode(BASE + "agent/publisher")),
        ox.Triple(distribution, iri("dct:description"), ox.Literal("Access on request.", language="en")),
        ox.Triple(distribution, iri("dct:license"), ox.NamedNode(EU + "licence/CC_BY_4_0")),
        ox.Triple(distribution, iri("dcatap:availability"), ox.NamedNode(EU + "planned-availability/STABLE")),
    ]
