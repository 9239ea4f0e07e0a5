"""Kind oai-pmh: a central node harvests a French node's /oai on loopback; hostile partners stop the run."""

from __future__ import annotations

import pytest
from flask import Flask, Response

from node.catalog_index import origin
from node.config import Settings, SourceConfig
from node.harvest.run import run_harvest
from tests.conftest import API_TOKEN
from tests.sparql.conftest import LiveServer
from tests.harvest_runs.test_runs import central  # noqa: F401  (a pytest fixture)


@pytest.fixture
def french(node):
    from node.web.app import create_app

    object.__setattr__(node.settings, "oai_page_size", 3)  # several pages: the harvester follows tokens
    live = LiveServer(create_app(context=node))
    yield live
    live.stop()


def source(url: str) -> SourceConfig:
    return SourceConfig(name="fr", kind="oai-pmh", url=url, policy="warn", allow_private_network=True,
                        max_delete_share=1.0, retries=0, timeout=10.0)


def harvested(ctx) -> set[str]:
    return {e.dataset for e in ctx.index.entries() if origin(e.graph) == "fr"}


def test_central_matches_the_french_node_after_create_and_delete(central, french, node):
    import requests

    src = source(french.url + "oai")
    report = run_harvest(central, src, full=True)
    assert report.status == "complete", report.to_dict()
    assert harvested(central) == {e.dataset for e in node.index.entries()}
    assert report.pages > 1
    gone = node.index.entries()[0]
    record_id = node.naming.record_id_for_graph(gone.graph)
    assert requests.delete(french.url + "datasets/" + record_id, headers={"Authorization": f"Bearer {API_TOKEN}"},
                           timeout=30).status_code in (200, 204)
    report = run_harvest(central, src, full=True)
    assert report.status == "complete", report.to_dict()
    assert harvested(central) == {e.dataset for e in node.index.entries()}
    assert gone.dataset not in harvested(central)


def _canned(body: str):
    app = Flask("canned")

    @app.route("/oai")
    def oai():
        return Response(body, mimetype="text/xml")

    return LiveServer(app)


_LOOP = """<?xml version="1.0"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">
<responseDate>2026-01-01T00:00:00Z</responseDate><request>x</request>
<ListRecords><resumptionToken>same</resumptionToken></ListRecords></OAI-PMH>"""
_BAD_TOKEN = """<?xml version="1.0"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">
<responseDate>2026-01-01T00:00:00Z</responseDate><request>x</request>
<error code="badResumptionToken">expired</error></OAI-PMH>"""
_ENTITIES = """<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">&b;</OAI-PMH>"""


@pytest.mark.parametrize("body, words", [
    (_LOOP, "token loop"),
    (_BAD_TOKEN, "badResumptionToken"),
    ("<OAI-PMH xmlns='http://www.openarchives.org/OAI/2.0/'><ListRecords>", "well-formed"),
    ("<html>not oai</html>", "not an OAI-PMH response"),
    (_ENTITIES, ""),
])
def test_hostile_partner_fails_the_run_and_keeps_the_previous_copy(central, body, words):
    live = _canned(body)
    try:
        report = run_harvest(central, source(live.url + "oai"), full=True)
    finally:
        live.stop()
    assert report.status == "failed"
    assert words in str(report.to_dict())
    assert harvested(central) == set()


def test_incremental_run_asks_from_and_brings_the_update(central, french, node):
    import time

    import requests

    src = source(french.url + "oai")
    assert run_harvest(central, src, full=True).status == "complete"
    start = int(time.time())
    while int(time.time()) == start:  # the update lands in a later second than the run's start
        time.sleep(0.05)
    entry = node.index.entries()[0]
    record_id = node.naming.record_id_for_graph(entry.graph)
    turtle = requests.get(french.url + f"datasets/{record_id}.ttl", timeout=30).text
    changed = turtle.replace('dct:title "', 'dct:title "Mis à jour ', 1) if 'dct:title "' in turtle else turtle
    assert changed != turtle
    response = requests.put(french.url + f"datasets/{record_id}", data=changed.encode(),
                            headers={"Authorization": f"Bearer {API_TOKEN}", "Content-Type": "text/turtle"}, timeout=30)
    assert response.status_code in (200, 201, 204), response.text
    report = run_harvest(central, src)
    assert report.status == "complete" and report.mode == "incremental", report.to_dict()
    assert report.written == 1
    copy = next(e.graph for e in central.index.entries() if e.dataset == entry.dataset)
    assert "Mis \\u00E0 jour" in central.store.published_ntriples(copy).decode() or \
        "Mis à jour" in central.store.published_ntriples(copy).decode()


def _delete_at(french, node, entry) -> None:
    import requests

    record_id = node.naming.record_id_for_graph(entry.graph)
    response = requests.delete(french.url + "datasets/" + record_id, headers={"Authorization": f"Bearer {API_TOKEN}"},
                               timeout=30)
    assert response.status_code in (200, 204)


def test_incremental_run_applies_the_partners_deleted_records(central, french, node):
    src = source(french.url + "oai")
    assert run_harvest(central, src, full=True).status == "complete"
    gone = node.index.entries()[1]
    _delete_at(french, node, gone)
    report = run_harvest(central, src)
    assert report.status == "complete" and report.mode == "incremental", report.to_dict()
    assert (report.deleted, report.written) == (1, 0)
    assert gone.dataset not in harvested(central)
    assert harvested(central) == {e.dataset for e in node.index.entries()}


def test_incremental_deletions_go_through_the_deletion_guard(central, french, node):
    from dataclasses import replace

    src = replace(source(french.url + "oai"), max_delete_share=0.0)
    assert run_harvest(central, src, full=True).status == "complete"
    gone = node.index.entries()[0]
    _delete_at(french, node, gone)
    refused = run_harvest(central, src)
    assert refused.mode == "incremental" and (refused.deleted, refused.deletions_refused) == (0, 1)
    assert gone.dataset in harvested(central)
    again = run_harvest(central, src, force=True)  # the refused deletion is listed again (position kept)
    assert again.mode == "incremental" and again.deleted == 1, again.to_dict()
    assert gone.dataset not in harvested(central)


def test_incremental_run_asks_from_the_partners_own_response_date(central, tmp_path):
    asked = []
    app = Flask("partner")
    body = _LOOP.replace("<resumptionToken>same</resumptionToken>", "").replace(
        "2026-01-01T00:00:00Z", "2020-05-06T07:08:09+02:00")  # the partner's clock, another zone

    @app.route("/oai")
    def oai():
        from flask import request

        asked.append(dict(request.args))
        return Response(body, mimetype="text/xml")

    live = LiveServer(app)
    try:
        src = source(live.url + "oai")
        assert run_harvest(central, src, full=True).status == "complete"
        assert run_harvest(central, src).mode == "incremental"
    finally:
        live.stop()
    assert "from" not in asked[0]
    assert asked[1]["from"] == "2020-05-06T05:08:09Z"


def test_a_repository_of_day_granularity_is_asked_by_day(central):
    asked = []
    app = Flask("daily")
    empty = _LOOP.replace("<resumptionToken>same</resumptionToken>", "")
    refused = _BAD_TOKEN.replace("badResumptionToken", "badArgument")

    @app.route("/oai")
    def oai():
        from flask import request

        asked.append(request.args.get("from"))
        return Response(refused if "T" in request.args.get("from", "") else empty, mimetype="text/xml")

    live = LiveServer(app)
    try:
        src = source(live.url + "oai")
        assert run_harvest(central, src, full=True).status == "complete"
        report = run_harvest(central, src)
    finally:
        live.stop()
    assert report.status == "complete" and report.mode == "incremental", report.to_dict()
    assert asked == [None, "2026-01-01T00:00:00Z", "2026-01-01"]
