"""Every validation message our shapes can give has French (issue 15: "French is complete, not partial"),
keeps the parts a steward copies (prefixed names, IRIs, placeholders), and reads correctly in English."""

import io
import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from rdflib import Graph
from rdflib.namespace import SH

from node.profiles import PROFILES
from node.web.texts import shape_message

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "node/web/translations/fr/LC_MESSAGES/shapes.po"
GOLDEN = sorted((ROOT / "tests/validation/golden").glob("*.ttl"))
BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"
# what a translation must carry over unchanged: IRIs, prefixed names, {fields}, %s
KEPT = re.compile(r"<[^>\s]*>|\b[a-zA-Z][\w-]*:[\w-]+|\{[^}]*\}|%[sd]")


def _shape_texts(predicate) -> list[str]:
    graph = Graph()
    for path in sorted((ROOT / "shapes").glob("*.ttl")):
        graph.parse(path)
    return sorted({str(text) for text in graph.objects(None, predicate)})


MESSAGES = _shape_texts(SH.message) + [p.description for p in PROFILES.values()]  # the profiles' descriptions too
NAMES = _shape_texts(SH.name)


def kept_parts(text: str) -> Counter:
    return Counter(KEPT.findall(text))


def test_every_shape_message_is_french_on_a_french_page():
    untranslated = [m for m in MESSAGES if shape_message(m, "fr")[1] != "fr"]
    assert len(MESSAGES) > 400 and not untranslated, (len(untranslated), untranslated[:3])


def test_no_french_entry_is_fuzzy_or_empty():
    entries = [e for e in read_po(PO.open("rb")) if e.id]
    assert not [e.id for e in entries if e.fuzzy or not e.string]
    assert {e.id for e in entries} == set(MESSAGES), "run: python tools/shapes_po.py sync"


def test_french_keeps_every_prefixed_name_and_iri():
    differ = [(m, shape_message(m, "fr")[0]) for m in MESSAGES if kept_parts(m) != kept_parts(shape_message(m, "fr")[0])]
    assert not differ, differ[:2]


def test_the_placeholder_check_can_fail():
    assert kept_parts("Add dct:title <http://e/x> {value}.") != kept_parts("Ajoutez dct:titre <http://e/x> {valeur}.")
    assert kept_parts("Add dct:title %s.") != kept_parts("Ajoutez dct:title.")


@pytest.mark.parametrize("english", [" must be ", "it is recommended", "it is mandatory", "keep a single value",
                                     " e.g. ", "Replace the ", " of member datasets", "@en"])
def test_no_english_left_in_the_french(english):
    left = [shape_message(m, "fr")[0] for m in MESSAGES if english in shape_message(m, "fr")[0]]
    assert not left, left[:2]


def _article_errors(text: str) -> list[str]:
    words = re.findall(r"\b(a|an) ([\w:-]+)", text)
    vowel_sound = re.compile(r"^(?:[aeio]|u(?!ni|se|sa)|IRI|HDAB|ODRL|xsd:|SPDX)", re.I)
    return [f"{article} {word}" for article, word in words
            if (article == "a") == bool(vowel_sound.match(word)) and not word.startswith(("URL", "one"))]


def _english_errors(text: str) -> list[str]:
    return [*_article_errors(text),
            *re.findall(r"\([^)]*\) \([^)]*\)", text),  # doubled parenthetical: "(organisation or person) (foaf:Agent)"
            *(m.group(0) for m in re.finditer(r"\b(\w+) \1\b", text)), *re.findall(r"\w+s's ", text)]


def test_english_shape_texts_read_correctly():
    wrong = {text: _english_errors(text) for text in MESSAGES + NAMES if _english_errors(text)}
    assert len(MESSAGES + NAMES) > 900 and not wrong, list(wrong.items())[:5]


def test_the_english_checks_can_fail():
    assert _article_errors("must be a agent") and _article_errors("must be an dataset")
    for wrong in ("must be a contact (vcard:Kind) (vcard:Kind)", "dataset dataset series", "The series's title"):
        assert _english_errors(wrong), wrong
    assert not _article_errors("must be an IRI, a URL or an xsd:date literal, a unique value")


@pytest.mark.parametrize("path", GOLDEN, ids=[p.stem for p in GOLDEN])
@pytest.mark.parametrize("profile", ["dcat-ap-3", "healthdcat-ap"])
def test_web_validator_reports_in_french_only(client, path, profile):
    response = client.post("/validate", data={"file": (io.BytesIO(path.read_bytes()), path.name), "profile": profile},
                           headers={"Accept": BROWSER, "Accept-Language": "fr"}, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Valider des métadonnées" in page
    assert "<li><strong class=" in page or "Aucun constat" in page  # findings, or the no-finding sentence
    assert 'class="untranslated"' not in page
    assert f"{path.name} : " in page and "does not conform" not in page and "conforms —" not in page  # the summary
    assert "mandatory, recommended" not in page and "éléments obligatoires et recommandés" in page  # profile choice
