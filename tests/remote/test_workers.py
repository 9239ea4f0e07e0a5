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
from tests.remote.test_cross_process import HARVEST_CONFIG
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
    from tests.harvesters.catalogues import dataset_iri, serve_paged

    config = tmp_path / "node.toml"
    config.write_text(HARVEST_CONFIG.format(url=serve_paged(partner, total=3, page_size=2)))
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
