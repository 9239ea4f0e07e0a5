"""Odd input on the portal's pages: never a 500 or a traceback, values escaped, sizes capped."""

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"
ANY_TEXT = st.text(min_size=0, max_size=60)
HEADER_TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=60)  # what a header can carry


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lang=ANY_TEXT, source=ANY_TEXT, q=ANY_TEXT, accept_language=HEADER_TEXT)
def test_catalogue_query_strings_and_language_headers_never_break_the_page(client, lang, source, q, accept_language):
    response = client.get("/catalog", query_string={"lang": lang, "source": source, "q": q},
                          headers={"Accept": BROWSER, "Accept-Language": accept_language})
    assert response.status_code == 200
    assert response.headers["Content-Language"] in ("en", "fr")
    body = response.get_data(as_text=True)
    assert "<script>alert" not in body


def test_reflected_values_are_escaped(client):
    attack = '"><script>alert(1)</script>'
    body = client.get("/catalog", query_string={"q": attack, "source": attack, "lang": attack},
                      headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "<script>alert(1)" not in body
    page = client.post("/validate", data={"text": attack}, headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "<script>alert(1)" not in page and "Could not validate" in page


def test_oversized_upload_is_a_413_page(client, app):
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    response = client.post("/validate", data={"file": (io.BytesIO(b"#" * 20_000), "big.ttl")},
                           headers={"Accept": BROWSER}, content_type="multipart/form-data")
    assert response.status_code == 413 and response.mimetype == "text/html"
    assert client.post("/validate", data={"text": "#" * 20_000}).status_code == 413  # programs: JSON 413


def test_agent_paths_that_do_not_exist_are_404_pages(client):
    for path in ("/agents/..%2f..%2fetc", "/agents/a/b/c", "/agents/%00", "/datasets/snds/distributions/%2e%2e"):
        response = client.get(path, headers={"Accept": BROWSER})
        assert response.status_code in (400, 404), path
        assert response.mimetype == "text/html"


def test_a_title_cannot_end_or_hide_the_pages_structured_data(client):
    """The schema.org JSON-LD sits in a <script>: a title with '<!--<script>' made HTML parsers read the
    rest of the page as script (an empty page in a browser); '</script>' would end it early. No '<'
    inside the element leaves an HTML parser nothing to change state on."""
    import json

    from tests.conftest import API_TOKEN
    from tests.publish.sample_records import renamed, retitled, turtle

    title = "x <!--<script> y </script><b>z</b> & w"
    body = turtle(retitled(renamed("oscour", "odd-title"), title))
    put = client.put("/datasets/odd-title", data=body,
                     headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {API_TOKEN}"})
    assert put.status_code == 201, put.get_data(as_text=True)
    page = client.get("/datasets/odd-title", headers={"Accept": BROWSER}).get_data(as_text=True)
    opening = '<script type="application/ld+json">'
    assert page.count(opening) == 1
    structured = page.split(opening, 1)[1].split("</script>", 1)[0]
    assert "<" not in structured and json.loads(structured)["name"] == title
    assert "<main" in page.split(opening, 1)[1]
