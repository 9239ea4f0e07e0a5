"""Hostile text meets the translated reports: braces, percent signs and markup in titles, file names and
foreign shapes' messages are printed as they are (never taken as format fields or HTML), in both languages;
only en/fr are accepted as a report language."""

import contextlib
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from node.cli import main

BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"
HOSTILE = st.text(alphabet=st.sampled_from(list("{}%()sd<>&'\"0name iri:—")), min_size=1, max_size=30)


def dataset(title: str) -> bytes:
    escaped = title.replace("\\", "\\\\").replace('"', '\\"')
    return (f'@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .\n'
            f'<http://e/d> a dcat:Dataset ; dct:title "{escaped}"@en .').encode()


@settings(max_examples=25, deadline=None)
@given(title=HOSTILE, name=HOSTILE)
def test_titles_and_file_names_are_printed_as_given(tmp_path_factory, title, name):
    folder = tmp_path_factory.mktemp("files")
    path = folder / (name.replace("/", "_").replace("\0", "") + ".ttl")
    path.write_bytes(dataset(title))
    for language in ("fr", "en"):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert main(["validate", str(path), "--lang", language, "--profile", "dcat-ap-3"]) == 1
        text = out.getvalue()
        assert f"« {title} »" in text if language == "fr" else f'"{title}"' in text
        assert str(path) in text


def test_a_foreign_shape_message_with_format_fields_is_shown_as_written(tmp_path, capsys):
    shapes = tmp_path / "mine.ttl"
    shapes.write_text("""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix dcat: <http://www.w3.org/ns/dcat#> .
<http://e/s> a sh:NodeShape ; sh:targetClass dcat:Dataset ;
  sh:property [ sh:path dcat:keyword ; sh:minCount 1 ; sh:message "{value} %s %(x)s {0} <b>no</b>"@en ] .""")
    data = tmp_path / "d.ttl"
    data.write_bytes(dataset("T"))
    assert main(["validate", str(data), "--shapes", str(shapes), "--lang", "fr", "--profile", "dcat-ap-3"]) == 1
    assert "{value} %s %(x)s {0} <b>no</b>" in capsys.readouterr().out


def test_page_language_values_never_break_the_report(client):
    body = dataset("<script>alert(1)</script> {title}")
    for header in ("fr;q=abc", "x" * 5000, "fr-FR,de;q=0.9,*;q=0.1", "%(x)s", ""):
        response = client.post("/validate?lang=%7Bx%7D", data={"file": (io.BytesIO(body), "{name}%s.ttl"), "profile": "dcat-ap-3"},
                               headers={"Accept": BROWSER, "Accept-Language": header}, content_type="multipart/form-data")
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and "<script>alert(1)</script>" not in page
        assert "{name}%s.ttl" in page
