"""Controlled-vocabulary lookups for the score: file types, media types, licences, access rights.

Vocabulary membership comes from `vocab.vocabularies.concept_iris(name)` (the same offline subsets
validation uses); the MQA lists of machine-readable and non-proprietary formats come from
`vocab/format-properties.ttl`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

from rdflib import Graph, Literal

from node.errors import ConfigError
from vocab.namespaces import EHDS

FORMAT_PROPERTIES_FILE = Path(__file__).resolve().parents[2] / "vocab" / "format-properties.ttl"
IANA_MEDIA_TYPES = ("http://www.iana.org/assignments/media-types/", "https://www.iana.org/assignments/media-types/")
# RFC 6838 top-level types and restricted-name subtypes.
_TOP_LEVEL_TYPES = ("application", "audio", "example", "font", "haptics", "image", "message", "model",
                    "multipart", "text", "video")
_MEDIA_TYPE = re.compile(r"^([a-z]+)/([a-z0-9][a-z0-9!#$&^_.+-]{0,126})$")

ConceptLookup = Callable[[str], Iterable[str]]


def media_type_essence(value: str) -> str | None:
    """'text/csv' for 'http://www.iana.org/assignments/media-types/text/csv' or 'text/csv; charset=utf-8';
    None when the value is not a registered-looking media type."""
    text = value.strip()
    for prefix in IANA_MEDIA_TYPES:
        if text.startswith(prefix):
            text = text[len(prefix):]
            break
    essence = text.split(";")[0].strip().lower()
    match = _MEDIA_TYPE.match(essence)
    if not match or match.group(1) not in _TOP_LEVEL_TYPES:
        return None
    return essence


@dataclass(frozen=True)
class FormatProperties:
    machine_readable: frozenset[str]
    non_proprietary: frozenset[str]
    file_type_by_media_type: dict[str, str]

    def file_types(self, formats: Iterable[str], media_types: Iterable[str]) -> set[str]:
        """The file-type IRIs a distribution states, directly or through its media type."""
        found = set(formats)
        for media_type in media_types:
            essence = media_type_essence(media_type)
            if essence in self.file_type_by_media_type:
                found.add(self.file_type_by_media_type[essence])
        return found


@lru_cache(maxsize=4)
def load_format_properties(path: Path = FORMAT_PROPERTIES_FILE) -> FormatProperties:
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except (OSError, SyntaxError, ValueError) as err:
        raise ConfigError(f"cannot read the format lists {path}: {err}") from None
    true = Literal(True)
    by_media_type = {str(media): str(file_type)
                     for file_type, media in graph.subject_objects(EHDS.ianaMediaType)}
    return FormatProperties(
        machine_readable=frozenset(str(s) for s in graph.subjects(EHDS.machineReadable, true)),
        non_proprietary=frozenset(str(s) for s in graph.subjects(EHDS.nonProprietary, true)),
        file_type_by_media_type=by_media_type,
    )


@dataclass(frozen=True)
class Vocabularies:
    """Everything the "from vocabulary" indicators compare values with."""

    file_types: frozenset[str]
    licences: frozenset[str]
    access_rights: frozenset[str]
    formats: FormatProperties

    @classmethod
    def load(cls, concept_iris: ConceptLookup | None = None) -> "Vocabularies":
        lookup = concept_iris or _default_concept_iris()
        return cls(
            file_types=frozenset(str(i) for i in lookup("file-type")),
            licences=frozenset(str(i) for i in lookup("licence")),
            access_rights=frozenset(str(i) for i in lookup("access-right")),
            formats=load_format_properties(),
        )

    def format_or_media_type_outside(self, formats: Iterable[str], media_types: Iterable[str]) -> list[str]:
        """The stated formats and media types that are not from their vocabulary."""
        outside = [f for f in formats if f not in self.file_types]
        outside += [m for m in media_types if media_type_essence(m) is None]
        return outside


def _default_concept_iris() -> ConceptLookup:
    try:
        from vocab.vocabularies import concept_iris
    except ModuleNotFoundError as err:
        if err.name != "vocab.vocabularies":
            raise
        raise ConfigError("the controlled vocabularies (vocab/vocabularies.py) are not installed; "
                          "the quality score needs them to check values against EU vocabularies") from None
    return concept_iris
