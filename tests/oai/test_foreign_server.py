"""Kind oai-pmh against an OAI-PMH server nobody here wrote: `oaipmh.server` (PyPI `oaipmh`, the
maintained fork of pyoai) on loopback, serving DCAT-AP RDF/XML records, one of them deleted, in
batches of two (resumption tokens). Then the partner updates one record and deletes another, and an
incremental run (from the partner's responseDate) brings both.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pyoxigraph as ox
import pytest
from flask import Flask, Response, request
from lxml import etree
from oaipmh import common, error, metadata
from oaipmh.server import Server

from node.catalog_index import origin
from node.config import Settings, SourceConfig
from node.harvest.run import run_harvest
from tests.sparql.conftest import LiveServer
from tests.harvest_runs.test_runs import central  # noqa: F401  (a pytest fixture)

DCAT_AP = ("dcat_ap", "https://semiceu.github.io/DCAT-AP/releases/3.0.0/", "http://www.w3.org/ns/dcat#")


def dataset_rdfxml(name: str, title: str) -> bytes:
    turtle = f"""@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
    <https://partner.example/dataset/{name}> a dcat:Dataset ; dct:identifier "{name}" ;
        dct:title "{title}"@en ; dct:description "A dataset of the foreign repository."@en ;
        dct:publisher <https://partner.example/org> ;
        dcat:theme <http://publications.europa.eu/resource/authority/data-theme/HEAL> ."""
    return ox.serialize(ox.parse(turtle.encode(), ox.RdfFormat.TURTLE), format=ox.RdfFormat.RDF_XML)


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None)  # oaipmh's datestamps are naive UTC


class DcatRepository:
    """oaipmh's IOAI interface over a dict: identifier -> (datestamp, RDF/XML or None when deleted)."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.records = {f"oai:partner.example:{n}": (_now(), dataset_rdfxml(n, f"Dataset {n}")) for n in "abce"}
        self.records["oai:partner.example:d"] = (_now(), None)

    def identify(self):
        return common.Identify("Foreign repository", self.base_url, "2.0", ["admin@partner.example"],
                               datetime(2020, 1, 1), "persistent", "YYYY-MM-DDThh:mm:ssZ", ["identity"])

    def listMetadataFormats(self, identifier=None):
        return [DCAT_AP]

    def listSets(self):
        raise error.NoSetHierarchyError("no sets")

    def listRecords(self, metadataPrefix, set=None, from_=None, until=None, **_):
        if metadataPrefix != "dcat_ap":
            raise error.CannotDisseminateFormatError(metadataPrefix)
        found = [self._record(i) for i, (stamp, _) in sorted(self.records.items())
                 if (from_ is None or stamp >= from_) and (until is None or stamp <= until)]
        if not found:
            raise error.NoRecordsMatchError("nothing changed")
        return found

    def listIdentifiers(self, metadataPrefix, set=None, from_=None, until=None, **_):
        return [header for header, _, _ in self.listRecords(metadataPrefix, set, from_, until)]

    def getRecord(self, metadataPrefix, identifier):
        if identifier not in self.records:
            raise error.IdDoesNotExistError(identifier)
        return self._record(identifier)

    def _record(self, identifier: str):
        stamp, rdfxml = self.records[identifier]
        return common.Header(None, identifier, stamp, [], rdfxml is None), rdfxml, None


def _write_rdfxml(element, rdfxml: bytes) -> None:
    element.append(etree.fromstring(rdfxml))


@pytest.fixture
def partner():
    app = Flask("partner")
    registry = metadata.MetadataRegistry()
    registry.registerWriter("dcat_ap", _write_rdfxml)
    holder = {}

    @app.route("/oai", methods=["GET", "POST"])
    def oai():
        answer = holder["server"].handleRequest(request.values.to_dict())
        return Response(answer, mimetype="text/xml")

    live = LiveServer(app)
    repository = DcatRepository(live.url + "oai")
    holder["server"] = Server(repository, registry, resumption_batch_size=2)
    yield live, repository
    live.stop()


def harvested_titles(ctx) -> dict[str, str]:
    titles = {}
    for entry in ctx.index.entries():
        if origin(entry.graph) == "foreign":
            text = ctx.store.published_ntriples(entry.graph).decode()
            titles[entry.dataset.rpartition("/")[2]] = "updated" if "Updated title" in text else "first"
    return titles


def test_harvests_a_foreign_server_fully_then_incrementally_with_update_and_delete(central, partner):
    live, repository = partner
    src = SourceConfig(name="foreign", kind="oai-pmh", url=live.url + "oai", policy="warn",
                       allow_private_network=True, max_delete_share=0.5, retries=0, timeout=10.0)
    full = run_harvest(central, src, full=True)
    assert full.status == "complete" and full.mode == "full", full.to_dict()
    assert full.pages == 3 and full.written == 4  # 5 records in batches of 2; the deleted one is not written
    assert harvested_titles(central) == {"a": "first", "b": "first", "c": "first", "e": "first"}

    repository.records["oai:partner.example:b"] = (_now(), dataset_rdfxml("b", "Updated title"))
    repository.records["oai:partner.example:c"] = (_now(), None)
    incremental = run_harvest(central, src)
    assert incremental.status == "complete" and incremental.mode == "incremental", incremental.to_dict()
    assert (incremental.written, incremental.deleted) == (1, 1)
    assert harvested_titles(central) == {"a": "first", "b": "updated", "e": "first"}

    quiet = run_harvest(central, src)  # nothing changed since: the partner answers noRecordsMatch
    assert quiet.status == "complete" and (quiet.written, quiet.deleted) == (0, 0), quiet.to_dict()
