"""What a person sees of a dataset: plain values read from its triples for the HTML templates,
and the schema.org Dataset description embedded for search engines.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from vocab.namespaces import CSVW, DCAT, DCTERMS, FOAF, HEALTHDCATAP, SKOS, VCARD

PREFERRED_LANGUAGES = ("en", "fr", "")


class Description:
    """Index of a record's triples by subject, with helpers to read values in a preferred language."""

    def __init__(self, triples: list[ox.Triple]):
        self.by_subject: dict[object, list[ox.Triple]] = {}
        for t in triples:
            self.by_subject.setdefault(t.subject, []).append(t)

    def objects(self, subject, predicate) -> list:
        iri = str(predicate)
        return [t.object for t in self.by_subject.get(subject, ()) if t.predicate.value == iri]

    def text(self, subject, predicate, languages=PREFERRED_LANGUAGES) -> str:
        literals = [o for o in self.objects(subject, predicate) if isinstance(o, ox.Literal)]
        for lang in languages:
            for literal in literals:
                if (literal.language or "") == lang:
                    return literal.value
        return literals[0].value if literals else ""

    def texts(self, subject, predicate) -> list[str]:
        return [o.value for o in self.objects(subject, predicate) if isinstance(o, ox.Literal)]

    def label(self, node) -> str:
        """A readable name for a node: its label or name if described, else the IRI's last segment."""
        for predicate in (SKOS.prefLabel, FOAF.name, DCTERMS.title, VCARD.fn):
            value = self.text(node, predicate)
            if value:
                return value
        if isinstance(node, ox.NamedNode):
            return _vocabulary_label(node.value) or node.value.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        return node.value if isinstance(node, ox.Literal) else ""


def _vocabulary_label(iri: str) -> str | None:
    from vocab.vocabularies import VOCABULARY_NAMES, label

    return next((found for name in VOCABULARY_NAMES if (found := label(name, iri))), None)


@dataclass
class DatasetView:
    iri: str
    title: str
    description: str
    keywords: list[str] = field(default_factory=list)
    facts: list[tuple[str, str, str | None]] = field(default_factory=list)  # label, value, link
    distributions: list[dict] = field(default_factory=list)
    tables: list[dict] = field(default_factory=list)


FACTS = (
    ("Identifier", DCTERMS.identifier), ("Access rights", DCTERMS.accessRights),
    ("Publisher", DCTERMS.publisher), ("Health data access body", HEALTHDCATAP.hdab),
    ("Theme", DCAT.theme), ("Health category", HEALTHDCATAP.healthCategory),
    ("Health theme", HEALTHDCATAP.healthTheme), ("Spatial coverage", DCTERMS.spatial),
    ("Number of records", HEALTHDCATAP.numberOfRecords),
    ("Unique individuals", HEALTHDCATAP.numberOfUniqueIndividuals),
    ("Population coverage", HEALTHDCATAP.populationCoverage), ("Issued", DCTERMS.issued),
    ("Modified", DCTERMS.modified), ("Update frequency", DCTERMS.accrualPeriodicity),
    ("Language", DCTERMS.language), ("Version", DCAT.version), ("Landing page", DCAT.landingPage),
)


def dataset_view(triples: list[ox.Triple], dataset_iri: str) -> DatasetView:
    d = Description(triples)
    ds = ox.NamedNode(dataset_iri)
    view = DatasetView(dataset_iri, d.text(ds, DCTERMS.title) or dataset_iri, d.text(ds, DCTERMS.description))
    view.keywords = sorted(set(d.texts(ds, DCAT.keyword)))
    for label, predicate in FACTS:
        nodes = [n for n in d.objects(ds, predicate) if not isinstance(n, ox.Literal)]
        for node in nodes:
            view.facts.append((label, d.label(node), node.value if isinstance(node, ox.NamedNode) else None))
        text = d.text(ds, predicate)
        if text:
            view.facts.append((label, _readable_number(text), None))
    for temporal in d.objects(ds, DCTERMS.temporal):
        start, end = d.text(temporal, DCAT.startDate), d.text(temporal, DCAT.endDate)
        view.facts.append(("Temporal coverage", f"{start or '…'} – {end or '…'}", None))
    for contact in d.objects(ds, DCAT.contactPoint):
        emails = [o.value for o in d.objects(contact, VCARD.hasEmail)]
        name = d.text(contact, VCARD.fn) or d.text(contact, VCARD["organization-name"]) or (emails[0] if emails else "")
        view.facts.append(("Contact", name.removeprefix("mailto:") or "contact", emails[0] if emails else None))
    view.distributions = [_distribution(d, node) for node in d.objects(ds, DCAT.distribution)]
    view.tables = _tables(d, ds)
    return view


def _readable_number(text: str) -> str:
    return f"{int(text):,}".replace(",", "\u202f") if text.isdigit() and len(text) > 4 else text


def _distribution(d: Description, node) -> dict:
    access = [o.value for o in d.objects(node, DCAT.accessURL)]
    download = [o.value for o in d.objects(node, DCAT.downloadURL)]
    formats = [d.label(o) for o in d.objects(node, DCTERMS.format)]
    return {"title": d.text(node, DCTERMS.title) or "Distribution", "description": d.text(node, DCTERMS.description),
            "access_url": access[0] if access else None, "download_url": download[0] if download else None,
            "format": ", ".join(formats), "licence": ", ".join(d.label(o) for o in d.objects(node, DCTERMS.license))}


def _tables(d: Description, dataset) -> list[dict]:
    """CSVW tables reachable from the dataset (directly or through its distributions)."""
    tables = []
    for subject, triples in d.by_subject.items():
        if not any(t.predicate.value == str(CSVW.tableSchema) for t in triples):
            continue
        columns = []
        for schema in d.objects(subject, CSVW.tableSchema):
            for column in d.objects(schema, CSVW.column):
                columns.append({"name": d.text(column, CSVW.name), "title": d.text(column, CSVW.title),
                                "datatype": d.label(next(iter(d.objects(column, CSVW.datatype)), ox.Literal(""))),
                                "description": d.text(column, DCTERMS.description)})
        tables.append({"name": d.text(subject, CSVW.name) or d.text(subject, DCTERMS.title) or d.label(subject),
                       "description": d.text(subject, DCTERMS.description), "columns": columns})
    return tables


def schema_org(view: DatasetView, catalog_iri: str, landing: str) -> dict:
    """schema.org/Dataset for search engines (Google Dataset Search reads this)."""
    facts = {label: value for label, value, _ in view.facts}
    data = {
        "@context": "https://schema.org/", "@type": "Dataset", "@id": view.iri, "url": landing,
        "name": view.title, "description": view.description or view.title, "keywords": view.keywords,
        "includedInDataCatalog": {"@type": "DataCatalog", "@id": catalog_iri},
        "isAccessibleForFree": facts.get("Access rights", "").upper() == "PUBLIC",
    }
    if "Publisher" in facts:
        data["publisher"] = {"@type": "Organization", "name": facts["Publisher"]}
    if "Identifier" in facts:
        data["identifier"] = facts["Identifier"]
    data["distribution"] = [
        {"@type": "DataDownload", "name": dist["title"], "contentUrl": dist["download_url"] or dist["access_url"],
         "encodingFormat": dist["format"] or None}
        for dist in view.distributions if dist["download_url"] or dist["access_url"]
    ]
    return data

