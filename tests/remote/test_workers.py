"""`ehds-node serve --workers N`: several processes on one remote store follow each other's writes;
the embedded store refuses more than one."""

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


def lists(url: str, record_id: str) -> bool:
    page = requests.get(url + "catalog", headers={"Accept": "application/n-triples"}, timeout=10)
    assert page.status_code == 200, page.text
    return f"{BASE_URL}datasets/{record_id}>".encode() in page.content


def wait_until_up(process, url: str) -> None:
    for _ in range(600):
        assert process.poll() is None, process.stderr.read().decode()
        try:
            requests.get(url + "catalog", timeout=2)
            return
        except requests.ConnectionError:
            time.sleep(0.05)
    raise AssertionError("serve --workers did not answer within 30 s")


def test_a_put_through_one_worker_is_seen_by_every_worker(remote, tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {**os.environ, "PYTHONPATH": str(ROOT), **store_env(remote, tmp_path), "EHDS_NODE_API_TOKEN": API_TOKEN}
    server = subprocess.Popen([sys.executable, "-m", "node", "serve", "--workers", "3", "--port", str(port)],
                              env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_until_up(server, url)
        assert not any(lists(url, "copy") for _ in range(12))  # every worker has read the catalogue once
        created = requests.put(url + "datasets/copy", data=turtle(renamed("snds", "copy")), timeout=30,
                               headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {API_TOKEN}"})
        assert created.status_code == 201, created.text
        deadline, streak = time.monotonic() + 10, 0
        while streak < 12 and time.monotonic() < deadline:  # 12 pages in a row list it, from any worker
            streak = streak + 1 if lists(url, "copy") else 0
        assert streak == 12
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_the_embedded_store_refuses_more_than_one_worker(tmp_path):
    result = cli("serve", "--workers", "2", "--port", str(free_port()), "--data", str(tmp_path / "data"),
                 env_extra={"EHDS_NODE_DATA_DIR": str(tmp_path / "data")})
    assert result.returncode == 2
    assert "needs a remote store" in result.stderr and "Traceback" not in result.stderr
