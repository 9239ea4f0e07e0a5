"""`ehds-node serve` as an operator runs it: a real process that answers, then stops cleanly."""

from __future__ import annotations

import signal

import requests
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT

from node.config import Settings
from node.context import open_node
from tests.publish.running_server import running_node
from vocab.namespaces import HYDRA


def catalogue(node) -> Graph:
    response = requests.get(node.root + "catalog?per_page=100", headers={"Accept": "text/turtle"}, timeout=30)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/turtle")
    return Graph().parse(data=response.content, format="turtle")


def test_serve_answers_then_stops_cleanly_on_sigterm(tmp_path):
    data_dir = tmp_path / "data"
    with running_node(data_dir) as node:
        graph = catalogue(node)
        catalog = URIRef(node.root + "catalog")
        assert graph.value(catalog, HYDRA.totalItems).toPython() == 6
        for dataset in graph.objects(catalog, DCAT.dataset):  # IRIs under --base-url dereference
            assert requests.get(str(dataset), headers={"Accept": "text/turtle"}, timeout=30).status_code == 200
        code, log = node.stop(signal.SIGTERM)
    assert code == 0, f"exit code {code} on SIGTERM; log:\n{log}"
    assert "Traceback" not in log
    reopened = open_node(Settings(base_url=node.root, data_dir=data_dir))  # store closed and intact
    try:
        assert len(reopened.index.entries()) == 6
    finally:
        reopened.close()


def test_serve_empty_starts_without_the_bundled_catalogue_and_stops_on_sigint(tmp_path):
    with running_node(tmp_path / "data", "--empty") as node:
        graph = catalogue(node)
        assert graph.value(URIRef(node.root + "catalog"), HYDRA.totalItems).toPython() == 0
        code, log = node.stop(signal.SIGINT)
    assert code in (0, 130), f"exit code {code} on SIGINT; log:\n{log}"
    assert "Traceback" not in log


def test_export_and_review_run_beside_a_running_serve(tmp_path):
    """Commands that only read open the embedded store read-only: no 'store in use' while serve runs."""
    import subprocess
    import sys

    data_dir = tmp_path / "data"
    with running_node(data_dir) as node:
        catalogue(node)
        base = ["--data", str(data_dir), "--base-url", node.root]
        export = subprocess.run([sys.executable, "-m", "node", "export", *base, "-o", str(tmp_path / "all.ttl")],
                                capture_output=True, text=True, timeout=120)
        assert export.returncode == 0 and "exported 6 datasets" in export.stderr, export.stderr
        assert len(set(Graph().parse(tmp_path / "all.ttl").subjects(None, DCAT.Dataset))) == 6
        review = subprocess.run([sys.executable, "-m", "node", "review", *base, "--not-changed-since", "30D"],
                                capture_output=True, text=True, timeout=120)
        assert review.returncode == 0 and "Records not changed since" in review.stdout, review.stderr
        assert requests.get(node.root + "catalog", timeout=30).status_code == 200  # serve still answers


def test_backup_beside_a_running_serve_is_taken_by_the_server(tmp_path, monkeypatch):
    """The embedded store admits one writer: `backup` asks the running server (API token) for the
    checkpoint, which holds every write it answered, and moves it to DEST."""
    import subprocess
    import sys

    import pyoxigraph as ox

    from tests.publish.sample_records import renamed, turtle

    monkeypatch.setenv("EHDS_NODE_API_TOKEN", "backup-token")
    data_dir = tmp_path / "data"
    with running_node(data_dir) as node:
        put = requests.put(node.root + "datasets/just-written", data=turtle(renamed("oscour", "just-written")),
                           headers={"Content-Type": "text/turtle", "Authorization": "Bearer backup-token"}, timeout=60)
        assert put.status_code == 201, put.text
        result = subprocess.run([sys.executable, "-m", "node", "backup", "--data", str(data_dir),
                                 "--base-url", node.root, str(tmp_path / "copy")],
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0 and "taken by the running server" in result.stdout, result.stderr
        assert requests.get(node.root + "catalog", timeout=30).status_code == 200
    copy = ox.Store.read_only(str(tmp_path / "copy"))
    graphs = {q.graph_name.value for q in copy.quads_for_pattern(None, None, None, None)}
    assert node.root + "graph/local/just-written" in graphs
    assert not any((data_dir / "backups").iterdir())  # moved out, nothing left behind
