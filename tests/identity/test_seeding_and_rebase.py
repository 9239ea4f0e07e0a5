"""Seeding belongs to the store's creation; another base URL stops the node; `rebase` moves the store."""

from __future__ import annotations

import pytest

from node.config import Settings
from node.errors import ConfigError
from tests.identity.conftest import CANCER_REGISTRY, run_cli

OLD, NEW = "http://localhost:8080/", "https://health.example.org/node/"
RECORD = CANCER_REGISTRY.replace("<> a dcat:Dataset", "<https://registry.example.org/ds/1> a dcat:Dataset")


def open_at(data_dir, base_url=OLD, **extra):
    from node.context import open_node

    return open_node(Settings(base_url=base_url, data_dir=data_dir, **extra))


def local_ids(ctx) -> list[str]:
    return sorted(ctx.naming.record_id_for_graph(g) for g in ctx.store.graph_names(ctx.naming.base_url + "graph/local/"))


def test_another_base_url_stops_and_adds_nothing(tmp_path):
    ctx = open_at(tmp_path / "data")
    assert len(local_ids(ctx)) == 6
    ctx.close()
    with pytest.raises(ConfigError) as raised:
        open_at(tmp_path / "data", NEW)
    message = raised.value.message
    assert OLD in message and NEW in message and f"ehds-node rebase {NEW}" in message
    ctx = open_at(tmp_path / "data")
    assert len(local_ids(ctx)) == 6 and not list(ctx.store.graph_names(NEW))
    ctx.close()


def test_cli_on_another_base_url_exits_2_and_names_both(tmp_path):
    open_at(tmp_path / "data").close()
    result = run_cli("export", "--data", str(tmp_path / "data"), env={"EHDS_NODE_BASE_URL": NEW})
    assert result.returncode == 2, result.stderr
    assert OLD in result.stderr and NEW in result.stderr and "rebase" in result.stderr
    assert "Traceback" not in result.stderr


def test_load_into_a_new_store_holds_only_the_file(tmp_path):
    (tmp_path / "my.ttl").write_text(RECORD)
    settings = ["--data", str(tmp_path / "new")]
    result = run_cli("load", *settings, str(tmp_path / "my.ttl"), env={"EHDS_NODE_VALIDATION_PROFILE": "dcat-ap-3"})
    assert result.returncode == 0, result.stderr
    ctx = open_at(tmp_path / "new")  # a later first `serve` of this store does not seed it either
    (only,) = local_ids(ctx)
    assert only.startswith("1-") and "<https://registry.example.org/ds/1>" in result.stdout
    ctx.close()


def test_commands_that_only_read_never_create_a_store(tmp_path):
    """export and review open the store read-only (beside a running serve): on a new folder, a clear error
    (test_load_into_a_new_store_holds_only_the_file: a store another command creates is never seeded)."""
    for command in (["export", "-o", str(tmp_path / "out.nt")], ["review", "--not-changed-since", "2Y"]):
        result = run_cli(command[0], "--data", str(tmp_path / "data"), *command[1:])
        assert result.returncode == 2 and "no node store in" in result.stderr, result.stderr
    assert not (tmp_path / "data" / "store").exists()


def test_a_store_started_empty_is_not_seeded_later(tmp_path):
    open_at(tmp_path / "data", load_bundled_catalogue=False).close()  # serve --empty
    ctx = open_at(tmp_path / "data")  # serve
    assert local_ids(ctx) == []
    ctx.close()


def test_rebase_moves_every_iri(tmp_path):
    open_at(tmp_path / "data").close()
    result = run_cli("rebase", NEW, "--data", str(tmp_path / "data"))
    assert result.returncode == 0, result.stderr
    ctx = open_at(tmp_path / "data", NEW)
    try:
        assert len(local_ids(ctx)) == 6
        left = [q for q in ctx.store.backend.quads() if OLD in str(q) and q.graph_name.value != "urn:ehds-node:store"]
        assert left == []
        from node.web.app import create_app

        client = create_app(context=ctx).test_client()
        page = client.get("/catalog?per_page=50", headers={"Accept": "application/n-triples"}).get_data(as_text=True)
        assert OLD not in page and f"<{NEW}datasets/snds>" in page
        assert client.get("/datasets/snds").status_code == 200
        assert client.get("/catalog?q=SNDS", headers={"Accept": "application/json"}).status_code == 200
    finally:
        ctx.close()
    with pytest.raises(ConfigError):
        open_at(tmp_path / "data", OLD)


def test_rebase_refuses_an_empty_store_or_the_same_url_or_a_bad_url(tmp_path):
    assert run_cli("rebase", NEW, "--data", str(tmp_path / "none")).returncode == 2
    open_at(tmp_path / "data").close()
    same = run_cli("rebase", OLD, "--data", str(tmp_path / "data"))
    assert same.returncode == 2 and "already" in same.stderr
    bad = run_cli("rebase", "ftp://x/", "--data", str(tmp_path / "data"))
    assert bad.returncode == 2 and "base_url" in bad.stderr and "Traceback" not in bad.stderr


@pytest.mark.parametrize("started_empty", [True, False])
def test_a_failed_harvest_never_seeds(tmp_path, started_empty):
    """Finding 2: a failed `ehds-node harvest` on a central node added the six HDH records."""
    if started_empty:
        open_at(tmp_path / "data", load_bundled_catalogue=False).close()  # serve --empty
    config = tmp_path / "central.toml"
    config.write_text(f'[node]\nbase_url = "{OLD}"\ndata_dir = "{tmp_path / "data"}"\n\n[[sources]]\n'
                      'name = "partner"\nkind = "dcat"\nurl = "http://127.0.0.1:9/catalog"\n'
                      'allow_private_network = true\nretries = 0\ntimeout = 2.0\n')
    result = run_cli("harvest", "partner", "--config", str(config))
    assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
    ctx = open_at(tmp_path / "data")
    assert local_ids(ctx) == []
    ctx.close()


def test_an_interrupted_rebase_stops_the_node_and_resumes(tmp_path):
    from node.rebase import rebase_store
    from node.store.oxigraph import OxigraphStore

    open_at(tmp_path / "data").close()

    class CutAfterTwoBatches:
        def __init__(self, store):
            self.store, self.writes = store, 0

        def __getattr__(self, name):
            return getattr(self.store, name)

        def apply(self, changes):
            self.writes += 1
            if self.writes > 3:  # the "moving" mark, then two batches of two graphs
                raise KeyboardInterrupt
            self.store.apply(changes)

    store = OxigraphStore(tmp_path / "data" / "store")
    with pytest.raises(KeyboardInterrupt):
        rebase_store(CutAfterTwoBatches(store), NEW, "2026-11-28T00:00:00Z", batch=2)
    store.close()
    for base in (OLD, NEW):
        with pytest.raises(ConfigError, match=f"interrupted; finish it with: ehds-node rebase {NEW}"):
            open_at(tmp_path / "data", base)
    result = run_cli("rebase", NEW, "--data", str(tmp_path / "data"))
    assert result.returncode == 0, result.stderr
    ctx = open_at(tmp_path / "data", NEW)
    try:
        assert len(local_ids(ctx)) == 6
        assert [q for q in ctx.store.backend.quads() if OLD in str(q) and q.graph_name.value != "urn:ehds-node:store"] == []
    finally:
        ctx.close()


def test_shared_resources_stay_in_step_after_a_rebase(tmp_path):
    """The hashes of shared resources do not depend on the base URL: after `rebase`, a record that
    describes the HDH's agents as the others do rewrites no other record (and logs only itself)."""
    import json

    from node.web.app import create_app
    from tests.publish.sample_records import renamed, turtle

    open_at(tmp_path / "data", api_token="t").close()
    assert run_cli("rebase", NEW, "--data", str(tmp_path / "data")).returncode == 0
    ctx = open_at(tmp_path / "data", NEW, api_token="t")
    try:
        before = ctx.store.last_sequence()
        body = turtle(renamed("snds", "copy")).decode().replace(OLD, NEW).encode()
        response = create_app(context=ctx).test_client().put(
            "/datasets/copy", data=body, headers={"Content-Type": "text/turtle", "Authorization": "Bearer t"})
        assert response.status_code == 201, response.get_data(as_text=True)
        assert "updated" not in json.loads(response.get_data())
        assert ctx.store.last_sequence() == before + 1
    finally:
        ctx.close()
