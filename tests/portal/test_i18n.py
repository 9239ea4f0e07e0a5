"""The portal speaks French and English: complete catalogues, chosen by Accept-Language or the switch."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

import node.web

WEB = Path(node.web.__file__).parent
FRENCH = WEB / "translations" / "fr" / "LC_MESSAGES"
BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"


def _source_messages() -> set:
    found = set()
    methods = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    keywords = {"_": None, "_l": None, "gettext": None, "ngettext": (1, 2)}
    for _, _, message, _, _ in extract_from_dir(str(WEB), methods, keywords=keywords):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_ui_string_has_a_french_translation():
    catalogue = read_po((FRENCH / "messages.po").open("rb"))
    translated = {(m.id if isinstance(m.id, str) else m.id[0]) for m in catalogue
                  if m.id and all(m.string if isinstance(m.string, tuple) else [m.string])}
    missing = _source_messages() - translated
    assert not missing, f"untranslated in fr/messages.po: {sorted(missing)}"
    assert not [m.id for m in catalogue if m.id and m.fuzzy]


def _entries(catalogue) -> dict:
    def plain(value):
        return value if isinstance(value, str) else tuple(value)

    return {plain(m.id): plain(m.string) for m in catalogue if m.id}


def test_the_committed_mo_matches_the_po():
    po = _entries(read_po((FRENCH / "messages.po").open("rb")))
    mo = _entries(read_mo((FRENCH / "messages.mo").open("rb")))
    assert po == mo, "run: pybabel compile -d node/web/translations"


def test_accept_language_french_gives_french_pages(client):
    for url in ("/catalog", "/datasets/snds", "/agents/cnam", "/datasets/snds/validation", "/datasets/snds/quality",
                "/harvest", "/no-such-page"):
        response = client.get(url, headers={"Accept": BROWSER, "Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})
        page = response.get_data(as_text=True)
        assert response.headers["Content-Language"] == "fr", url
        assert '<html lang="fr">' in page and "Catalogue" in page and "Moissons" in page, url
    english = client.get("/catalog", headers={"Accept": BROWSER, "Accept-Language": "en-GB"})
    assert english.headers["Content-Language"] == "en" and "Harvests" in english.get_data(as_text=True)


def test_the_switch_persists_in_a_cookie(client):
    first = client.get("/catalog?lang=fr", headers={"Accept": BROWSER, "Accept-Language": "en"})
    assert "lang=fr" in first.headers["Set-Cookie"]
    later = client.get("/datasets/snds", headers={"Accept": BROWSER, "Accept-Language": "en"})
    assert later.headers["Content-Language"] == "fr"
    assert "À propos de ce jeu de données" in later.get_data(as_text=True)


def test_records_are_shown_in_the_readers_language_and_marked(client):
    french = client.get("/datasets/snds", headers={"Accept": BROWSER, "Accept-Language": "fr"}).get_data(as_text=True)
    english = client.get("/datasets/snds", headers={"Accept": BROWSER, "Accept-Language": "en"}).get_data(as_text=True)
    assert "Caisse nationale de l&#39;Assurance Maladie (CNAM)" in french
    assert "French National Health Insurance Fund" in english
    assert "Vary" in client.get("/catalog", headers={"Accept": BROWSER}).headers


def test_dates_follow_the_locale(client):
    french = client.get("/datasets/snds", headers={"Accept": BROWSER, "Accept-Language": "fr"}).get_data(as_text=True)
    english = client.get("/datasets/snds", headers={"Accept": BROWSER, "Accept-Language": "en"}).get_data(as_text=True)
    months_fr = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")
    assert any(m in french for m in months_fr)
    assert any(m in english for m in ("Jan ", "Feb ", "Mar ", "Apr ", "May ", "Jun ", "Jul ", "Aug ", "Sep ", "Oct ",
                                       "Nov ", "Dec "))


def test_the_cli_stays_english(tmp_path):
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "node", "validate", str(tmp_path / "missing.ttl")],
                         capture_output=True, text=True, env={"LANG": "fr_FR.UTF-8", "LANGUAGE": "fr",
                                                              "PATH": "/usr/bin:/bin",
                                                              "PYTHONPATH": str(WEB.parent.parent)})
    assert "no such file" in out.stdout + out.stderr
