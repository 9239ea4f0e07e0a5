"""What a person sees of a dataset: plain values read from its triples for the HTML templates,
and the schema.org Dataset description embedded for search engines.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from vocab.namespaces import CSVW, DCAT, DCTERMS, FOAF, HEALTHDCATAP, SKOS, VCARD

PREFERRED_LANGUAGES = ("en", "fr", "")


class Text(str):
    """A value read from a record, with the language it is written in ('' when untagged), so that a
    page can mark it (lang="fr") when it differs from the page's language."""

    lang: str = ""

    @classmethod
    def of(cls, value: str, lang: str | None) -> "Text":
        text = cls(value)
        text.lang = (lang or "").lower()
        return text


def preferred_languages(reader: str) -> tuple[str, ...]:
    """The reader's language first, then untagged values, then the other portal languages."""
    return (reader, "", *(lang for lang in PREFERRED_LANGUAGES if lang and lang != reader))


class Description:
    """Index of a record's triples by subject, with helpers to read values in a preferred language."""

    def __init__(self, triples: list[ox.Triple], language: str = "en"):
        self.languages = preferred_languages(language)
        self.by_subject: dict[object, list[ox.Triple]] = {}
        for t in triples:
            self.by_subject.setdefault(t.subject, []).append(t)

    def objects(self, subject, predicate) -> list:
        iri = str(predicate)
        return [t.object for t in self.by_subject.get(subject, ()) if t.predicate.value == iri]

    def text(self, subject, predicate, languages=None) -> Text:
        """The value in the first preferred language that has one, else in whatever language it has."""
        literals = [o for o in self.objects(subject, predicate) if isinstance(o, ox.Literal)]
        for lang in languages or self.languages:
            for literal in literals:
                if (literal.language or "").lower().split("-")[0] == lang:
                    return Text.of(literal.value, literal.language)
        return Text.of(literals[0].value, literals[0].language) if literals else Text("")

    def texts(self, subject, predicate) -> list[str]:
        return [o.value for o in self.objects(subject, predicate) if isinstance(o, ox.Literal)]

    def label(self, node) -> Text:
        """A readable name for a node: its label or name if described (in the reader's language when it
        has one), else the vocabulary's label, else the IRI's last segment."""
        for predicate in (SKOS.prefLabel, FOAF.name, DCTERMS.title, VCARD.fn):
            value = self.text(node, predicate)
            if value:
                return value
        if isinstance(node, ox.NamedNode):
            return _vocabulary_label(node.value, self.languages[0]) or Text(
                node.value.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1])
        return Text.of(node.value, node.language) if isinstance(node, ox.Literal) else Text("")


def _vocabulary_label(iri: str, language: str) -> Text | None:
    from vocab.vocabularies import VOCABULARY_NAMES, vocabulary

    for name in VOCABULARY_NAMES:
        labels = vocabulary(name).labels.get(iri)
        if labels:
            lang = language if language in labels else ("" if "" in labels else next(iter(labels)))
            return Text.of(labels[lang], lang)
    return None


@dataclass
class DatasetView:
    iri: str
    title: str
    description: str
    keywords: list[str] = field(default_factory=list)
    facts: list[tuple[str, str, str | None]] = field(default_factory=list)  # key (FACT_LABELS), value, link
    distributions: list[dict] = field(default_factory=list)
    tables: list[dict] = field(default_factory=list)


FACTS = (
    ("identifier", DCTERMS.identifier), ("access_rights", DCTERMS.accessRights),
    ("publisher", DCTERMS.publisher), ("hdab", HEALTHDCATAP.hdab), ("creator", DCTERMS.creator),
    ("theme", DCAT.theme), ("health_category", HEALTHDCATAP.healthCategory),
    ("health_theme", HEALTHDCATAP.healthTheme), ("spatial", DCTERMS.spatial),
    ("records", HEALTHDCATAP.numberOfRecords),
    ("individuals", HEALTHDCATAP.numberOfUniqueIndividuals),
    ("population", HEALTHDCATAP.populationCoverage), ("issued", DCTERMS.issued),
    ("modified", DCTERMS.modified), ("frequency", DCTERMS.accrualPeriodicity),
    ("language", DCTERMS.language), ("version", DCAT.version), ("landing_page", DCAT.landingPage),
)
DATES = frozenset({"issued", "modified"})  # shown in the reader's date format


def dataset_view(triples: list[ox.Triple], dataset_iri: str, language: str = "en") -> DatasetView:
    d = Description(triples, language)
    ds = ox.NamedNode(dataset_iri)
    view = DatasetView(dataset_iri, d.text(ds, DCTERMS.title) or Text(dataset_iri), d.text(ds, DCTERMS.description))
    view.keywords = sorted(set(d.texts(ds, DCAT.keyword)))
    for key, predicate in FACTS:
        nodes = [n for n in d.objects(ds, predicate) if not isinstance(n, ox.Literal)]
        for node in nodes:
            view.facts.append((key, d.label(node), node.value if isinstance(node, ox.NamedNode) else None))
        text = d.text(ds, predicate)
        if text:
            view.facts.append((key, text if key in DATES else _readable_number(text), None))
    for temporal in d.objects(ds, DCTERMS.temporal):
        start, end = d.text(temporal, DCAT.startDate), d.text(temporal, DCAT.endDate)
        view.facts.append(("temporal", f"{start or '…'} – {end or '…'}", None))
    for contact in d.objects(ds, DCAT.contactPoint):
        emails = [o.value for o in d.objects(contact, VCARD.hasEmail)]
        name = d.text(contact, VCARD.fn) or d.text(contact, VCARD["organization-name"]) or (emails[0] if emails else "")
        view.facts.append(("contact", name.removeprefix("mailto:") or "contact", emails[0] if emails else None))
    view.distributions = [_distribution(d, node) for node in d.objects(ds, DCAT.distribution)]
    view.tables = _tables(d, ds)
    return view


def _readable_number(text: str) -> str:
    return f"{int(text):,}".replace(",", "\u202f") if text.isdigit() and len(text) > 4 else text


def _distribution(d: Description, node) -> dict:
    access = [o.value for o in d.objects(node, DCAT.accessURL)]
    download = [o.value for o in d.objects(node, DCAT.downloadURL)]
    formats = [d.label(o) for o in d.objects(node, DCTERMS.format)]
    return {"iri": node.value if isinstance(node, ox.NamedNode) else None,
            "title": d.text(node, DCTERMS.title), "description": d.text(node, DCTERMS.description),
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
    facts = {key: value for key, value, _ in reversed(view.facts)}  # the first value of each
    data = {
        "@context": "https://schema.org/", "@type": "Dataset", "@id": view.iri, "url": landing,
        "name": view.title, "description": view.description or view.title, "keywords": view.keywords,
        "includedInDataCatalog": {"@type": "DataCatalog", "@id": catalog_iri},
        "isAccessibleForFree": facts.get("access_rights", "").upper() == "PUBLIC",
    }
    if "publisher" in facts:
        data["publisher"] = {"@type": "Organization", "name": str(facts["publisher"])}
    if "identifier" in facts:
        data["identifier"] = str(facts["identifier"])
    data["distribution"] = [
        {"@type": "DataDownload", "name": str(dist["title"]) or "Distribution", "contentUrl": dist["download_url"] or dist["access_url"],
         "encodingFormat": dist["format"] or None}
        for dist in view.distributions if dist["download_url"] or dist["access_url"]
    ]
    return data

