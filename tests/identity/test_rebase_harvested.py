"""`rebase` moves harvested records too: graph names, sub-catalogues, catalogue records, index entries."""

from __future__ import annotations

from node.config import Settings, SourceConfig
from node.harvest import run_harvest
from tests.harvesters.catalogues import dataset_iri, serve_paged
from tests.harvesters.conftest import make_fetcher
from tests.identity.conftest import run_cli

OLD, NEW = "http://central.test/", "https://central.example.eu/ehds/"


def open_central(data_dir, base_url):
    from node.context import open_node

    return open_node(Settings(base_url=base_url, data_dir=data_dir, load_bundled_catalogue=False))


def test_rebase_moves_harvested_records(tmp_path, partner):  # noqa: F811
    source = SourceConfig(name="partner", kind="dcat", url=serve_paged(partner, total=3, page_size=2),
                          allow_private_network=True, retries=0, timeout=5.0)
    ctx = open_central(tmp_path / "data", OLD)
    assert run_harvest(ctx, source, fetcher=make_fetcher(source)).written == 3
    ctx.close()
    result = run_cli("rebase", NEW, "--data", str(tmp_path / "data"))
    assert result.returncode == 0, result.stderr
    ctx = open_central(tmp_path / "data", NEW)
    try:
        entries = ctx.index.entries()
        assert sorted(e.dataset for e in entries) == sorted(dataset_iri(n) for n in range(1, 4))  # partners' IRIs kept
        assert all(e.graph.startswith(NEW + "graph/source/partner/") for e in entries)
        from node.web.app import create_app

        client = create_app(context=ctx).test_client()
        page = client.get("/catalog?per_page=10", headers={"Accept": "application/n-triples"}).get_data(as_text=True)
        assert OLD not in page
        assert f"<{NEW}catalog> <http://www.w3.org/ns/dcat#catalog> <{NEW}sources/partner>" in page
        record_id = ctx.naming.record_id_for_graph(entries[0].graph)
        assert client.get(f"/datasets/{record_id}").status_code == 200
    finally:
        ctx.close()
