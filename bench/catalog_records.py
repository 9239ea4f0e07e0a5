"""Generated HealthDCAT-AP records for bench/catalog.py: lean but realistic (27 triples: a dataset,
one distribution, its publisher), plus the catalogue record and index terms the node writes for
each, built with node.records / node.catalog_index so the store looks as if `publish` had run."""

from __future__ import annotations

import random

import pyoxigraph as ox

from node.records import Naming, stored_record

BASE = "http://localhost:8080/"
NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/", "foaf": "http://xmlns.com/foaf/0.1/", "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dcatap": "http://data.europa.eu/r5r/", "health": "http://healthdataportal.eu/ns/health#",
    "eu": "http://publications.europa.eu/resource/authority/",
    "hcat": "https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories/",
}
TOPICS = [("cancers", "cancer"), ("diabète", "diabetes"), ("maladies cardiovasculaires", "cardiovascular diseases"),
          ("santé mentale", "mental health"), ("urgences", "emergency care"), ("maternité", "maternity"),
          ("vaccination", "vaccination"), ("maladies rares", "rare diseases"), ("greffes", "transplants")]
KINDS = [("Registre", "register"), ("Cohorte", "cohort"), ("Enquête", "survey"), ("Base hospitalière", "hospital database")]
REGIONS = ["Bretagne", "Occitanie", "Normandie", "Grand Est", "Hauts-de-France", "Île-de-France", "Corse", "Guyane"]
CATEGORIES = ["EHR", "REGISTRY", "HEALTHINSURANCE", "SURVEY", "CLINICALTRIAL"]


def iri(prefix: str, local: str = "") -> ox.NamedNode:
    return ox.NamedNode(NS[prefix] + local)


def lit(value, datatype: str | None = None, lang: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(str(value), language=lang)
    return ox.Literal(str(value), datatype=iri("xsd", datatype)) if datatype else ox.Literal(str(value))


def dataset_triples(i: int, rng: random.Random) -> tuple[ox.NamedNode, list[ox.Triple]]:
    """One lean HealthDCAT-AP dataset: 27 triples with a distribution and its publisher."""
    (topic_fr, topic_en), (kind_fr, kind_en) = rng.choice(TOPICS), rng.choice(KINDS)
    region, year = rng.choice(REGIONS), rng.randint(2005, 2025)
    dataset, dist = ox.NamedNode(f"{BASE}datasets/gen-{i}"), ox.NamedNode(f"{BASE}datasets/gen-{i}#distribution")
    publisher = ox.NamedNode(f"{BASE}agents/publisher-{i % 500}")
    public = i % 10 == 0
    rows = [
        (dataset, iri("rdf", "type"), iri("dcat", "Dataset")),
        (dataset, iri("dct", "title"), lit(f"{kind_fr} {topic_fr} {region} {year}", lang="fr")),
        (dataset, iri("dct", "title"), lit(f"{topic_en.capitalize()} {kind_en}, {region}, {year}", lang="en")),
        (dataset, iri("dct", "description"), lit(f"{kind_fr} des {topic_fr} en {region} depuis {year} (n°{i}).", lang="fr")),
        (dataset, iri("dct", "description"), lit(f"{kind_en.capitalize()} of {topic_en} in {region} since {year} (no. {i}).", lang="en")),
        (dataset, iri("dct", "identifier"), lit(f"GEN-{i:06d}")),
        (dataset, iri("dct", "accessRights"), iri("eu", "access-right/" + ("PUBLIC" if public else "NON_PUBLIC"))),
        (dataset, iri("dcatap", "applicableLegislation"), ox.NamedNode("http://data.europa.eu/eli/reg/2025/327/oj")),
        (dataset, iri("dcat", "theme"), iri("eu", "data-theme/HEAL")),
        (dataset, iri("dcat", "keyword"), lit(topic_fr, lang="fr")),
        (dataset, iri("dcat", "keyword"), lit(topic_en, lang="en")),
        (dataset, iri("dcat", "keyword"), lit(region, lang="fr")),
        (dataset, iri("dct", "publisher"), publisher),
        (dataset, iri("health", "hdab"), ox.NamedNode(f"{BASE}agents/hdh")),
        (dataset, iri("health", "healthCategory"), iri("hcat", rng.choice(CATEGORIES))),
        (dataset, iri("health", "numberOfRecords"), lit(rng.randint(100, 10_000_000), "nonNegativeInteger")),
        (dataset, iri("dct", "issued"), lit(f"{year}-01-15", "date")),
        (dataset, iri("dct", "spatial"), iri("eu", "country/FRA")),
        (dataset, iri("dcat", "distribution"), dist),
        (dist, iri("rdf", "type"), iri("dcat", "Distribution")),
        (dist, iri("dcat", "accessURL"), ox.NamedNode(f"https://www.health-data-hub.fr/catalogue/gen-{i}")),
        (dist, iri("dct", "format"), iri("eu", "file-type/CSV")),
        (dist, iri("dcat", "byteSize"), lit(rng.randint(10_000, 10**12), "nonNegativeInteger")),
        (dist, iri("dct", "license"), iri("eu", "licence/CC_BY_4_0")),
        (publisher, iri("rdf", "type"), iri("foaf", "Agent")),
        (publisher, iri("foaf", "name"), lit(f"Producteur de données {i % 500}", lang="fr")),
        (publisher, iri("dct", "type"), ox.NamedNode("https://hdeu-dcat.data.health.europa.eu/resource/authority/publisher-type/university")),
    ]
    return dataset, [ox.Triple(*row) for row in rows]


def record_quads(naming: Naming, i: int, rng: random.Random):
    """The quads the node writes for one record (node.records.stored_record)."""
    record_id = f"gen-{i}"
    dataset, triples = dataset_triples(i, rng)
    issued = f"2026-{1 + i * 12 // 100_001:02d}-01T00:00:00Z"  # spread over a year, stable order
    modified = f"2026-11-{1 + i % 28:02d}T12:00:00Z"
    graph = ox.NamedNode(naming.local_graph(record_id))
    for t in stored_record(naming, record_id, dataset.value, triples, issued, modified):
        yield ox.Quad(t.subject, t.predicate, t.object, graph)
