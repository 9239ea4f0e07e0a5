"""Federation end to end: three real nodes on loopback, as operators would run them.

The French node serves the bundled HDH catalogue; a partner node publishes its own records through
the write API; a central node harvests both with `ehds-node harvest --all` (which hands the run to
the central server, since it holds the store). Then the partner changes one record, deletes one and
goes down in the middle of the next harvest: the central node must keep exactly the old copy, and
take the changes on the run after.
"""

from __future__ import annotations

import http.server
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

TOKEN = "federation-token"
DCAT_DATASET = "http://www.w3.org/ns/dcat#Dataset"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Node:
    """`ehds-node serve` in a subprocess on a free port."""

    def __init__(self, tmp: Path, name: str, *args: str, env: dict | None = None, config: Path | None = None,
                 base: str | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.base = base or self.url  # the public base URL of its IRIs (a proxy's, behind one)
        self.data = tmp / name
        self.env = {**os.environ, "EHDS_NODE_BASE_URL": self.base, "EHDS_NODE_API_TOKEN": TOKEN, **(env or {})}
        self.config = config
        command = [sys.executable, "-m", "node", "serve", "--data", str(self.data), "--port", str(self.port), *args]
        if config:
            command += ["--config", str(config)]
        self.log = (tmp / f"{name}.log").open("wb")
        self.process = subprocess.Popen(command, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(self.url + "catalog", timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.1)
        raise AssertionError(f"node on {self.url} did not start")

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "node", *args, "--data", str(self.data)]
        if self.config:
            command += ["--config", str(self.config)]
        return subprocess.run(command, env=self.env, capture_output=True, text=True, timeout=120)

    def datasets(self) -> set[str]:
        query = f"SELECT DISTINCT ?d WHERE {{ ?d a <{DCAT_DATASET}> }}"
        response = requests.post(self.url + "sparql", data={"query": query},
                                 headers={"Accept": "application/sparql-results+json"}, timeout=10)
        assert response.status_code == 200, response.text
        return {b["d"]["value"] for b in response.json()["results"]["bindings"]}

    def catalogue_total(self) -> int:
        body = requests.get(self.url + "catalog.nt?per_page=1", timeout=10).text
        line = next(x for x in body.splitlines() if "hydra/core#totalItems" in x and "catalog>" in x.split()[0])
        return int(line.split('"')[1])

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        self.log.close()


class FlakyProxy:
    """The partner's public address: forwards GETs to the node behind it; after `budget` requests it
    drops connections, like a partner going down."""

    def __init__(self):
        self.target, self.budget = None, None
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if proxy.budget is not None:
                    if proxy.budget <= 0:
                        self.close_connection = True
                        return  # no answer at all
                    proxy.budget -= 1
                upstream = requests.get(proxy.target + self.path.lstrip("/"), headers={"Accept": self.headers["Accept"]})
                body = upstream.content
                self.send_response(upstream.status_code)
                self.send_header("Content-Type", upstream.headers["Content-Type"])
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def partner_dataset(base: str, number: int, title: str | None = None) -> str:
    iri = f"{base}datasets/fi-{number}"
    return f"""@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
<{iri}> a dcat:Dataset ; dct:title "{title or f'Finnish register {number}'}"@en ;
  dct:description "A health register of the partner node, number {number}."@en ;
  dct:identifier "fi-{number}" ; dct:publisher <{base}agents/findata> ;
  dcat:distribution <{iri}/dist> .
<{base}agents/findata> a foaf:Agent ; foaf:name "Findata" .
<{iri}/dist> a dcat:Distribution ; dcat:accessURL <https://findata.fi/en/> .
"""


def put(node: Node, number: int, title: str | None = None) -> None:
    response = requests.put(f"{node.url}datasets/fi-{number}", data=partner_dataset(node.base, number, title).encode(),
                            headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {TOKEN}"}, timeout=10)
    assert response.status_code in (200, 201), response.text


@pytest.fixture
def federation(tmp_path):
    started = []
    try:
        france = Node(tmp_path, "france")
        started.append(france)
        proxy = FlakyProxy()
        partner = Node(tmp_path, "partner", "--empty", env={"EHDS_NODE_VALIDATION_PROFILE": "dcat-ap-3"},
                       base=proxy.url)
        started.append(partner)
        proxy.target = partner.url
        config = tmp_path / "central.toml"
        config.write_text(f"""
[[sources]]
name = "france"
kind = "dcat"
url = "{france.url}catalog?per_page=2"
profile = "healthdcat-ap"
allow_private_network = true
retries = 0

[[sources]]
name = "finland"
kind = "dcat"
url = "{proxy.url}catalog?per_page=2"
profile = "dcat-ap-3"
allow_private_network = true
retries = 0
""")
        central = Node(tmp_path, "central", "--empty", config=config)
        started.append(central)
        yield france, partner, proxy, central
        proxy.close()
    finally:
        for node in started:
            node.stop()


def test_central_node_gathers_both_and_survives_a_partner_failing_mid_run(federation):
    france, partner, proxy, central = federation
    for number in range(1, 6):
        put(partner, number)

    first = central.cli("harvest", "--all", "--json")
    assert first.returncode == 0, first.stderr + first.stdout
    expected = france.datasets() | partner.datasets()
    assert len(expected) == 11
    assert central.datasets() == expected
    assert central.catalogue_total() == 11

    provenance = requests.post(central.url + "sparql", headers={"Accept": "application/sparql-results+json"}, data={
        "query": "SELECT ?d ?page WHERE { ?r <http://xmlns.com/foaf/0.1/primaryTopic> ?d ; "
                 "<http://www.w3.org/ns/prov#wasDerivedFrom> ?page }"}, timeout=10).json()
    pages = {b["d"]["value"]: b["page"]["value"] for b in provenance["results"]["bindings"]}
    assert pages[f"{partner.base}datasets/fi-3"].startswith(proxy.url)
    assert pages[f"{france.url}datasets/snds"].startswith(france.url)

    put(partner, 2, title="Finnish register 2, revised")
    gone = requests.delete(f"{partner.url}datasets/fi-5", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
    assert gone.status_code == 204
    proxy.budget = 1  # the partner answers the first page, then goes down
    failed = central.cli("harvest", "finland", "--json", "--full")
    assert failed.returncode == 1
    assert json.loads(failed.stdout)["status"] == "failed"
    assert central.datasets() == expected  # the old copy, untouched: fi-5 still there
    assert _title(central, f"{partner.base}datasets/fi-2") == "Finnish register 2"

    proxy.budget = None  # back up
    recovered = central.cli("harvest", "finland", "--json", "--full")
    assert recovered.returncode == 0, recovered.stdout + recovered.stderr
    report = json.loads(recovered.stdout)
    assert (report["written"], report["deleted"], report["unchanged"]) == (1, 1, 3)
    assert central.datasets() == expected - {f"{partner.base}datasets/fi-5"}
    assert _title(central, f"{partner.base}datasets/fi-2") == "Finnish register 2, revised"
    runs = requests.get(central.url + "harvest", headers={"Accept": "application/json"}, timeout=10).json()["runs"]
    assert [r["status"] for r in runs[:2]] == ["complete", "failed"]


def _title(node: Node, dataset: str) -> str:
    query = f"SELECT ?t WHERE {{ <{dataset}> <http://purl.org/dc/terms/title> ?t }}"
    response = requests.post(node.url + "sparql", data={"query": query},
                             headers={"Accept": "application/sparql-results+json"}, timeout=10)
    return response.json()["results"]["bindings"][0]["t"]["value"]
