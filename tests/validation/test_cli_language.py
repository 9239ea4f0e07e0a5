"""`ehds-node validate --lang fr`: the text report in French (messages, headings, summary); English stays
the default, byte for byte; the report's words are a gettext catalogue kept complete and compiled."""

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from node.cli import main
from tests.validation.support import GOLDEN

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "node/web/translations/fr/LC_MESSAGES"
BROKEN = str(GOLDEN / "missing-title.ttl")
TITLED = str(GOLDEN / "bad-date-literal.ttl")


def test_french_report(capsys):
    assert main(["validate", BROKEN, TITLED, "--lang", "fr"]) == 1
    out = capsys.readouterr().out
    assert "Jeu de données <https://registry.example.org/dataset>" in out
    assert "Jeu de données « Regional cancer registry 2023 »" in out
    assert "✗ violation : Le jeu de données n'a pas de titre (dct:title) ; c'est obligatoire." in out
    assert "! avertissement :" in out and " sur <https://registry.example.org/access>" in out
    assert "valeur \"2024-02-30\"^^xsd:date —" in out
    assert f"{BROKEN} : non conforme — 1 violation, 34 avertissements ; 1 jeu de données, 1 avec des violations" in out
    for english in ("it is recommended", "Dataset", "warning", "does not conform", " on <", "value "):
        assert english not in out, english


def test_english_stays_the_default(capsys):
    assert main(["validate", BROKEN]) == 1
    default = capsys.readouterr().out
    assert main(["validate", BROKEN, "--lang", "en"]) == 1
    assert capsys.readouterr().out == default
    assert "does not conform — 1 violation(s), 34 warning(s); 1 dataset(s)" in default and "Jeu" not in default


def test_french_errors_and_plural(capsys, tmp_path):
    empty = tmp_path / "nothing.ttl"
    empty.write_text("@prefix dct: <http://purl.org/dc/terms/> . <http://e/x> dct:title \"x\" .")
    broken = tmp_path / "broken.ttl"
    broken.write_text("<http://e/x> <http://e/p> ")
    assert main(["validate", str(broken), "--lang", "fr"]) == 2
    assert f"{broken} : validation impossible :" in capsys.readouterr().out
    valid = str(GOLDEN / "valid-public.ttl")
    assert main(["validate", valid, "--lang", "fr", "--severity", "violation", "--fail-on", "violation"]) == 0
    assert "conforme — 0 violation, avertissements non vérifiés ; 1 jeu de données, 0 avec des violations" in \
        capsys.readouterr().out


def test_an_unknown_language_is_refused(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["validate", BROKEN, "--lang", "de"])
    assert exit_info.value.code == 2 and "--lang" in capsys.readouterr().err


def test_the_report_words_are_all_translated_and_compiled():
    extracted = {m[1] if isinstance(m[1], str) else m[1][0] for m in extract_from_file(
        "python", ROOT / "node/validation/output.py", keywords={"_": None, "ngettext": (1, 2), "N_": None})}
    po = {(m.id if isinstance(m.id, str) else m.id[0]): m for m in read_po((FOLDER / "validation.po").open("rb")) if m.id}
    assert set(po) == extracted, "run pybabel extract/update for the validation domain (translations/README.md)"
    assert all(m.string and all(m.string) and not m.fuzzy for m in po.values())
    mo = {(m.id if isinstance(m.id, str) else m.id[0]): tuple(m.string) if isinstance(m.string, (list, tuple))
          else m.string for m in read_mo((FOLDER / "validation.mo").open("rb")) if m.id}
    assert mo == {key: m.string for key, m in po.items()}, "run pybabel compile -D validation"
