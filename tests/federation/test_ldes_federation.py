"""Federation by feed, end to end on loopback (issue 11, done-means): a central node harvests a French
node's DCAT-AP Feed (/feed) with kind `ldes`. The French node creates, changes and deletes records through
its write API; after each run the central node holds exactly the French node's records, and its own
change log shows the same changes with the source's name and the run's id."""

from __future__ import annotations

import socket

import pyoxigraph as ox
import pytest

from node.catalog_index import CatalogIndex
from node.config import Settings, SourceConfig
from node.harvest import run_harvest
from node.harvest.provenance import source_graph_prefix
from tests.harvest_runs.test_runs import central  # noqa: F401  (a pytest fixture: the harvest runs' central node)
from tests.harvesters.conftest import make_fetcher
from tests.harvesters.ldes_feeds import titles
from tests.identity.conftest import CANCER_REGISTRY

TOKEN = "fr-token"
HEADERS = {"Content-Type": "text/turtle", "Authorization": f"Bearer {TOKEN}"}


class NodeServer:
    """A node's web app served by waitress on 127.0.0.1 at a port chosen before the node opens, so that
    its base URL (and so its feed's links) is where it really answers."""

    def __init__(self, tmp_path):
        import threading

        import waitress.server

        from node.context import open_node
        from node.web.app import create_app

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/"
        self.ctx = open_node(Settings(base_url=self.url, data_dir=tmp_path / "fr", api_token=TOKEN, validation_profile="dcat-ap-3",
                                      load_bundled_catalogue=False))
        self.app = create_app(context=self.ctx)
        self.server = waitress.server.create_server(self.app, host="127.0.0.1", port=port, threads=4)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        from waitress import wasyncore

        self.server.task_dispatcher.shutdown(timeout=2)
        self.server.trigger.pull_trigger(lambda: wasyncore.close_all(self.server._map))  # in the loop's thread
        self.thread.join(timeout=5)
        self.ctx.close()


@pytest.fixture
def french(tmp_path):
    node = NodeServer(tmp_path)
    yield node
    node.stop()




def record(name: str, title: str) -> bytes:
    """A DCAT-AP 3 record with its own identifier (a shared one would read as a rename downstream)."""
    return (CANCER_REGISTRY.replace('"Cancer registry"@en', f'"{title}"@en')
            .replace('"be-cancer-registry"', f'"fr-{name}"').encode())


def put(node, name: str, title: str) -> None:
    response = node.app.test_client().put(f"/datasets/{name}", data=record(name, title), headers=HEADERS)
    assert response.status_code in (200, 201), response.get_data(as_text=True)


def delete(node, name: str) -> None:
    response = node.app.test_client().delete(f"/datasets/{name}", headers=HEADERS)
    assert response.status_code in (200, 204), response.get_data(as_text=True)


def datasets(ctx, prefix: str = "") -> set[str]:
    return {e.dataset for e in CatalogIndex(ctx.store).entries() if e.graph.startswith(prefix)}


def harvest_and_compare(french, central) -> tuple:
    """One run; the central copy equals the French catalogue; the run's entries in the central log."""
    source = SourceConfig(name="fr", kind="ldes", url=french.url + "feed", allow_private_network=True,
                          retries=0, timeout=5.0, max_delete_share=1.0)
    before = central.store.last_sequence()
    report = run_harvest(central, source, fetcher=make_fetcher(source))
    assert report.status == "complete", report.error
    assert not report.rejected, report.rejected
    theirs = datasets(french.ctx)
    ours = datasets(central, source_graph_prefix(central.naming, "fr"))
    assert ours == theirs
    assert titles(central, ours) == titles(french.ctx, theirs)
    logged = [e for e in central.store.changes(before + 1, central.store.last_sequence()) if e.source == "fr"]
    assert {e.run for e in logged} <= {report.run_id}
    return report, sorted((e.kind, e.dataset_iri) for e in logged)


def test_the_central_node_follows_the_french_feed(french, central):
    put(french, "cancer", "Cancer registry")
    put(french, "births", "Births")
    put(french, "deaths", "Deaths")
    first, logged = harvest_and_compare(french, central)
    iri = {name: french.url + f"datasets/{name}" for name in ("cancer", "births", "deaths", "rare")}
    assert first.written == 3 and logged == sorted(("create", iri[n]) for n in ("cancer", "births", "deaths"))

    put(french, "births", "Births, 2024 edition")
    delete(french, "deaths")
    put(french, "rare", "Rare diseases")
    second, logged = harvest_and_compare(french, central)
    assert (second.written, second.deleted) == (2, 1)
    assert logged == sorted([("update", iri["births"]), ("delete", iri["deaths"]), ("create", iri["rare"])])
    assert titles(central, [iri["births"]]) == {iri["births"]: "Births, 2024 edition"}

    third, logged = harvest_and_compare(french, central)
    assert (third.written, third.deleted, logged) == (0, 0, [])


def test_provenance_of_the_central_copy_names_the_source_and_run(french, central):
    put(french, "cancer", "Cancer registry")
    report, _ = harvest_and_compare(french, central)
    history = central.store.history(french.url + "datasets/cancer")
    assert [(e.kind, e.source, e.run) for e in history] == [("create", "fr", report.run_id)]
    graph = history[0].graph
    assert ox.NamedNode(french.url + "datasets/cancer") in {t.subject for t in central.store.graph_triples(graph)}


def test_the_central_feed_republishes_the_changes_with_their_provenance(french, central):
    from node.web.app import create_app

    put(french, "cancer", "Cancer registry")
    report, _ = harvest_and_compare(french, central)
    delete(french, "cancer")
    second, _ = harvest_and_compare(french, central)
    client = create_app(context=central).test_client()
    changes = client.get("/catalog/changes?since=0").get_json()["changes"]
    assert [(c["kind"], c["dataset"], c["source"], c["run"]) for c in changes if c["source"] == "fr"] == [
        ("create", french.url + "datasets/cancer", "fr", report.run_id),
        ("delete", french.url + "datasets/cancer", "fr", second.run_id)]
    page = client.get("/feed/page/1", headers={"Accept": "application/n-quads"}).get_data()
    kinds = {q.object.value.rsplit("#", 1)[1] for q in ox.parse(page, format=ox.RdfFormat.N_QUADS)
             if q.predicate.value.endswith("#type") and "activitystreams" in q.object.value}
    assert {"Create", "Delete"} <= kinds
