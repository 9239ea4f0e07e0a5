"""The node's own identity: the `[catalog]` table of the configuration, as a DCAT-AP catalogue description.

Any national node describes itself here (title and description per language, publisher, languages,
coverage, licence, themes); the bundled HDH description is used only when no `[catalog]` is given.
Codes are the EU authority tables' (`FRA`, `ENG`, `HEAL`, `CC_BY_4_0`); full IRIs are accepted too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from node.errors import ConfigError
from vocab.namespaces import CV, DCAT, DCATAP, DCTERMS, FOAF, RDF

_AUTHORITY = "http://publications.europa.eu/resource/authority/"
_EHDS_REGULATION = "http://data.europa.eu/eli/reg/2025/327/oj"
_PUBLISHER_KEYS = {"name", "url", "type", "email"}
_KEYS = {"title", "description", "publisher", "homepage", "languages", "spatial", "licence", "themes"}


@dataclass(frozen=True)
class CatalogConfig:
    title: tuple[tuple[str, str], ...]          # (language tag, text)
    description: tuple[tuple[str, str], ...]
    publisher_name: str
    publisher_email: str
    publisher_url: str | None = None
    publisher_type: str | None = None           # an IRI (publisher-type authority table)
    homepage: str | None = None
    languages: tuple[str, ...] = ()             # IRIs
    spatial: tuple[str, ...] = ()
    licence: str | None = None
    themes: tuple[str, ...] = field(default=())


def read_catalog_table(table: Any, origin: str) -> CatalogConfig:
    """The `[catalog]` table, checked: every message names the setting (catalog.<key>) and its origin."""
    if not isinstance(table, dict):
        raise ConfigError(f"[catalog] must be a table ({origin})")
    unknown = set(table) - _KEYS
    if unknown:
        raise ConfigError(f"unknown setting 'catalog.{sorted(unknown)[0]}' ({origin}); known: {', '.join(sorted(_KEYS))}")
    for required in ("title", "description", "publisher"):
        if required not in table:
            raise ConfigError(f"setting 'catalog.{required}' is missing ({origin}): DCAT-AP requires it")
    publisher = _publisher(table["publisher"], origin)
    return CatalogConfig(
        title=_texts(table["title"], "title", origin), description=_texts(table["description"], "description", origin),
        publisher_name=publisher["name"], publisher_email=publisher["email"], publisher_url=publisher.get("url"),
        publisher_type=_iri(publisher["type"], "publisher.type", origin,
                            "https://hdeu-dcat.data.health.europa.eu/resource/authority/publisher-type/")
        if "type" in publisher else None,
        homepage=_iri(table["homepage"], "homepage", origin) if "homepage" in table else None,
        languages=_iris(table.get("languages", ()), "languages", origin, _AUTHORITY + "language/"),
        spatial=_iris(table.get("spatial", ()), "spatial", origin, _AUTHORITY + "country/"),
        licence=_iri(table["licence"], "licence", origin, _AUTHORITY + "licence/") if "licence" in table else None,
        themes=_iris(table.get("themes", ()), "themes", origin, _AUTHORITY + "data-theme/"),
    )


def _texts(value: Any, key: str, origin: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict) or not value or not all(isinstance(v, str) and v.strip() for v in value.values()):
        raise ConfigError(f"setting 'catalog.{key}' ({origin}): give a table of texts by language tag, "
                          f'e.g. {key} = {{ en = "…", fr = "…" }}')
    for tag in value:
        if not re.fullmatch(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*", tag):
            raise ConfigError(f"setting 'catalog.{key}' ({origin}): '{tag}' is not a language tag")
    return tuple(sorted(value.items()))


def _publisher(value: Any, origin: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ConfigError(f"setting 'catalog.publisher' ({origin}): give a table, e.g. "
                          'publisher = { name = "…", email = "…", url = "…" }')
    unknown = set(value) - _PUBLISHER_KEYS
    if unknown:
        raise ConfigError(f"unknown setting 'catalog.publisher.{sorted(unknown)[0]}' ({origin})")
    for required in ("name", "email"):
        if not value.get(required, "").strip():
            raise ConfigError(f"setting 'catalog.publisher.{required}' is missing ({origin}): HealthDCAT-AP requires "
                              "the publisher's name and a contact email")
    if "@" not in value["email"]:
        raise ConfigError(f"setting 'catalog.publisher.email' ({origin}): '{value['email']}' is not an email address")
    if "url" in value:
        _iri(value["url"], "publisher.url", origin)
    return value


def _iris(values: Any, key: str, origin: str, authority: str) -> tuple[str, ...]:
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, (list, tuple)):
        raise ConfigError(f"setting 'catalog.{key}' ({origin}): give a list of codes or IRIs")
    return tuple(_iri(v, key, origin, authority) for v in values)


def _iri(value: Any, key: str, origin: str, authority: str | None = None) -> str:
    """A full IRI as Oxigraph's IRI parser reads it, or an authority table code."""
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"setting 'catalog.{key}' ({origin}): expected a code or an IRI, got {value!r}")
    text = value.strip()
    if authority and ":" not in text:
        text = authority + text.upper() if "publisher-type" not in authority else authority + text
    try:
        return ox.NamedNode(text).value
    except ValueError as err:
        raise ConfigError(f"setting 'catalog.{key}' ({origin}): {value!r} is not an IRI ({err})") from None


def catalogue_description(config: CatalogConfig, catalog_iri: str, base_url: str) -> list[ox.Triple]:
    """The dcat:Catalog with its publisher (an agent with one contact point, as HealthDCAT-AP asks)."""
    catalog, agent = ox.NamedNode(catalog_iri), ox.NamedNode(base_url + "agents/node-publisher")
    contact = ox.NamedNode(base_url + "agents/node-publisher#contact")
    triples = [_t(catalog, RDF.type, DCAT.Catalog), _t(catalog, DCTERMS.publisher, agent),
               _t(catalog, DCATAP.applicableLegislation, ox.NamedNode(_EHDS_REGULATION))]
    triples += [_t(catalog, DCTERMS.title, ox.Literal(text, language=tag)) for tag, text in config.title]
    triples += [_t(catalog, DCTERMS.description, ox.Literal(text, language=tag)) for tag, text in config.description]
    triples += [_t(catalog, DCTERMS.language, ox.NamedNode(iri)) for iri in config.languages]
    triples += [_t(catalog, DCTERMS.spatial, ox.NamedNode(iri)) for iri in config.spatial]
    if config.homepage:
        triples.append(_t(catalog, FOAF.homepage, ox.NamedNode(config.homepage)))
    if config.licence:
        triples.append(_t(catalog, DCTERMS.license, ox.NamedNode(config.licence)))
    if config.themes:
        triples.append(_t(catalog, DCAT.themeTaxonomy, ox.NamedNode(_AUTHORITY + "data-theme")))
    triples += [_t(agent, RDF.type, FOAF.Agent), _t(agent, FOAF.name, ox.Literal(config.publisher_name)),
                _t(agent, CV.contactPoint, contact), _t(contact, RDF.type, CV.ContactPoint),
                _t(contact, CV.email, ox.NamedNode("mailto:" + config.publisher_email))]
    if config.publisher_url:
        triples.append(_t(agent, FOAF.homepage, ox.NamedNode(config.publisher_url)))
    if config.publisher_type:
        triples.append(_t(agent, DCTERMS.type, ox.NamedNode(config.publisher_type)))
    return triples


def _t(subject, predicate, obj) -> ox.Triple:
    """A triple; vocabulary terms (rdflib namespaces) become Oxigraph named nodes."""
    def term(value):
        return value if isinstance(value, (ox.NamedNode, ox.BlankNode, ox.Literal)) else ox.NamedNode(str(value))

    return ox.Triple(term(subject), term(predicate), term(obj))
