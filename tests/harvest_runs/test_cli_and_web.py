"""`ehds-node harvest` and /harvest as an operator uses them."""

import json

import pytest

from node.cli import main
from tests.harvesters.catalogues import catalogue_turtle, partner_config


@pytest.fixture
def config(tmp_path, partner):
    path = tmp_path / "node.toml"
    path.write_text(partner_config(partner, api_token="t"))
    return path


def test_harvest_a_configured_source_then_show_the_report(config, tmp_path, capsys):
    data = str(tmp_path / "data")
    assert main(["harvest", "partner", "--config", str(config), "--data", data]) == 0
    out = capsys.readouterr().out
    assert "partner: complete (full)" in out and "written 3" in out
    assert main(["harvest", "--report", "--config", str(config), "--data", data]) == 0
    assert "partner" in capsys.readouterr().out
    assert main(["harvest", "--report", "--json", "--config", str(config), "--data", data]) == 0
    runs = json.loads(capsys.readouterr().out)
    assert runs[0]["written"] == 3 and runs[0]["status"] == "complete"


def test_trying_an_unconfigured_url_is_a_dry_run(partner, tmp_path, capsys):
    url = partner.serve("/c.ttl", catalogue_turtle([1, 2]))
    data = str(tmp_path / "data")
    code = main(["harvest", "--url", url, "--kind", "dcat", "--allow-private-network", "--data", data,
                 "--base-url", "http://central.test/"])
    assert code == 0
    assert "try: dry-run" in capsys.readouterr().out
    from node.config import Settings
    from node.context import open_node

    ctx = open_node(Settings(base_url="http://central.test/", data_dir=tmp_path / "data"))
    try:
        assert not list(ctx.store.graph_names("http://central.test/graph/source/"))
    finally:
        ctx.close()


def test_cli_errors_are_one_line_and_non_zero(config, tmp_path, capsys):
    data = str(tmp_path / "data")
    assert main(["harvest", "nobody", "--config", str(config), "--data", data]) == 2
    assert "no source named 'nobody'" in capsys.readouterr().err
    assert main(["harvest", "--url", "http://x.test/", "--data", data]) == 2
    assert "--url needs --kind" in capsys.readouterr().err


def test_web_shows_runs_and_runs_a_source_with_the_token(config, tmp_path):
    from node.config import load_settings
    from node.web.app import create_app

    settings = load_settings(config, environ={}, data_dir=tmp_path / "web")
    client = create_app(settings).test_client()
    assert client.post("/harvest/partner").status_code == 401
    assert client.post("/harvest/nobody", headers={"Authorization": "Bearer t"}).status_code == 404
    ran = client.post("/harvest/partner", headers={"Authorization": "Bearer t"})
    assert ran.status_code == 200 and ran.json["written"] == 3
    listing = client.get("/harvest", headers={"Accept": "application/json"}).json
    assert listing["sources"][0]["name"] == "partner" and listing["runs"][0]["status"] == "complete"
    page = client.get("/harvest", headers={"Accept": "text/html"})
    assert page.status_code == 200 and b"partner" in page.data and b"complete" in page.data
