"""/validate: the report `ehds-node validate` gives, as a page and as downloads."""

import io
import json

BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"
BROKEN = b"""@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
<http://example.org/ds> a dcat:Dataset ; dct:title "Broken"@en ."""


def post(client, **form):
    return client.post("/validate", data=form, headers={"Accept": BROWSER}, content_type="multipart/form-data")


def test_form_is_a_page(client):
    page = client.get("/validate", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "healthdcat-ap" in page and "dcat-ap-3" in page and 'type="file"' in page


def test_uploaded_broken_file_gets_the_cli_report(client):
    response = post(client, file=(io.BytesIO(BROKEN), "broken.ttl"), profile="dcat-ap-3")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Does not conform to dcat-ap-3" in page and "dct:description" in page and "Broken" in page


def test_pasted_text_and_syntax_errors_are_reported(client):
    page = post(client, text="<a> <b> .", profile="healthdcat-ap").get_data(as_text=True)
    assert "Could not validate" in page and "line" in page
    assert post(client, text="  ").status_code == 400
    assert post(client, text="x", profile="nope").status_code == 400


def test_downloads_as_json_turtle_junit(client):
    for kind, marker in (("json", b'"conforms": false'), ("turtle", b"sh:ValidationReport"), ("junit", b"<testsuites>")):
        response = post(client, file=(io.BytesIO(BROKEN), "broken.ttl"), profile="dcat-ap-3", download=kind)
        assert response.status_code == 200 and marker in response.data, kind
        assert "attachment" in response.headers["Content-Disposition"]
    body = post(client, file=(io.BytesIO(BROKEN), "broken.ttl"), profile="dcat-ap-3", download="json").data
    assert json.loads(body)["files"][0]["file"] == "broken.ttl"


def test_french_validator(client):
    response = client.post("/validate", data={"text": BROKEN.decode(), "profile": "dcat-ap-3"},
                           headers={"Accept": BROWSER, "Accept-Language": "fr"})
    assert "Non conforme à dcat-ap-3" in response.get_data(as_text=True)
