"""Validation and score texts follow the page's language: French pages say French (messages, fix hints,
indicator names, what to improve first), English pages English; a message with no French is marked."""

import io

import pytest

from node.web.texts import shape_message

BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"
BROKEN = b"""@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
<http://example.org/ds> a dcat:Dataset ; dct:title "Broken"@en ."""


def validate(client, language, profile="dcat-ap-3"):
    response = client.post("/validate", data={"file": (io.BytesIO(BROKEN), "broken.ttl"), "profile": profile},
                           headers={"Accept": BROWSER, "Accept-Language": language},
                           content_type="multipart/form-data")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def page(client, path, language):
    response = client.get(path, headers={"Accept": BROWSER, "Accept-Language": language})
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("profile", ["dcat-ap-3", "healthdcat-ap", "ehds-minimum"])
def test_validator_report_is_french_on_a_french_page(client, profile):
    french = validate(client, "fr", profile)
    assert "Le jeu de données n'a pas" in french.replace("&#39;", "'")
    assert "Ajoutez" in french and "The dataset has no" not in french
    english = validate(client, "en", profile)
    assert "The dataset has no" in english and "Ajoutez" not in english


def test_record_report_page_is_french(client):
    french = page(client, "/datasets/snds/validation", "fr").replace("&#39;", "'")
    english = page(client, "/datasets/snds/validation", "en")
    assert "Rapport de validation" in french and "Validation report" in english
    assert "untranslated" not in english
    findings = french.count("<li><strong class=")
    assert findings and 'class="untranslated"' not in french and "it is recommended" not in french
    assert "c'est recommandé" in french


def test_shape_translations_are_real_messages_and_compiled():
    """Every French text translates an sh:message our shapes have today (or a profile's description), and the
    committed .mo is the .po's."""
    from pathlib import Path

    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po
    from rdflib import Graph
    from rdflib.namespace import SH

    folder = Path(__file__).resolve().parents[2] / "node/web/translations/fr/LC_MESSAGES"
    po = {m.id: m.string for m in read_po((folder / "shapes.po").open("rb")) if m.id}
    mo = {m.id: m.string for m in read_mo((folder / "shapes.mo").open("rb")) if m.id}
    assert po == mo and all(po.values()), "run: pybabel compile -D shapes -d node/web/translations -l fr"
    shapes = Graph()
    for path in (Path(__file__).resolve().parents[2] / "shapes").glob("*.ttl"):
        shapes.parse(path)
    from node.profiles import PROFILES

    messages = {str(m) for m in shapes.objects(None, SH.message)} | {p.description for p in PROFILES.values()}
    assert set(po) <= messages, sorted(set(po) - messages)[:3]


def test_score_page_names_indicators_and_hints_in_french(client):
    french = page(client, "/datasets/snds/quality", "fr").replace("&#39;", "'")
    assert "Mots-clés" in french and "Date de modification" in french and "rempli : les points sont acquis" in french
    english = page(client, "/datasets/snds/quality", "en")
    assert "Keywords" in english and "Modification date" in english and "Mots-clés" not in english
    for word in ("Keywords</td>", "Modification date</td>", "met: the points are earned"):
        assert word not in french


def test_what_to_improve_first_is_french(client):
    french = page(client, "/datasets/snds/quality", "fr").replace("&#39;", "'")
    improve = french.split('id="improve"', 1)[1].split("</ol>", 1)[0]
    assert "À améliorer en priorité" in improve and "Format lisible par machine" in improve
    assert "manquant : proposez une distribution" in improve and "offer a distribution" not in improve
    english = page(client, "/datasets/snds/quality", "en").split('id="improve"', 1)[1].split("</ol>", 1)[0]
    assert "Machine-readable format" in english and "offer a distribution" in english


def test_a_message_without_french_is_shown_in_english_and_marked(client):
    text, language = shape_message("A message no shape of ours has.", "fr")
    assert (text, language) == ("A message no shape of ours has.", "en")
    with client.application.test_request_context(headers={"Accept-Language": "fr"}):
        from node.web.i18n import in_language
        marked = str(in_language(text, language))
    assert 'lang="en"' in marked and "(en)" in marked
