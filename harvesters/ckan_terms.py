"""Vocabulary and triple-building helpers for the CKAN → DCAT-AP mapping (harvesters/ckan_mapping.py)."""

from __future__ import annotations

import re
from datetime import date, datetime

import pyoxigraph as ox


class MappingError(ValueError):
    """A CKAN dict field that cannot be turned into DCAT-AP; the message names the field."""


class Namespace:
    """`DCAT.Dataset` → NamedNode; items for names that clash with Python (`DCT["format"]`)."""

    def __init__(self, base: str):
        self.base = base

    def __getattr__(self, name: str) -> ox.NamedNode:
        return ox.NamedNode(self.base + name)

    def __getitem__(self, name: str) -> ox.NamedNode:
        return ox.NamedNode(self.base + name)


ADMS = Namespace("http://www.w3.org/ns/adms#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
DCT = Namespace("http://purl.org/dc/terms/")
DPV = Namespace("https://w3id.org/dpv#")
DQV = Namespace("http://www.w3.org/ns/dqv#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
HEALTH = Namespace("http://healthdataportal.eu/ns/health#")
OA = Namespace("http://www.w3.org/ns/oa#")
PROV = Namespace("http://www.w3.org/ns/prov#")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"

# CKAN field → predicate, values IRIs when they look like IRIs (ckanext-dcat's URIRefOrLiteral).
DATASET_IRI_FIELDS = (
    ("theme", DCAT.theme), ("language", DCT.language), ("access_rights", DCT.accessRights),
    ("frequency", DCT.accrualPeriodicity), ("conforms_to", DCT.conformsTo), ("spatial_uri", DCT.spatial),
    ("documentation", FOAF.page), ("is_referenced_by", DCT.isReferencedBy), ("related_resource", DCT.relation),
    ("sample", ADMS.sample), ("applicable_legislation", DCATAP.applicableLegislation), ("dcat_type", DCT.type),
    ("source", DCT.source), ("has_version", DCT.hasVersion), ("is_version_of", DCT.isVersionOf),
    ("in_series", DCAT.inSeries),
    # HealthDCAT-AP (ckanext-dcat euro_health_dcat_ap)
    ("analytics", HEALTH.analytics), ("code_values", HEALTH.hasCodeValues), ("coding_system", HEALTH.hasCodingSystem),
    ("health_category", HEALTH.healthCategory), ("health_theme", HEALTH.healthTheme),
    ("legal_basis", DPV.hasLegalBasis), ("personal_data", DPV.hasPersonalData),
    ("publisher_type", HEALTH.publisherType), ("purpose", DPV.hasPurpose),
)
DATASET_LIST_FIELDS = (("population_coverage", HEALTH.populationCoverage), ("publisher_note", HEALTH.publisherNote))
HEALTH_COUNT_FIELDS = (
    ("min_typical_age", HEALTH.minTypicalAge), ("max_typical_age", HEALTH.maxTypicalAge),
    ("number_of_records", HEALTH.numberOfRecords), ("number_of_unique_individuals", HEALTH.numberOfUniqueIndividuals),
)
DISTRIBUTION_IRI_FIELDS = (
    ("language", DCT.language), ("conforms_to", DCT.conformsTo), ("documentation", FOAF.page),
    ("status", ADMS.status), ("availability", DCATAP.availability), ("compress_format", DCAT.compressFormat),
    ("package_format", DCAT.packageFormat), ("applicable_legislation", DCATAP.applicableLegislation),
)

_FORMAT_TOKEN = re.compile(r"[A-Za-z0-9_]{1,20}")


def is_iri(value) -> bool:
    """An absolute IRI as Oxigraph's IRI parser reads it (a CKAN field may hold one, or any text)."""
    if not isinstance(value, str):
        return False
    try:
        ox.NamedNode(value)
    except ValueError:
        return False
    return True


def iri_or_literal(value) -> ox.NamedNode | ox.Literal:
    return ox.NamedNode(value) if is_iri(value) else ox.Literal(str(value))


def file_type(value: str) -> ox.NamedNode | ox.Literal:
    """'CSV', 'csv' → the EU file-type authority IRI; IRIs stay; anything else stays a literal."""
    if is_iri(value):
        return ox.NamedNode(value)
    token = value.strip().lstrip(".").upper().replace("-", "_")
    return ox.NamedNode(FILE_TYPE + token) if _FORMAT_TOKEN.fullmatch(token) else ox.Literal(value)


def date_literal(value: str, field: str) -> ox.Literal:
    """ISO date or date-time → xsd:date / xsd:dateTime; anything else is a MappingError naming the field."""
    text = str(value).strip()
    try:
        if len(text) == 10:
            date.fromisoformat(text)
            return ox.Literal(text, datatype=XSD.date)
        datetime.fromisoformat(text.replace("Z", "+00:00"))
        return ox.Literal(text, datatype=XSD.dateTime)
    except ValueError:
        raise MappingError(f"field '{field}' is not an ISO 8601 date or date-time: {text[:40]!r}") from None


class Emitter:
    """Collects triples about one subject (and the nodes hanging off it) into a shared list."""

    def __init__(self, subject, triples: list | None = None):
        self.subject = subject
        self.triples = [] if triples is None else triples

    def add(self, predicate, obj, *, subject=None) -> None:
        self.triples.append(ox.Triple(subject or self.subject, predicate, obj))

    def node(self, predicate, rdf_type, *, iri: str | None = None, subject=None):
        node = ox.NamedNode(iri) if is_iri(iri) else ox.BlankNode()
        self.add(predicate, node, subject=subject)
        self.add(RDF.type, rdf_type, subject=node)
        return node

    def add_date(self, predicate, value, *, subject=None) -> None:
        if value not in (None, ""):
            self.add(predicate, date_literal(value, predicate.value.rsplit("/", 1)[-1]), subject=subject)

    def agent(self, predicate, agent: dict, *, subject=None):
        """A foaf:Agent (IRI from `uri`, else a blank node) with name, mbox, homepage, type, identifier."""
        node = self.node(predicate, FOAF.Agent, iri=agent.get("uri"), subject=subject)
        if agent.get("name"):
            self.add(FOAF.name, ox.Literal(str(agent["name"])), subject=node)
        if agent.get("email"):
            self.add(FOAF.mbox, ox.NamedNode(_mailto(agent["email"])), subject=node)
        # ckanext-dcat schemas name the homepage `url` or `homepage`; a dict may carry both.
        for homepage in dict.fromkeys(agent.get(key) for key in ("url", "homepage")):
            if is_iri(homepage):
                self.add(FOAF.homepage, ox.NamedNode(homepage), subject=node)
        if is_iri(agent.get("type")):
            self.add(DCT.type, ox.NamedNode(agent["type"]), subject=node)
        if agent.get("identifier"):
            self.add(DCT.identifier, ox.Literal(str(agent["identifier"])), subject=node)
        return node

    def contact(self, contact: dict) -> None:
        node = self.node(DCAT.contactPoint, VCARD.Kind, iri=contact.get("uri"))
        if contact.get("name"):
            self.add(VCARD.fn, ox.Literal(str(contact["name"])), subject=node)
        if contact.get("email"):
            self.add(VCARD.hasEmail, ox.NamedNode(_mailto(contact["email"])), subject=node)
        if is_iri(contact.get("url")):
            self.add(VCARD.hasURL, ox.NamedNode(contact["url"]), subject=node)

    def period(self, predicate, period: dict) -> None:
        if not (period.get("start") or period.get("end")):
            return
        node = self.node(predicate, DCT.PeriodOfTime)
        self.add_date(DCAT.startDate, period.get("start"), subject=node)
        self.add_date(DCAT.endDate, period.get("end"), subject=node)

    def service(self, service: dict) -> None:
        node = self.node(DCAT.accessService, DCAT.DataService, iri=service.get("uri"))
        if service.get("title"):
            self.add(DCT.title, ox.Literal(str(service["title"])), subject=node)
        urls = service.get("endpoint_url") or []
        for url in urls if isinstance(urls, list) else [urls]:
            if is_iri(url):
                self.add(DCAT.endpointURL, ox.NamedNode(url), subject=node)
        if is_iri(service.get("endpoint_description")):
            self.add(DCAT.endpointDescription, ox.NamedNode(service["endpoint_description"]), subject=node)
        if service.get("access_rights"):
            self.add(DCT.accessRights, iri_or_literal(service["access_rights"]), subject=node)


def _mailto(email: str) -> str:
    email = str(email).strip()
    if not email.startswith("mailto:"):
        email = "mailto:" + email
    if not is_iri(email):
        raise MappingError(f"'{email}' is not a usable e-mail address")
    return email
