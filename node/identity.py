"""The node's own identity: the `[catalog]` table of the configuration and the dcat:Catalog built from it.

Every value is checked by a parser (IRIs by urllib and Oxigraph, language tags by Oxigraph, e-mail
addresses by the e-mail package), and a bad one stops the node with a message naming the setting.
Short codes are accepted for the EU controlled vocabularies (`languages = ["ENG"]`, `spatial = ["FRA"]`,
`licence = "CC_BY_4_0"`); anything else must be an absolute http(s) IRI.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.errors import HeaderParseError
from email.headerregistry import Address
from typing import Any
from urllib.parse import urlsplit

import pyoxigraph as ox

from node.errors import ConfigError
from vocab.namespaces import DCAT, DCATAP, DCTERMS, ELI, FOAF, RDF, SKOS

_AUTHORITY = "http://publications.europa.eu/resource/authority/"
_VCARD = "http://www.w3.org/2006/vcard/ns#"
_PUBLISHER_TYPES = "http://purl.org/adms/publishertype/"
_DATA_THEMES = _AUTHORITY + "data-theme"
_CV = "http://data.europa.eu/m8g/"
EHDS_REGULATION = "http://data.europa.eu/eli/reg/2025/327/oj"  # Regulation (EU) 2025/327, the EHDS
_KEYS = ("title", "description", "publisher", "homepage", "languages", "spatial", "licence", "themes", "legislation")
_PUBLISHER_KEYS = ("name", "url", "type", "email")


@dataclass(frozen=True)
class Publisher:
    name: str
    url: str | None = None      # the publisher's home page
    type: str | None = None     # an ADMS publisher type IRI
    email: str | None = None


@dataclass(frozen=True)
class CatalogIdentity:
    """What the node says about its own catalogue (the `[catalog]` table)."""

    title: tuple[tuple[str, str], ...]          # (language tag, text)
    description: tuple[tuple[str, str], ...]
    publisher: Publisher
    homepage: str | None = None
    languages: tuple[str, ...] = ()             # IRIs of the EU language authority
    spatial: tuple[str, ...] = ()               # IRIs of places (EU country authority by default)
    licence: str | None = None                  # licence of the metadata
    themes: tuple[str, ...] = (_DATA_THEMES,)   # theme taxonomies (skos:ConceptScheme) the records use
    legislation: tuple[str, ...] = (EHDS_REGULATION,)  # dcatap:applicableLegislation (HealthDCAT-AP requires one)


def identity_from_table(table: Any, origin: str) -> CatalogIdentity:
    """Read and check a `[catalog]` table; `origin` says where it came from for error messages."""
    where = f"[catalog] in {origin}"
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: must be a table")
    unknown = sorted(set(table) - set(_KEYS))
    if unknown:
        raise ConfigError(f"{where}: unknown keys {', '.join(unknown)} (known: {', '.join(_KEYS)})")
    for required in ("title", "description", "publisher"):
        if required not in table:
            raise ConfigError(f"{where}: catalog.{required} is required")
    return CatalogIdentity(
        title=_texts(table["title"], "catalog.title", where),
        description=_texts(table["description"], "catalog.description", where),
        publisher=_publisher(table["publisher"], where),
        homepage=_optional_iri(table.get("homepage"), "catalog.homepage", where),
        languages=_iri_list(table.get("languages", []), "catalog.languages", where, _AUTHORITY + "language/", 3),
        spatial=_iri_list(table.get("spatial", []), "catalog.spatial", where, _AUTHORITY + "country/", 3),
        licence=_optional_iri(table.get("licence"), "catalog.licence", where, _AUTHORITY + "licence/"),
        themes=_iri_list(table.get("themes", [_DATA_THEMES]), "catalog.themes", where),
        legislation=_iri_list(table.get("legislation", [EHDS_REGULATION]), "catalog.legislation", where),
    )


def _texts(value: Any, name: str, where: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict) or not value:
        raise ConfigError(f'{where}: {name} must be a table of texts by language tag, e.g. {{ en = "…" }}')
    texts = []
    for tag, text in value.items():
        if not isinstance(text, str) or not text.strip():
            raise ConfigError(f"{where}: {name}.{tag} must be a non-empty string")
        try:
            literal = ox.Literal(text.strip(), language=tag)
        except ValueError as err:
            raise ConfigError(f"{where}: {name}: '{tag}' is not a language tag ({err})") from None
        texts.append((literal.language, literal.value))
    return tuple(texts)


def _publisher(value: Any, where: str) -> Publisher:
    if not isinstance(value, dict):
        raise ConfigError(f'{where}: catalog.publisher must be a table, e.g. {{ name = "…", email = "…" }}')
    unknown = sorted(set(value) - set(_PUBLISHER_KEYS))
    if unknown:
        raise ConfigError(f"{where}: catalog.publisher: unknown keys {', '.join(unknown)}")
    name = value.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{where}: catalog.publisher.name is required (a non-empty string)")
    return Publisher(
        name=name.strip(),
        url=_optional_iri(value.get("url"), "catalog.publisher.url", where),
        type=_optional_iri(value.get("type"), "catalog.publisher.type", where, _PUBLISHER_TYPES),
        email=_email(value.get("email"), where),
    )


def _email(value: Any, where: str) -> str | None:
    if value is None:
        return None
    try:
        if not isinstance(value, str):
            raise ValueError
        address = Address(addr_spec=value.strip())
        if not address.username or "." not in address.domain:
            raise ValueError
    except (ValueError, HeaderParseError, IndexError):
        raise ConfigError(f"{where}: catalog.publisher.email: {value!r} is not an e-mail address") from None
    return address.addr_spec


def _iri_list(value: Any, name: str, where: str, code_base: str | None = None,
              letters: int | None = None) -> tuple[str, ...]:
    """A list of IRIs or codes; `letters`: the vocabulary's codes are that many letters (ENG, BEL)."""
    if isinstance(value, str) or not isinstance(value, list):
        raise ConfigError(f'{where}: {name} must be a list, e.g. ["…"]')
    items = []
    for item in value:
        if letters and isinstance(item, str) and "/" not in item:
            if not (len(item) == letters and item.isascii() and item.isalpha()):
                raise ConfigError(f"{where}: {name}: {item!r} is not a {letters}-letter EU code (e.g. "
                                  f"{'ENG' if 'language' in code_base else 'BEL'}) nor an http(s) IRI")
            item = item.upper()
        items.append(_iri(item, name, where, code_base))
    return tuple(items)


def _optional_iri(value: Any, name: str, where: str, code_base: str | None = None) -> str | None:
    return None if value is None else _iri(value, name, where, code_base)


def _iri(value: Any, name: str, where: str, code_base: str | None = None) -> str:
    """An absolute http(s) IRI, or (where a vocabulary is known) a short code of that vocabulary."""
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: {name}: expected a string, got {value!r}")
    value = value.strip()
    if code_base and value.replace("_", "").replace("-", "").isalnum() and value.isascii():
        return code_base + value
    parts = urlsplit(value)
    try:
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError
        ox.NamedNode(value)
    except ValueError:
        hint = " or a code of its EU vocabulary" if code_base else ""
        raise ConfigError(f"{where}: {name}: {value!r} is not an absolute http(s) IRI{hint}") from None
    return value


def catalog_description(identity: CatalogIdentity, catalog_iri: str, base_url: str) -> list[ox.Triple]:
    """The dcat:Catalog's own description (no dataset links: the records carry those)."""
    catalog = ox.NamedNode(catalog_iri)
    agent = ox.NamedNode(base_url + "agents/catalogue-publisher")
    triples = [_t(catalog, RDF.type, _n(DCAT.Catalog)), _t(catalog, DCTERMS.publisher, agent)]
    triples += [_t(catalog, DCTERMS.title, ox.Literal(text, language=tag)) for tag, text in identity.title]
    triples += [_t(catalog, DCTERMS.description, ox.Literal(text, language=tag))
                for tag, text in identity.description]
    links = ((DCTERMS.language, identity.languages, DCTERMS.LinguisticSystem),
             (DCTERMS.spatial, identity.spatial, DCTERMS.Location),
             (DCTERMS.license, (identity.licence,) if identity.licence else (), DCTERMS.LicenseDocument),
             (FOAF.homepage, (identity.homepage,) if identity.homepage else (), FOAF.Document),
             (DCAT.themeTaxonomy, identity.themes, SKOS.ConceptScheme),
             (DCATAP.applicableLegislation, identity.legislation, ELI.LegalResource))
    for predicate, iris, klass in links:
        for iri in iris:  # typed here so that the class-range shapes can be checked offline
            triples += [_t(catalog, predicate, _n(iri)), _t(_n(iri), RDF.type, _n(klass))]
    for scheme in identity.themes:  # DCAT-AP: a concept scheme has a title
        triples.append(_t(_n(scheme), DCTERMS.title, ox.Literal(_code_label(scheme), language="en")))
    return triples + _agent_triples(identity.publisher, agent)


def _code_label(iri: str) -> str:
    """A label from an IRI's last segment ("data-theme" -> "Data theme"), for terms we only name."""
    code = iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return code.replace("-", " ").capitalize() if code.islower() else code


def _agent_triples(publisher: Publisher, agent: ox.NamedNode) -> list[ox.Triple]:
    triples = [_t(agent, RDF.type, _n(FOAF.Agent)), _t(agent, FOAF.name, ox.Literal(publisher.name))]
    if publisher.url:
        triples.append(_t(agent, FOAF.homepage, _n(publisher.url)))
    if publisher.type:
        concept = _n(publisher.type)  # labelled by its code, as a concept of the shapes needs a label
        label = ox.Literal(_code_label(publisher.type), language="en")
        triples += [_t(agent, DCTERMS.type, concept), _t(concept, RDF.type, _n(SKOS.Concept)),
                    _t(concept, SKOS.prefLabel, label)]
    if publisher.email:
        contact = ox.NamedNode(agent.value + "/contact-point")
        triples += [_t(agent, _n(_CV + "contactPoint"), contact),  # a vcard:Kind (DCAT-AP), a cv:ContactPoint (R8)
                    _t(contact, RDF.type, _n(_VCARD + "Kind")), _t(contact, RDF.type, _n(_CV + "ContactPoint")),
                    _t(contact, _n(_VCARD + "hasEmail"), _n("mailto:" + publisher.email)),
                    _t(contact, _n(_CV + "email"), ox.Literal(publisher.email))]
    return triples


def _n(iri) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


def _t(subject, predicate, obj) -> ox.Triple:
    return ox.Triple(subject, predicate if isinstance(predicate, ox.NamedNode) else _n(predicate), obj)
