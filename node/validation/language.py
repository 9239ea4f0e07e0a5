"""Validation texts in the reader's language: the portal's pages and `ehds-node validate --lang fr`.

Two gettext catalogues under node/web/translations/<locale>/LC_MESSAGES/ (data files: nothing of
node.web is imported): `shapes`, each shape's sh:message keyed by its English text (tools/shapes_po.py
keeps it complete), and `validation`, the text report's own words (node/validation/output.py, extracted
with pybabel). English is the msgids themselves, so the default output never changes.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel.support import NullTranslations, Translations

LANGUAGES = ("en", "fr")
ENGLISH = "en"
TRANSLATIONS = Path(__file__).resolve().parents[1] / "web" / "translations"


@lru_cache(maxsize=8)
def catalogue(language: str, domain: str) -> NullTranslations:
    if language == ENGLISH:
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS), [language], domain=domain)


def shape_text(message: str, language: str) -> tuple[str, str]:
    """(text, its language): a shape message's translation when there is one, else the English."""
    if language == ENGLISH or not message:
        return message, ENGLISH
    translated = catalogue(language, "shapes").gettext(message)
    return (translated, language) if translated != message else (message, ENGLISH)
