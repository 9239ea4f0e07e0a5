"""A real OAI-PMH client nobody here wrote (sickle, PyPI) harvests /oai over HTTP on loopback."""

from __future__ import annotations

import time

import pytest
from sickle import Sickle
from sickle.oaiexceptions import BadResumptionToken, CannotDisseminateFormat, IdDoesNotExist, NoRecordsMatch

from tests.conftest import API_TOKEN
from tests.sparql.conftest import LiveServer


@pytest.fixture
def server(node):
    from node.web.app import create_app

    object.__setattr__(node.settings, "oai_page_size", 4)  # several pages: tokens are followed
    live = LiveServer(create_app(context=node))
    yield live
    live.stop()


def _next_second():
    start = int(time.time())
    while int(time.time()) == start:
        time.sleep(0.05)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sickle_harvests_fully_then_incrementally_and_sees_the_deletion(server, node, method):
    import requests

    harvester = Sickle(server.url + "oai", http_method=method, max_retries=0, timeout=30)
    full = list(harvester.ListRecords(metadataPrefix="dcat_ap", ignore_deleted=False))
    identifiers = [r.header.identifier for r in full]
    assert len(identifiers) == len(set(identifiers)) == len(node.index.entries()) > 4
    assert all(r.metadata is not None for r in full)
    _next_second()
    # from the precise clock: time.gmtime() without an argument reads the coarse one (glibc's time()),
    # which can still say the previous second a few milliseconds after _next_second saw the new one
    since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time()))
    gone = identifiers[0]
    response = requests.delete(server.url + "datasets/" + gone.rpartition(":")[2],
                               headers={"Authorization": f"Bearer {API_TOKEN}"}, timeout=30)
    assert response.status_code in (200, 204)
    changed = list(harvester.ListIdentifiers(metadataPrefix="dcat_ap", ignore_deleted=False, **{"from": since}))
    assert [(h.identifier, h.deleted) for h in changed] == [(gone, True)]
    assert harvester.GetRecord(identifier=gone, metadataPrefix="oai_dc").header.deleted


def test_sickle_sees_each_error_as_its_exception(server):
    harvester = Sickle(server.url + "oai", max_retries=0, timeout=30)
    cases = [
        (CannotDisseminateFormat, lambda: list(harvester.ListRecords(metadataPrefix="marc21"))),
        (IdDoesNotExist, lambda: harvester.GetRecord(identifier="oai:localhost:none", metadataPrefix="dcat_ap")),
        (NoRecordsMatch, lambda: list(harvester.ListIdentifiers(metadataPrefix="dcat_ap", **{"from": "2999-01-01"}))),
        (BadResumptionToken, lambda: list(harvester.ListIdentifiers(resumptionToken="bm90LWEtdG9rZW4"))),
    ]
    for verb, code in (("Frobnicate", "badVerb"), ("ListRecords", "badArgument")):  # sickle raises only when listing
        xml = harvester.harvest(verb=verb).xml
        assert xml.find("{http://www.openarchives.org/OAI/2.0/}error").get("code") == code
    for expected, call in cases:
        with pytest.raises(expected):
            call()
