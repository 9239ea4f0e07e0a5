"""/oai under arbitrary arguments: always HTTP 200 and well-formed OAI-PMH XML, never a 500."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import HealthCheck, given, settings, strategies as st

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
    root = ET.fromstring(response.data)
    assert root.tag == OAI + "OAI-PMH"
    assert root.find(OAI + "responseDate") is not None and root.find(OAI + "request") is not None


def test_control_characters_in_arguments_are_not_echoed_raw(client):
    # regression: verb="\x08" made ElementTree write a response no XML parser can read
    for query in ({"verb": "\x08"}, {"verb": "GetRecord", "metadataPrefix": "dcat_ap", "identifier": "a\x01b"}):
        root = ET.fromstring(client.get("/oai", query_string=query).data)
        assert root.find(OAI + "error") is not None
