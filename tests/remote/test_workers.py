"""`ehds-node serve --workers 4`: four processes on one remote store follow each other's writes and a
harvest run from the CLI while they serve; the embedded store refuses more than one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import requests

from tests.conftest import API_TOKEN, BASE_URL
from tests.publish.sample_records import renamed, turtle
from tests.remote.conftest import free_port
from tests.remote.test_remote_store import ROOT, cli, store_env

WORKERS = 4


def lists(url: str, dataset_iri: str) -> bool:
    page = requests.get(url + "catalog", headers={"Accept": "application/n-triples"}, timeout=10)
    assert page.status_code == 200, page.text
    return f"<{dataset_iri}>".encode() in page.content


def wait_until_up(process, url: str) -> None:
    for _ in range(1200):
        assert process.poll() is None, process.stderr.read().decode()
        try:
            requests.get(url + "catalog", timeout=2)
            return
        except requests.ConnectionError:
            time.sleep(0.05)
    raise AssertionError("serve --workers did not answer within 60 s")


def serve(env: dict, *args: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "node", "serve", "--workers", str(WORKERS), "--port", str(port),
                                *args], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/"
    wait_until_up(process, url)
    return process, url


def stop(process) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def seen_by_every_worker(url: str, dataset_iri: str) -> float:
    """Seconds until 16 pages in a row (from any of the workers) list the dataset."""
    started, streak = time.monotonic(), 0
    while streak < 4 * WORKERS and time.monotonic() - started < 20:
        streak = streak + 1 if lists(url, dataset_iri) else 0
    assert streak == 4 * WORKERS
    return time.monotonic() - started


def test_a_put_through_one_worker_is_seen_by_every_worker(remote, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), **store_env(remote, tmp_path), "EHDS_NODE_API_TOKEN": API_TOKEN}
    server, url = serve(env)
    try:
        assert not any(lists(url, BASE_URL + "datasets/copy") for _ in range(4 * WORKERS))  # each has read it once
        created = requests.put(url + "datasets/copy", data=turtle(renamed("snds", "copy")), timeout=30,
                               headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {API_TOKEN}"})
        assert created.status_code == 201, created.text
        seen_by_every_worker(url, BASE_URL + "datasets/copy")
    finally:
        stop(server)


def test_a_cli_harvest_while_four_workers_serve_reaches_them_all(partner, remote, tmp_path):
    from tests.harvesters.catalogues import dataset_iri, partner_config

    config = tmp_path / "node.toml"
    config.write_text(partner_config(partner))
    node_env = {**store_env(remote, tmp_path), "EHDS_NODE_BASE_URL": "http://central.test/",
                "EHDS_NODE_CONFIG": str(config)}
    server, url = serve({**os.environ, "PYTHONPATH": str(ROOT), **node_env, "EHDS_NODE_API_TOKEN": API_TOKEN,
                         "EHDS_NODE_DATA_DIR": str(tmp_path / "serve")})
    try:
        harvested = cli("harvest", "partner", env_extra=node_env)
        assert harvested.returncode == 0, harvested.stderr
        assert "written 3" in harvested.stdout
        for n in (1, 2, 3):
            seen_by_every_worker(url, dataset_iri(n))
        again = cli("harvest", "partner", "--force", env_extra=node_env)
        assert again.returncode == 0, again.stderr  # the first run's lease was released
    finally:
        stop(server)


def test_the_embedded_store_refuses_more_than_one_worker(tmp_path):
    result = cli("serve", "--workers", "2", "--port", str(free_port()), "--data", str(tmp_path / "data"),
                 env_extra={"EHDS_NODE_DATA_DIR": str(tmp_path / "data")})
    assert result.returncode == 2
    assert "needs a remote store" in result.stderr and "Traceback" not in result.stderr


def test_more_workers_than_the_cores_can_run_are_refused_before_any_starts(tmp_path, remote):
    """`serve --workers 1000` forked a thousand processes and brought a 2-core machine down (load 378)."""
    env = {"EHDS_NODE_STORE": "sparql", "EHDS_NODE_STORE_QUERY_URL": remote.query_url,
           "EHDS_NODE_STORE_UPDATE_URL": remote.update_url, "EHDS_NODE_DATA_DIR": str(tmp_path / "data")}
    result = cli("serve", "--workers", "1000", "--port", str(free_port()), env_extra=env)
    assert result.returncode == 2 and "per CPU core" in result.stderr and "Traceback" not in result.stderr


def test_a_worker_started_while_the_store_is_down_does_not_stop_the_node(tmp_path):
    """With the store stopped, a worker that died was started again, failed to open the store, and
    gunicorn took that boot error as a reason to stop every worker: the node stayed down after the
    store came back."""
    from tests.remote.conftest import oxigraph_binary

    port = free_port()
    command = [oxigraph_binary(), "serve", "--location", str(tmp_path / "store"), "--bind", f"127.0.0.1:{port}",
               "--union-default-graph"]

    def start_store():
        store = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            try:
                requests.post(f"http://127.0.0.1:{port}/query", data={"query": "ASK {}"}, timeout=1)
                return store
            except requests.ConnectionError:
                time.sleep(0.05)
        raise AssertionError("oxigraph serve did not start")

    store = start_store()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "EHDS_NODE_STORE": "sparql", "EHDS_NODE_BASE_URL": BASE_URL,
           "EHDS_NODE_STORE_QUERY_URL": f"http://127.0.0.1:{port}/query", "EHDS_NODE_STORE_TIMEOUT": "2",
           "EHDS_NODE_STORE_UPDATE_URL": f"http://127.0.0.1:{port}/update", "EHDS_NODE_DATA_DIR": str(tmp_path / "data")}
    node, url = serve(env)
    try:
        store.terminate()
        store.wait(10)
        down = requests.post(url + "sparql", data={"query": "ASK {}"}, timeout=30)
        assert down.status_code == 503, down.text
        workers = subprocess.run(["pgrep", "-P", str(node.pid)], capture_output=True, text=True).stdout.split()
        os.kill(int(workers[0]), signal.SIGKILL)
        time.sleep(4)  # the replacement fails to open the store at least once
        assert node.poll() is None, node.stderr.read().decode()[-2000:]
        store = start_store()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            statuses = {requests.get(url + "catalog", headers={"Accept": "text/turtle"}, timeout=30).status_code
                        for _ in range(2 * WORKERS)}
            if statuses == {200}:
                break
            time.sleep(0.5)
        assert statuses == {200}
    finally:
        stop(node)
        store.terminate()
        store.wait(10)
