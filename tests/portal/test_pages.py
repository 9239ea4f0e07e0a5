"""Every page a person reaches is HTML for a browser; programs keep their JSON and RDF."""

from urllib.parse import parse_qs, urlsplit
from html.parser import HTMLParser

from rdflib import Graph, URIRef
from rdflib.namespace import FOAF

from tests.conftest import BASE_URL

BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"
HEAL = "http://publications.europa.eu/resource/authority/data-theme/HEAL"


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.alternates = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "link" and attrs.get("rel") == "alternate":
            self.alternates.append(attrs["href"])


def parsed(page: str) -> Links:
    links = Links()
    links.feed(page)
    return links


def html(client, url, status=200):
    response = client.get(url, headers={"Accept": BROWSER})
    assert response.status_code == status, (url, response.status_code)
    assert response.mimetype == "text/html", url
    return response.get_data(as_text=True)


def test_errors_are_pages_for_browsers_and_json_for_programs(client):
    page = html(client, "/no-such-page", 404)
    assert "Page not found" in page and 'href="catalog"' in page
    assert "no-such-thing" in html(client, "/datasets/no-such-thing", 404)
    assert "?page must be a whole number" in html(client, "/catalog?page=x", 400)
    assert client.get("/no-such-page").json["error"] == "Not Found"
    assert client.get("/datasets/no-such-thing", headers={"Accept": "*/*"}).mimetype == "application/json"


def test_every_link_on_a_dataset_page_leads_somewhere(client):
    links = parsed(html(client, "/datasets/snds")).links
    local = [link for link in links if link.startswith(BASE_URL) or not link.startswith(("http", "mailto"))]
    assert BASE_URL + "agents/cnam" in local and BASE_URL + "agents/hdh" in local
    assert BASE_URL + "datasets/snds/distributions/portal" in local
    for link in local:
        path = "/" + link.removeprefix(BASE_URL).lstrip("/")
        response = client.get(path, headers={"Accept": BROWSER})
        assert response.status_code in (200, 301, 303), (path, response.status_code)


def test_agent_page_lists_datasets_and_roles_and_serves_rdf(client):
    page = html(client, "/agents/hdh")
    assert "Health Data Hub" in page and "Health data access body" in page and 'href="datasets/snds"' in page
    graph = Graph().parse(data=client.get("/agents/cnam", headers={"Accept": "text/turtle"}).data, format="turtle")
    assert graph.value(URIRef(BASE_URL + "agents/cnam"), FOAF.name) is not None
    assert client.get("/agents/nobody", headers={"Accept": BROWSER}).status_code == 404


def test_distribution_page_and_rdf(client):
    page = html(client, "/datasets/snds/distributions/portal")
    assert 'href="datasets/snds"' in page and "Access" in page
    turtle = client.get("/datasets/snds/distributions/portal", headers={"Accept": "text/turtle"})
    assert turtle.mimetype == "text/turtle" and b"distributions/portal" in turtle.data
    assert client.get("/datasets/snds/distributions/none").status_code == 404


def test_validation_report_and_quality_score_are_pages(client):
    report = html(client, "/datasets/snds/validation")
    assert "Validation report" in report and "dcat:bbox" in report and "it is recommended" in report
    assert client.get("/datasets/snds/validation").json["format_version"] == 1  # programs still get JSON
    assert client.get("/datasets/snds/validation?format=turtle").mimetype == "text/turtle"
    score = html(client, "/datasets/snds/quality")
    assert "Findability" in score and "What to improve first" in score and "/ 405 points" in score
    assert client.get("/datasets/snds/quality").json["max_points"] == 405


def test_facets_combine_and_remove(client):
    page = html(client, f"/catalog?theme={HEAL}")
    publisher_links = [link for link in parsed(page).links if "publisher=" in link]
    assert publisher_links and all("theme=" in link for link in publisher_links)  # combining keeps the theme
    combined = publisher_links[0]
    combined_page = html(client, "/" + combined)
    removes = [link for link in parsed(combined_page).links if "publisher=" not in link and "theme=" in link]
    assert removes  # a link that drops the publisher and keeps the theme
    assert "Page 1 of 1" not in combined_page
    alternates = parsed(combined_page).alternates
    assert alternates and all("theme=" in a and "publisher=" in a for a in alternates)
    query = parse_qs(urlsplit(combined).query)
    assert query["theme"] == [HEAL]


def test_source_facet_and_card_dates(client):
    page = html(client, "/catalog")
    assert 'data-facet="source"' in page and "This node" in page
    assert "Published on this node" in page
    assert html(client, "/catalog?source=local").count('class="card result"') == 6
    assert "No dataset matches" in html(client, "/catalog?source=nobody")
    response = client.get("/catalog", headers={"Accept": BROWSER})
    assert "Accept" in response.headers["Vary"] and response.headers["Content-Language"] == "en"


def test_favicon_does_not_404(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert client.get("/" + response.headers["Location"].lstrip("/")).status_code == 200


def test_harvest_page_is_html(client):
    assert "Runs, newest first" in html(client, "/harvest")
    assert client.get("/harvest").mimetype == "application/json"
    assert client.get("/harvest/runs/nope", headers={"Accept": BROWSER}).status_code == 404


def test_a_facet_label_follows_a_write(client):
    """Facet labels are kept per store generation (a page shows ~30, each one or two store reads): a
    record that renames a shared publisher renames it in the facets at once."""
    import pyoxigraph as ox

    from tests.conftest import API_TOKEN
    from tests.publish.sample_records import renamed, turtle

    old_name = "French National Health Insurance Fund (Assurance Maladie, CNAM)"
    assert old_name in html(client, "/catalog")
    name = ox.NamedNode(str(FOAF.name))
    triples = [t for t in renamed("snds", "renaming") if not (t.predicate == name and t.object.language == "en")]
    triples.append(ox.Triple(ox.NamedNode(BASE_URL + "agents/cnam"), name, ox.Literal("CNAM, renamed", language="en")))
    response = client.put("/datasets/renaming", data=turtle(triples),
                          headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {API_TOKEN}"})
    assert response.status_code == 201, response.get_data(as_text=True)
    page = html(client, "/catalog")
    assert "CNAM, renamed" in page and old_name not in page


def test_an_unknown_format_suffix_is_a_404_that_quotes_it_briefly(client):
    for path in ("/catalog." + "x" * 5000, "/datasets/hydro/history." + "y" * 5000):
        response = client.get(path, headers={"Accept": "application/json"})
        assert response.status_code == 404, path[:40]
        assert "unknown format suffix" in response.json["message"] and len(response.json["message"]) < 200
