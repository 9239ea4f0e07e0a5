"""Configuration is read strictly: a wrong type or an unknown key stops the node with a message
naming the setting and where it came from (issue 14)."""

from __future__ import annotations

import pytest

from node.config import Settings, load_settings
from node.errors import ConfigError
from tests.identity.conftest import SECOND_CONFIG, run_cli, write_config


def from_toml(tmp_path, text: str, environ=None, **flags) -> Settings:
    path = tmp_path / "node.toml"
    path.write_text(text, encoding="utf-8")
    return load_settings(path, environ=environ or {}, **flags)


def refused(tmp_path, text: str, environ=None, **flags) -> str:
    with pytest.raises(ConfigError) as raised:
        from_toml(tmp_path, text, environ, **flags)
    return raised.value.message


@pytest.mark.parametrize("line, setting", [
    ("port = true", "port"),
    ("max_page_size = 1.9", "max_page_size"),
    ("base_url = 5", "base_url"),
    ("threads = \"8\"", "threads"),
    ("sparql_timeout = false", "sparql_timeout"),
    ("load_bundled_catalogue = 1", "load_bundled_catalogue"),
    ("sparql_service_allowlist = \"https://a.example/\"", "sparql_service_allowlist"),
    ("sparql_service_allowlist = [1]", "sparql_service_allowlist"),
    ("api_token = 12345", "api_token"),
])
def test_a_wrong_type_names_the_setting_and_the_file(tmp_path, line, setting):
    text = f"[node]\n{line}\n"
    message = refused(tmp_path, text)
    assert f"'{setting}'" in message and "node.toml" in message, message


def test_the_origin_is_named_for_environment_and_flags(tmp_path):
    message = refused(tmp_path, "", {"EHDS_NODE_PORT": "80x"})
    assert "EHDS_NODE_PORT" in message and "'port'" in message
    message = refused(tmp_path, "", port="eighty")
    assert "command-line" in message and "'port'" in message
    environ = {"EHDS_NODE_PORT": "8081", "EHDS_NODE_SPARQL_SERVICE_ALLOWLIST": "https://a.example/, https://b.example/",
               "EHDS_NODE_LOAD_BUNDLED_CATALOGUE": "no", "EHDS_NODE_API_TOKEN": ""}
    settings = from_toml(tmp_path, "", environ)
    assert settings.port == 8081 and settings.load_bundled_catalogue is False and settings.api_token is None
    assert settings.sparql_service_allowlist == ("https://a.example/", "https://b.example/")


def test_unknown_keys_tables_and_variables_are_refused(tmp_path):
    assert "colour" in refused(tmp_path, "[node]\ncolour = 'red'\n")
    assert "extra" in refused(tmp_path, "[extra]\nx = 1\n")
    assert "EHDS_NODE_PROT" in refused(tmp_path, "", {"EHDS_NODE_PROT": "80"})
    assert "licences" in refused(tmp_path, SECOND_CONFIG.format(data_dir='"d"') + 'licences = "x"\n')


def test_log_level_is_checked(tmp_path):
    assert "log_level" in refused(tmp_path, "[node]\nlog_level = 'chatty'\n")
    assert from_toml(tmp_path, "[node]\nlog_level = 'warning'\n").log_level == "WARNING"


@pytest.mark.parametrize("level, shown", [("INFO", True), ("warning", False)])
def test_log_level_is_used_by_serve(tmp_path, monkeypatch, level, shown):
    import requests

    from tests.publish.running_server import running_node

    monkeypatch.setenv("EHDS_NODE_LOG_LEVEL", level)
    with running_node(tmp_path / "data", "--empty") as node:
        assert requests.get(node.root + "catalog", timeout=10).status_code == 200
        _, stderr = node.stop()
    assert ("ehds-node serving" in stderr) is shown and ('"event": "request"' in stderr) is shown, stderr


@pytest.mark.parametrize("change, named", [
    ('title = { en = "" }', "catalog.title.en"),
    ('title = "Just a string"', "catalog.title"),
    ('title = { "not a tag" = "x" }', "catalog.title"),
    ('homepage = "javascript:alert(1)"', "catalog.homepage"),
    ('languages = "ENG"', "catalog.languages"),
    ('spatial = ["http://"]', "catalog.spatial"),
    ('languages = ["en"]', "catalog.languages"),
    ('spatial = ["Belgium"]', "catalog.spatial"),
    ('publisher = { name = "P", email = "not-an-address" }', "catalog.publisher.email"),
    ('publisher = { email = "a@b.example" }', "catalog.publisher.name"),
    ('publisher = { name = "P", phone = "1" }', "catalog.publisher"),
])
def test_catalog_table_errors_name_the_setting(tmp_path, change, named):
    key = change.split(" =")[0]
    lines = [line for line in SECOND_CONFIG.format(data_dir='"d"').splitlines() if not line.startswith(key + " =")]
    message = refused(tmp_path, "\n".join(lines) + "\n" + change + "\n")
    assert named in message and "node.toml" in message, message


def test_codes_of_the_eu_vocabularies_become_their_iris(tmp_path):
    lines = [line for line in SECOND_CONFIG.format(data_dir='"d"').splitlines() if not line.startswith("languages")]
    catalog = from_toml(tmp_path, "\n".join(lines) + '\nlanguages = ["eng", "http://lexvo.org/id/iso639-3/nld"]\n').catalog
    assert catalog.languages == ("http://publications.europa.eu/resource/authority/language/ENG",
                                 "http://lexvo.org/id/iso639-3/nld")
    assert catalog.spatial == ("http://publications.europa.eu/resource/authority/country/BEL",)
    assert catalog.publisher.type == "http://purl.org/adms/publishertype/NationalAuthority"


def test_cli_stops_on_a_bad_config_without_traceback(tmp_path):
    config = write_config(tmp_path, "[node]\nbase_url = 5\ndata_dir = {data_dir}\n")
    result = run_cli("export", "--config", str(config))
    assert result.returncode == 2 and "'base_url'" in result.stderr and "Traceback" not in result.stderr


def test_init_writes_a_working_configuration_and_refuses_to_overwrite(tmp_path):
    folder = tmp_path / "new-node"
    result = run_cli("init", str(folder))
    assert result.returncode == 0, result.stderr
    settings = load_settings(folder / "ehds-node.toml", environ={})
    assert settings.catalog is not None and settings.load_bundled_catalogue is False
    assert (folder / "data").is_dir() and not any((folder / "data").iterdir())
    again = run_cli("init", str(folder))
    assert again.returncode == 2 and "already exists" in again.stderr


@pytest.mark.parametrize("base_url", ["http://:80/", "http://a b/", "https://h/?q=1", "ftp://h/", "h/"])
def test_a_base_url_that_is_not_an_http_iri_is_refused(tmp_path, base_url):
    assert "base_url" in refused(tmp_path, f'[node]\nbase_url = "{base_url}"\n')


def test_an_initialised_node_catalogue_conforms_to_its_profile(tmp_path):
    """The catalogue a new node describes from `init`'s configuration passes the node's own profile
    (HealthDCAT-AP by default: applicable legislation, concept scheme titles, the publisher's cv:ContactPoint)."""
    from node.context import open_node
    from node.validation import Validator

    assert run_cli("init", str(tmp_path / "n")).returncode == 0
    settings = load_settings(tmp_path / "n" / "ehds-node.toml", environ={})
    ctx = open_node(settings)
    try:
        description = ctx.store.graph_triples(ctx.naming.catalog_graph)
    finally:
        ctx.close()
    report = Validator.for_profile(settings.validation_profile).validate(description)
    assert report.conforms, [(r.focus_node, r.path, r.message) for r in report.violations]
