"""Processes sharing one remote store (gunicorn workers, a CLI harvest, other hosts): the change log
numbers every write once, and a harvest source runs in one process at a time (node.store.remote_lease)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

from node.store.remote_lease import Lease
from tests.conftest import BASE_URL
from tests.remote.conftest import remote_settings
from tests.remote.test_remote_store import ROOT, cli

PER_PROCESS = 8


def writer(remote, tmp_path, prefix: str, start_at: float) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.remote.writer_process", remote.query_url, remote.update_url,
         str(tmp_path / prefix), prefix, str(PER_PROCESS), str(start_at)],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_two_processes_publishing_at_once_number_every_change_once(remote, tmp_path):
    from node.context import open_node

    start_at = time.time() + 8  # both have opened their node by then
    processes = [writer(remote, tmp_path, prefix, start_at) for prefix in ("a", "b")]
    for process in processes:
        _, err = process.communicate(timeout=240)
        assert process.returncode == 0, err.decode()[-2000:]
    ctx = open_node(remote_settings(remote, tmp_path / "reader", load_bundled_catalogue=False))
    try:
        last = ctx.store.last_sequence()
        entries = ctx.store.changes(1, last + 5, with_payload=False)
        assert last == 2 * PER_PROCESS  # no entry lost, none written twice under one number
        assert [e.sequence for e in entries] == list(range(1, last + 1))
        created = sorted(e.dataset_iri.removeprefix(BASE_URL + "datasets/") for e in entries)
        assert created == sorted(f"{p}{n}" for p in "ab" for n in range(PER_PROCESS))
        assert all(e.kind == "create" for e in entries)
    finally:
        ctx.close()


def test_a_lease_is_held_by_one_holder_at_a_time_across_connections(remote, tmp_path):
    """Six threads, each on its own connection to the server, take and release one lease over and over."""
    from node.context import open_node

    contexts = [open_node(remote_settings(remote, tmp_path / f"n{i}", load_bundled_catalogue=False)) for i in range(6)]
    inside, most_inside, taken = [0], [0], [0]
    guard = threading.Lock()

    def contend(ctx):
        for _ in range(5):
            with ctx.store.lease("race", seconds=30, wait=60):
                with guard:
                    inside[0] += 1
                    most_inside[0] = max(most_inside[0], inside[0])
                    taken[0] += 1
                time.sleep(0.01)
                with guard:
                    inside[0] -= 1

    threads = [threading.Thread(target=contend, args=(ctx,)) for ctx in contexts]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(240)
        assert taken[0] == 30 and most_inside[0] == 1
    finally:
        for ctx in contexts:
            ctx.close()


def test_a_lease_left_by_a_crashed_process_expires(remote, tmp_path):
    from node.context import open_node

    ctx = open_node(remote_settings(remote, tmp_path / "n", load_bundled_catalogue=False))
    try:
        crashed = Lease(ctx.store.backend, "harvest/partner", seconds=1.5)
        assert crashed.try_take()  # and never released: its process "died"
        other = Lease(ctx.store.backend, "harvest/partner", seconds=30)
        assert not other.try_take()
        time.sleep(1.6)
        assert other.try_take() and other.live_holders() == {other.holder}
    finally:
        ctx.close()


def test_a_harvest_running_in_another_process_is_refused_then_runs(partner, central, remote, tmp_path):
    from tests.harvesters.catalogues import partner_config

    config = tmp_path / "node.toml"
    config.write_text(partner_config(partner))
    env = {"EHDS_NODE_STORE": "sparql", "EHDS_NODE_STORE_QUERY_URL": remote.query_url,
           "EHDS_NODE_STORE_UPDATE_URL": remote.update_url, "EHDS_NODE_DATA_DIR": str(tmp_path / "cli")}
    with central.store.lease("harvest/partner", seconds=60):  # as a run in this process holds it
        refused = cli("harvest", "partner", "--config", str(config), env_extra=env)
    assert refused.returncode == 2, refused.stderr
    assert "already running in another process" in refused.stderr and "Traceback" not in refused.stderr
    assert len(central.index.entries()) == 0
    ran = cli("harvest", "partner", "--config", str(config), env_extra=env)
    assert ran.returncode == 0, ran.stderr
    assert "written 3" in ran.stdout


def test_a_write_waits_out_a_dead_holder_of_the_write_lock_and_fails_cleanly_past_it(remote, tmp_path):
    from node.context import open_node
    from node.web.app import create_app
    from tests.publish.sample_records import renamed, turtle
    from tests.publish.test_write_api import put

    ctx = open_node(remote_settings(remote, tmp_path / "n", load_bundled_catalogue=False, store_timeout=1.0))
    try:
        client = create_app(context=ctx).test_client()
        assert Lease(ctx.store.backend, "writes", seconds=1.0).try_take()  # its process died holding it
        assert put(client, "after", turtle(renamed("snds", "after"))).status_code == 201  # waited ~1 s
        Lease(ctx.store.backend, "writes", seconds=600).try_take()  # one that lives longer than the wait
        refused = put(client, "blocked", turtle(renamed("snds", "blocked")))
        assert refused.status_code == 503 and "write lock" in refused.json["message"]
        assert client.get("/datasets/blocked").status_code == 404
    finally:
        ctx.close()
