"""The controlled-vocabulary subsets shipped in vocab/*.ttl, for offline "value from the vocabulary" checks.

Each file is one skos:ConceptScheme (see its header for where the codes come from). The files are
also the background graph validation loads, so their concepts carry the DCAT-AP range classes
(dct:RightsStatement, dct:LinguisticSystem, ...) the way the EU validator's vocabularies do.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import pyoxigraph as ox

from node.errors import ConfigError

_SKOS = "http://www.w3.org/2004/02/skos/core#"
_IN_SCHEME = ox.NamedNode(_SKOS + "inScheme")
_PREF_LABEL = ox.NamedNode(_SKOS + "prefLabel")
_COMPLETE = ox.NamedNode("https://w3id.org/ehds-node/ns#completeList")

CLASS_HIERARCHY = "class-hierarchy.ttl"  # FOAF, vCard, ORG, PROV subclass axioms the official validators import
VOCABULARY_NAMES: tuple[str, ...] = (
    "access-right", "coding-system", "country", "data-theme", "dataset-type", "distribution-status",
    "file-type", "frequency", "health-category", "health-theme", "language", "legislation", "licence",
    "media-type", "planned-availability", "publisher-type",
)


@dataclass(frozen=True)
class Vocabulary:
    name: str
    scheme: str
    complete: bool  # False: a subset, so "not listed" is a warning, not proof of a wrong value
    labels: dict[str, dict[str, str]]  # concept IRI -> {language: label}

    @property
    def iris(self) -> frozenset[str]:
        return frozenset(self.labels)


def vocabulary_text(name: str) -> str:
    """The Turtle source of one vocabulary file."""
    if name not in VOCABULARY_NAMES:
        raise ConfigError(f"unknown vocabulary '{name}'; known: {', '.join(VOCABULARY_NAMES)}")
    return resources.files("vocab").joinpath(f"{name}.ttl").read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def vocabulary(name: str) -> Vocabulary:
    triples = [q.triple for q in ox.parse(vocabulary_text(name).encode(), format=ox.RdfFormat.TURTLE)]
    scheme = next(t.object.value for t in triples if t.predicate == _IN_SCHEME)
    complete = any(t.predicate == _COMPLETE and t.object.value == "true" for t in triples)
    labels: dict[str, dict[str, str]] = {}
    for t in triples:
        if t.predicate == _IN_SCHEME:
            labels.setdefault(t.subject.value, {})
    for t in triples:
        if t.predicate == _PREF_LABEL and t.subject.value in labels:
            labels[t.subject.value][t.object.language or ""] = t.object.value
    return Vocabulary(name=name, scheme=scheme, complete=complete, labels=labels)


def concept_iris(name: str) -> frozenset[str]:
    """IRIs of the concepts listed in vocab/<name>.ttl, e.g. concept_iris("file-type")."""
    return vocabulary(name).iris


def label(name: str, iri: str, lang: str = "en") -> str | None:
    """The concept's preferred label in `lang` (else any label), or None when not listed."""
    labels = vocabulary(name).labels.get(iri)
    if not labels:
        return None
    return labels.get(lang) or labels.get("") or next(iter(labels.values()))


@lru_cache(maxsize=1)
@lru_cache(maxsize=1)
def class_hierarchy_subjects() -> tuple[str, ...]:
    text = resources.files("vocab").joinpath(CLASS_HIERARCHY).read_text(encoding="utf-8")
    return tuple(dict.fromkeys(q.subject.value for q in ox.parse(text.encode(), format=ox.RdfFormat.TURTLE)))


def background_ntriples() -> str:
    """All vocabulary files as one N-Triples document: the background graph validation adds."""
    triples = []
    for name in VOCABULARY_NAMES:
        triples.extend(q.triple for q in ox.parse(vocabulary_text(name).encode(), format=ox.RdfFormat.TURTLE))
    hierarchy = resources.files("vocab").joinpath(CLASS_HIERARCHY).read_text(encoding="utf-8")
    triples.extend(q.triple for q in ox.parse(hierarchy.encode(), format=ox.RdfFormat.TURTLE))
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
