"""/validate by URL, against a real loopback server: fetched only through the guarded client, only from the
allow-listed origins, with the upload's size cap and a time limit; every refusal a 4xx page in the reader's
language that names the address."""

from dataclasses import replace

import pytest

from node.context import open_node
from node.web.app import create_app
from tests.harvesters.partner_server import PartnerServer

BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"
BROKEN = b"""@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
<http://example.org/ds> a dcat:Dataset ; dct:title "Broken"@en ."""


@pytest.fixture
def make_client(settings):
    contexts = []

    def build(**overrides):
        ctx = open_node(replace(settings, load_bundled_catalogue=False, **overrides))
        contexts.append(ctx)
        return create_app(context=ctx).test_client()

    yield build
    for ctx in contexts:
        ctx.close()


@pytest.fixture
def client_for(partner, make_client):
    """A node whose validator may fetch from the loopback partner (allowed explicitly, as tests must)."""
    return make_client(validate_url_origins=(partner.url("").rstrip("/"),), validate_url_allow_private_network=True,
                       validate_url_timeout=1.0, max_body_bytes=5000)


def post(client, url, language="en", **form):
    return client.post("/validate", data={"url": url, "profile": "dcat-ap-3", **form},
                       headers={"Accept": BROWSER, "Accept-Language": language})


def test_a_url_on_an_allowed_origin_gets_the_report(client_for, partner):
    url = partner.serve("/broken.ttl", BROKEN)
    response = post(client_for, url)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Does not conform to dcat-ap-3" in page and "dct:description" in page
    french = post(client_for, url, "fr").get_data(as_text=True)
    assert "Non conforme à dcat-ap-3" in french and "Ajoutez dct:description" in french
    assert partner.hits_for("/broken.ttl") == 2


def test_an_origin_not_allowed_is_refused_without_a_request(make_client, partner):
    client = make_client(validate_url_allow_private_network=True)  # no origin allowed: the default
    url = partner.serve("/broken.ttl", BROKEN)
    response = post(client, url, "fr")
    page = response.get_data(as_text=True)
    assert response.status_code == 403 and url in page and "ne récupère pas" in page
    assert partner.hits_for("/broken.ttl") == 0
    english = post(client, url).get_data(as_text=True)
    assert "does not fetch from" in english and "validate_url_origins" in english


def test_another_port_of_an_allowed_host_is_refused(client_for, partner):
    other = PartnerServer()
    try:
        url = other.serve("/x.ttl", BROKEN)
        response = post(client_for, url)
        assert response.status_code == 403 and other.hits_for("/x.ttl") == 0
    finally:
        other.close()


def test_loopback_is_refused_unless_private_network_is_allowed(make_client, partner):
    client = make_client(validate_url_origins=(partner.url("").rstrip("/"),))
    url = partner.serve("/broken.ttl", BROKEN)
    response = post(client, url, "fr")
    assert response.status_code == 403 and "privée" in response.get_data(as_text=True)
    assert partner.hits_for("/broken.ttl") == 0


def test_a_redirect_to_an_origin_not_allowed_is_refused(client_for, partner):
    other = PartnerServer()
    try:
        target = other.serve("/x.ttl", BROKEN)
        url = partner.serve("/moved", b"", status=302, headers={"Location": target})
        response = post(client_for, url)
        assert response.status_code == 403 and "redirected" in response.get_data(as_text=True)
        assert other.hits_for("/x.ttl") == 0
    finally:
        other.close()


def test_too_large_is_413(client_for, partner):
    url = partner.serve("/big.ttl", BROKEN + b"#" + b"x" * 10_000)
    response = post(client_for, url, "fr")
    page = response.get_data(as_text=True)
    assert response.status_code == 413 and url in page and "5000" in page and "plus grand" in page
    streamed = partner.url("/streamed.ttl")
    partner.serve("/streamed.ttl", chunks=[b"#" + b"x" * 1000 + b"\n"] * 10)
    assert post(client_for, streamed).status_code == 413


def test_too_slow_and_error_statuses_are_4xx(client_for, partner):
    slow = partner.serve("/slow.ttl", BROKEN, delay=3.0)
    response = post(client_for, slow, "fr")
    assert response.status_code == 422 and slow in response.get_data(as_text=True)
    assert "n'a pas pu être récupéré" in response.get_data(as_text=True).replace("&#39;", "'")
    missing = partner.url("/nothing-here.ttl")
    assert post(client_for, missing).status_code == 422


def test_not_rdf_is_415_and_broken_rdf_is_422(client_for, partner):
    html = partner.serve("/page", b"<html><body>hi</body></html>", content_type="text/html")
    response = post(client_for, html, "fr")
    page = response.get_data(as_text=True)
    assert response.status_code == 415 and "text/html" in page and "pas du RDF" in page
    garbage = partner.serve("/garbage.ttl", b"<a> <b> .")
    response = post(client_for, garbage)
    assert response.status_code == 422 and "Could not validate" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x.ttl", "http://", "notaurl",
                                 "http://[::1", "http://example.org:99999/x"])
def test_malformed_or_other_scheme_urls_are_400(client_for, url):
    response = post(client_for, url, "fr")
    assert response.status_code == 400 and "http" in response.get_data(as_text=True)
