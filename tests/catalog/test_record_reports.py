"""A record's validation report and quality score, as JSON, Turtle and on its HTML page."""

from rdflib import Graph
from rdflib.namespace import SH


def test_validation_report_as_json_and_turtle(client):
    report = client.get("/datasets/snds/validation").json
    assert report["conforms"] is True and report["profile"] == "healthdcat-ap"
    turtle = client.get("/datasets/snds/validation", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=turtle.data, format="turtle")
    assert graph.value(next(graph.subjects(predicate=SH.conforms)), SH.conforms).toPython() is True


def test_quality_score_of_a_bundled_record(client):
    score = client.get("/datasets/oscour/quality").json
    assert score["rating"] in ("good", "excellent") and score["points"] >= 221
    assert {d["name"] for d in score["dimensions"]} >= {"findability", "accessibility", "reusability"}


def test_html_page_shows_checks_and_tables(client):
    page = client.get("/datasets/snds", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "conforms to healthdcat-ap" in page and "/ 405 points" in page
    assert "application/ld+json" in page and '"@type": "Dataset"' in page
    assert 'rel="alternate" type="text/turtle" href="datasets/snds.ttl"' in page
    assert "BEN_NIR_PSA" in page  # a variable of the SNDS tables, from CSVW


def test_reports_of_unknown_records_are_404(client):
    assert client.get("/datasets/nope/validation").status_code == 404
    assert client.get("/datasets/nope/quality").status_code == 404
