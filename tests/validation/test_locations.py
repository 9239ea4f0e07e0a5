"""A result on a blank node is located by its property path from the dataset (issue 14, finding 4):
"on dct:publisher/cv:contactPoint", not "on _:a7e1a7d…", in every output format and on the web page."""

import json
import xml.etree.ElementTree as ET

from node.cli import main

DCT, CV, DCAT = "http://purl.org/dc/terms/", "http://data.europa.eu/m8g/", "http://www.w3.org/ns/dcat#"
RECORD = """@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> . @prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix cv: <http://data.europa.eu/m8g/> .
<http://e/d> a dcat:Dataset ; dct:title "T"@en ; dct:description "D"@en ;
  dct:publisher <https://example.org/agents/chu> ;
  dcat:distribution [ a dcat:Distribution ; dcat:accessService [ a dcat:DataService ] ] ;
  dcat:contactPoint [ a vcard:Kind ] .
<https://example.org/agents/chu> a foaf:Organization ; foaf:name "CHU"@en ;
  cv:contactPoint [ a cv:ContactPoint ; cv:email <mailto:x@chu.example> ] .
"""


def run(tmp_path, capsys, *options) -> str:
    path = tmp_path / "record.ttl"
    path.write_text(RECORD)
    assert main(["validate", "--profile", "healthdcat-ap", *options, str(path)]) == 1
    return capsys.readouterr().out


def test_json_gives_the_path_from_the_dataset(tmp_path, capsys):
    results = json.loads(run(tmp_path, capsys, "--format", "json"))["files"][0]["results"]
    on_blank = {r["location"] for r in results if r["focus_node"].startswith("_:")}
    assert f"<{DCT}publisher>/<{CV}contactPoint>" in on_blank
    assert f"<{DCAT}contactPoint>" in on_blank
    assert f"<{DCAT}distribution>/<{DCAT}accessService>" in on_blank
    assert None not in on_blank


def test_text_names_the_path_not_the_label(tmp_path, capsys):
    out = run(tmp_path, capsys)
    assert "on dct:publisher/cv:contactPoint (a blank node)" in out
    assert "_:" not in out


def test_junit_names_the_path(tmp_path, capsys):
    body = "".join(ET.fromstring(run(tmp_path, capsys, "--format", "junit")).itertext())
    assert "on dct:publisher/cv:contactPoint (a blank node)" in body and "_:" not in body


def test_the_web_validator_names_the_path(client):
    response = client.post("/validate", data={"text": RECORD, "profile": "healthdcat-ap"},
                           headers={"Accept": "text/html"})
    page = response.get_data(as_text=True)
    assert "dct:publisher/cv:contactPoint (a blank node)" in page and "_:" not in page
