"""/oai under arbitrary arguments: always HTTP 200 and well-formed OAI-PMH XML, never a 500."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import HealthCheck, given, settings, strategies as st

from tests.oai import structure

OAI = "{http://www.openarchives.org/OAI/2.0/}"
_KEYS = st.sampled_from(["verb", "metadataPrefix", "from", "until", "set", "identifier", "resumptionToken", "x"])
_VALUES = st.one_of(st.sampled_from(["ListRecords", "ListIdentifiers", "GetRecord", "ListSets", "Identify",
                                     "dcat_ap", "oai_dc", "2020-01-01", "2020-02-30T00:00:00Z", "local",
                                     "eyJhIjp7fSwiayI6WyIiLCIiXX0", "oai:localhost:x"]),
                    st.text(max_size=40))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])  # read-only requests
@given(pairs=st.lists(st.tuples(_KEYS, _VALUES), max_size=5))
def test_any_arguments_get_an_oai_answer(client, pairs):
    response = client.get("/oai", query_string=pairs)
    assert response.status_code == 200
    assert structure.problems(response.data) == []  # what the OAI-PMH 2.0 schema allows, whatever was sent


def test_control_characters_in_arguments_are_not_echoed_raw(client):
    # regression: verb="\x08" made ElementTree write a response no XML parser can read
    for query in ({"verb": "\x08"}, {"verb": "GetRecord", "metadataPrefix": "dcat_ap", "identifier": "a\x01b"}):
        root = ET.fromstring(client.get("/oai", query_string=query).data)
        assert root.find(OAI + "error") is not None


def test_values_of_illegal_syntax_are_bad_arguments_never_echoed(client):
    # regression: metadataPrefix="dcat ap" was cannotDisseminateFormat with the value echoed in <request>,
    # which the schema refuses
    for query in ({"verb": "ListRecords", "metadataPrefix": "dcat ap"},
                  {"verb": "ListIdentifiers", "metadataPrefix": "dcat_ap", "set": "a::b"},
                  {"verb": "GetRecord", "metadataPrefix": "dcat_ap", "identifier": "<x>"}):
        data = client.get("/oai", query_string=query).data
        root = ET.fromstring(data)
        assert root.find(OAI + "error").get("code") == "badArgument"
        assert root.find(OAI + "request").attrib == {}
        assert structure.problems(data) == []


def test_a_token_is_only_good_for_its_own_verb(client, node):
    object.__setattr__(node.settings, "oai_page_size", 2)
    root = ET.fromstring(client.get("/oai", query_string={"verb": "ListIdentifiers", "metadataPrefix": "dcat_ap"}).data)
    token = root.findtext(f"{OAI}ListIdentifiers/{OAI}resumptionToken")
    other = ET.fromstring(client.get("/oai", query_string={"verb": "ListRecords", "resumptionToken": token}).data)
    assert other.find(OAI + "error").get("code") == "badResumptionToken"
