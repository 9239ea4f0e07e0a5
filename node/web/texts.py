"""Validation and score texts in the reader's language.

The shapes' sh:message texts are English (the CLI prints them as they are); their French lives in a
gettext catalogue of its own, `shapes` (translations/fr/LC_MESSAGES/shapes.po), keyed by the English text
(the validation profiles' descriptions too). A message with no French yet — a shape we do not own, or one not translated — is shown in English and
marked (lang="en" and a visible "(en)"), always the same way. The score's indicator names and hints are
lazy gettext strings in node.web.labels, keyed by the indicator's key.
"""

from __future__ import annotations

from node.quality.model import MET, MISSING
from node.quality.mqa import NON_PUBLIC_SUBSTITUTES
from node.validation.language import shape_text
from node.web.i18n import DEFAULT_LANGUAGE, current_language
from node.web.labels import HEALTH_HINTS, HEALTH_LABELS, INDICATOR_HINTS, INDICATOR_LABELS, QUALITY_PHRASES


def shape_message(message: str, language: str | None = None) -> tuple[str, str]:
    """(text, language of the text): the French of a shape's message when there is one, else the English."""
    return shape_text(message, language or current_language())


def profile_description(profile) -> str:
    """A validation profile's description in the page's language (same catalogue as the shapes' messages)."""
    return shape_message(profile.description)[0]


def indicator_texts(indicator) -> tuple[str, str, str]:
    """(name, why, language of why) of a score indicator for the page: the English reason carries the
    measured details; another language gives the name and, when points are lost, what to do."""
    language = current_language()
    if language == DEFAULT_LANGUAGE:
        return indicator.label, indicator.reason, language
    substitute = NON_PUBLIC_SUBSTITUTES.get(indicator.key)
    key = f"{indicator.key}:not_public" if substitute and indicator.label == substitute[0] else indicator.key
    name = str(INDICATOR_LABELS.get(key, indicator.label))
    if indicator.status == MET:
        return name, str(QUALITY_PHRASES["met"]), language
    hint = INDICATOR_HINTS.get(key)
    if hint is None:
        return name, indicator.reason, DEFAULT_LANGUAGE
    lead = QUALITY_PHRASES["missing" if indicator.status == MISSING else "not_checked"]
    return name, f"{lead} : {hint}", language


def health_texts(check) -> tuple[str, str, str]:
    """(name, why, language of why) of a HealthDCAT-AP essential."""
    language = current_language()
    if language == DEFAULT_LANGUAGE or check.key not in HEALTH_LABELS:
        return check.label, check.reason, DEFAULT_LANGUAGE
    name = str(HEALTH_LABELS[check.key])
    if check.present:
        return name, check.reason, language  # the record's own value(s)
    prefix = "present but not valid: "
    if check.reason.startswith(prefix):
        text, text_language = shape_message(check.reason[len(prefix):], language)
        return name, f"{QUALITY_PHRASES['invalid']} : {text}", text_language
    return name, f"{QUALITY_PHRASES['missing']} : {HEALTH_HINTS[check.key]}", language

