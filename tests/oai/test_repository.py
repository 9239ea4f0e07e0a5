"""/oai answers the six verbs and the protocol's errors (HTTP 200, OAI error element)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest

from tests.conftest import API_TOKEN

OAI = "{http://www.openarchives.org/OAI/2.0/}"


def oai(client, **args):
    response = client.get("/oai", query_string=args)
    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    return ET.fromstring(response.data)


def error_code(root):
    errors = root.findall(f"{OAI}error")
    return errors[0].get("code") if errors else None


def headers(root, verb):
    return root.findall(f"{OAI}{verb}/{OAI}header") + root.findall(f"{OAI}{verb}/{OAI}record/{OAI}header")


def harvest_all(client, verb="ListIdentifiers", **args):
    root = oai(client, verb=verb, metadataPrefix="dcat_ap", **args)
    found = headers(root, verb)
    while True:
        token = root.find(f"{OAI}{verb}/{OAI}resumptionToken")
        if token is None or not token.text:
            return found
        root = oai(client, verb=verb, resumptionToken=token.text)
        found += headers(root, verb)


def test_identify_carries_the_configuration(client):
    root = oai(client, verb="Identify")
    identify = root.find(f"{OAI}Identify")
    assert identify.findtext(f"{OAI}baseURL") == "http://localhost:8080/oai"
    assert identify.findtext(f"{OAI}deletedRecord") == "persistent"
    assert identify.findtext(f"{OAI}granularity") == "YYYY-MM-DDThh:mm:ssZ"
    assert identify.findtext(f"{OAI}protocolVersion") == "2.0"


@pytest.mark.parametrize("args, code", [
    ({}, "badVerb"),
    ({"verb": "Nope"}, "badVerb"),
    ({"verb": "Identify", "extra": "1"}, "badArgument"),
    ({"verb": "ListRecords"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "dcat_ap", "from": "2020-13-01"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "dcat_ap", "from": "2020-01-01", "until": "2021-01-01T00:00:00Z"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "marc"}, "cannotDisseminateFormat"),
    ({"verb": "GetRecord", "metadataPrefix": "dcat_ap", "identifier": "oai:localhost:nope"}, "idDoesNotExist"),
    ({"verb": "ListIdentifiers", "metadataPrefix": "dcat_ap", "from": "2999-01-01"}, "noRecordsMatch"),
    ({"verb": "ListIdentifiers", "resumptionToken": "garbage!!"}, "badResumptionToken"),
    ({"verb": "ListIdentifiers", "metadataPrefix": "dcat_ap", "set": "source:nope"}, "badArgument"),
    ({"verb": "ListSets", "resumptionToken": "x"}, "badResumptionToken"),
])
def test_errors_are_oai_error_elements(client, args, code):
    root = oai(client, **args)
    assert error_code(root) == code
    if code in ("badVerb", "badArgument"):
        assert root.find(f"{OAI}request").attrib == {}


def test_post_binding(client):
    response = client.post("/oai", data={"verb": "Identify"})
    assert error_code(ET.fromstring(response.data)) is None


def test_tokens_list_every_record_once_across_pages(client, node):
    object.__setattr__(node.settings, "oai_page_size", 3)
    seen = [h.findtext(f"{OAI}identifier") for h in harvest_all(client)]
    assert len(seen) == len(set(seen)) == len(node.index.entries())
    assert len(seen) > 3


def test_deleted_record_is_persistent_and_dcat_ap_is_the_rdf_endpoint(client, node):
    root = oai(client, verb="ListRecords", metadataPrefix="dcat_ap")
    record = root.find(f"{OAI}ListRecords/{OAI}record")
    identifier = record.findtext(f"{OAI}header/{OAI}identifier")
    record_id = identifier.rpartition(":")[2]
    rdfxml = ET.tostring(record.find(f"{OAI}metadata")[0])
    served = client.get(f"/datasets/{record_id}.rdf").data
    mine = ox.Dataset(ox.parse(rdfxml, ox.RdfFormat.RDF_XML))
    theirs = ox.Dataset(ox.parse(served, ox.RdfFormat.RDF_XML))
    mine.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    theirs.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    assert mine == theirs
    assert client.delete(f"/datasets/{record_id}", headers={"Authorization": f"Bearer {API_TOKEN}"}).status_code in (200, 204)
    got = oai(client, verb="GetRecord", metadataPrefix="oai_dc", identifier=identifier)
    header = got.find(f"{OAI}GetRecord/{OAI}record/{OAI}header")
    assert header.get("status") == "deleted"
    assert got.find(f"{OAI}GetRecord/{OAI}record/{OAI}metadata") is None
    listed = {h.findtext(f"{OAI}identifier"): h.get("status") for h in harvest_all(client)}
    assert listed[identifier] == "deleted"


def test_oai_dc_has_title_and_type(client):
    root = oai(client, verb="ListRecords", metadataPrefix="oai_dc")
    dc = root.find(f"{OAI}ListRecords/{OAI}record/{OAI}metadata")[0]
    assert dc.findtext("{http://purl.org/dc/elements/1.1/}title")
    assert dc.findtext("{http://purl.org/dc/elements/1.1/}type") == "Dataset"


def test_list_sets_names_local(client):
    root = oai(client, verb="ListSets")
    specs = [s.findtext(f"{OAI}setSpec") for s in root.iter(f"{OAI}set")]
    assert "local" in specs
    assert any(s.startswith("theme:") for s in specs)
    theme = next(s for s in specs if s.startswith("theme:"))
    assert error_code(oai(client, verb="ListIdentifiers", metadataPrefix="dcat_ap", set=theme)) is None


def test_token_survives_changes_mid_harvest_without_skipping_or_repeating(client, node):
    object.__setattr__(node.settings, "oai_page_size", 3)
    root = oai(client, verb="ListIdentifiers", metadataPrefix="dcat_ap")
    first = [h.findtext(f"{OAI}identifier") for h in headers(root, "ListIdentifiers")]
    token = root.find(f"{OAI}ListIdentifiers/{OAI}resumptionToken")
    assert token.get("cursor") == "0" and int(token.get("completeListSize")) == len(node.index.entries())
    later = node.naming.record_id_for_graph(node.index.entries()[-1].graph)
    if f"oai:localhost:{later}" in first:
        later = node.naming.record_id_for_graph(node.index.entries()[0].graph)
    assert client.delete(f"/datasets/{later}", headers={"Authorization": f"Bearer {API_TOKEN}"}).status_code in (200, 204)
    rest = []
    while token is not None and token.text:
        root = oai(client, verb="ListIdentifiers", resumptionToken=token.text)
        rest += [(h.findtext(f"{OAI}identifier"), h.get("status")) for h in headers(root, "ListIdentifiers")]
        token = root.find(f"{OAI}ListIdentifiers/{OAI}resumptionToken")
    live = [i for i, status in rest if status != "deleted"]
    assert len(first + live) == len(set(first + live)) == len(node.index.entries())
    assert rest[-1] == (f"oai:localhost:{later}", "deleted")


@pytest.mark.parametrize("settings_change, words", [
    ({"oai_admin_email": "admin@localhost"}, "oai_admin_email"),  # the schema wants a dot in the domain
    ({"oai_admin_email": "not an address"}, "oai_admin_email"),
    ({"oai_page_size": 0}, "oai_page_size"),
])
def test_oai_settings_that_would_break_identify_or_paging_stop_the_node(tmp_path, settings_change, words):
    from node.config import Settings
    from node.errors import ConfigError

    with pytest.raises(ConfigError, match=words):
        Settings(base_url="http://localhost:8080/", data_dir=tmp_path, **settings_change)
    assert Settings(base_url="http://localhost:8080/", data_dir=tmp_path).oai_admin_email == "admin@localhost.invalid"


def test_the_catalogue_the_service_description_and_the_pages_link_oai(client):
    oai_endpoint = ox.NamedNode("http://localhost:8080/oai")
    see_also = "http://www.w3.org/2000/01/rdf-schema#seeAlso"
    catalogue = list(ox.parse(client.get("/catalog", headers={"Accept": "application/n-triples"}).data,
                              format=ox.RdfFormat.N_TRIPLES))
    description = list(ox.parse(client.get("/sparql", headers={"Accept": "text/turtle"}).data,
                                format=ox.RdfFormat.TURTLE))
    for triples in (catalogue, description):
        assert any(t.predicate.value == see_also and t.object == oai_endpoint for t in triples)
        assert any(t.subject == oai_endpoint and t.object.value.startswith("http://www.openarchives.org/OAI/2.0/")
                   for t in triples)
    page = client.get("/catalog", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'href="/oai?verb=Identify"' in page


def test_the_listing_kept_up_to_date_equals_one_read_afresh(client, node):
    from node.oai.listing import Listing

    oai(client, verb="Identify")  # the app's listing reads the whole log once
    entries = node.index.entries()
    for entry in entries[:2]:
        record_id = node.naming.record_id_for_graph(entry.graph)
        assert client.delete(f"/datasets/{record_id}", headers={"Authorization": f"Bearer {API_TOKEN}"}).status_code in (200, 204)
    record_id = node.naming.record_id_for_graph(entries[2].graph)
    turtle = client.get(f"/datasets/{record_id}.ttl").get_data(as_text=True)
    changed = turtle.replace('dct:title "', 'dct:title "New ', 1)
    assert changed != turtle
    before = node.store.last_sequence()
    assert client.put(f"/datasets/{record_id}", data=changed,
                      headers={"Authorization": f"Bearer {API_TOKEN}", "Content-Type": "text/turtle"}).status_code in (200, 201, 204)
    assert node.store.last_sequence() == before + 1  # the update is a change-log entry
    kept = client.application.extensions["ehds.oai.listing"].items()  # patched from the new entries only
    fresh = Listing(node).items()
    assert kept == fresh
    assert sum(item.deleted for item in fresh) == 2


def test_dcat_ap_of_every_record_is_isomorphic_to_the_rdf_endpoint(client, node):
    object.__setattr__(node.settings, "oai_page_size", 7)
    root = oai(client, verb="ListRecords", metadataPrefix="dcat_ap")
    compared = 0
    while True:
        for record in root.findall(f"{OAI}ListRecords/{OAI}record"):
            record_id = record.findtext(f"{OAI}header/{OAI}identifier").rpartition(":")[2]
            mine = ox.Dataset(ox.parse(ET.tostring(record.find(f"{OAI}metadata")[0]), ox.RdfFormat.RDF_XML))
            theirs = ox.Dataset(ox.parse(client.get(f"/datasets/{record_id}.rdf").data, ox.RdfFormat.RDF_XML))
            mine.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
            theirs.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
            assert mine == theirs, record_id
            compared += 1
        token = root.findtext(f"{OAI}ListRecords/{OAI}resumptionToken")
        if not token:
            break
        root = oai(client, verb="ListRecords", resumptionToken=token)
    assert compared == len(node.index.entries())


def test_a_record_gone_while_its_page_is_written_is_sent_as_deleted(node):
    # regression: the listing is read, then the record is deleted before its metadata is read (another
    # thread); that was a NotFound (HTTP 404 JSON) in place of the OAI response
    import xml.etree.ElementTree as ElementTree

    from node.oai import responses
    from node.oai.listing import Item

    parent = ElementTree.Element("x")
    gone = Item("2026-01-01T00:00:00Z", "no-such-record", "http://localhost:8080/graph/no-such-record", "http://x/d", False)
    raw: list[str] = []
    responses.record(parent, node, gone, "dcat_ap", ["local"], raw)
    assert parent.find(f"{OAI}record/{OAI}header").get("status") == "deleted"
    assert parent.find(f"{OAI}record/{OAI}metadata") is None and raw == []


@pytest.mark.parametrize("value", ["٢٠٢٤-01-01", "2024-1-01", "2024-01-01T1:00:00Z", "２０２４-01-01"])
def test_a_date_in_other_digits_or_unpadded_is_bad_argument(client, value):
    """The datetime parser accepts non-ASCII digits and unpadded fields; from/until must be the protocol's
    own form (they are compared as strings), so those are badArgument, not a silently wrong list."""
    answer = client.get("/oai", query_string={"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "from": value})
    assert answer.status_code == 200 and 'code="badArgument"' in answer.get_data(as_text=True)
