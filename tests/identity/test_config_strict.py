"""Configuration is read strictly, by the fields' type hints (issue 14): a wrong type or an unknown key
stops the node with a message naming the setting and where it came from."""

import logging

import pytest

from node.config import load_settings
from node.context import open_node
from node.errors import ConfigError


def from_toml(tmp_path, text: str, **environ):
    path = tmp_path / "node.toml"
    path.write_text(text)
    return load_settings(path, environ={k: str(v) for k, v in environ.items()})


@pytest.mark.parametrize("line, expected", [
    ("port = true", "setting 'port' (from config file"),
    ("max_page_size = 1.9", "setting 'max_page_size' (from config file"),
    ("base_url = 5", "setting 'base_url' (from config file"),
    ("sparql_timeout = \"soon\"", "setting 'sparql_timeout' (from config file"),
    ("load_bundled_catalogue = 1", "setting 'load_bundled_catalogue' (from config file"),
    ("colour = 1", "unknown setting 'colour' (from config file"),
    ("log_level = \"LOUD\"", "log_level must be"),
])
def test_wrong_types_and_unknown_keys_in_the_file_stop_with_the_setting_named(tmp_path, line, expected):
    with pytest.raises(ConfigError) as refused:
        from_toml(tmp_path, f"[node]\n{line}\n")
    assert expected in refused.value.message


def test_environment_values_are_parsed_and_named(tmp_path):
    with pytest.raises(ConfigError, match="EHDS_NODE_PORT"):
        load_settings(environ={"EHDS_NODE_PORT": "80.5"})
    settings = load_settings(environ={"EHDS_NODE_PORT": "8181", "EHDS_NODE_SPARQL_UNION_DEFAULT_GRAPH": "off",
                                      "EHDS_NODE_SPARQL_SERVICE_ALLOWLIST": "https://a/sparql, https://b/sparql"})
    assert (settings.port, settings.sparql_union_default_graph) == (8181, False)
    assert settings.sparql_service_allowlist == ("https://a/sparql", "https://b/sparql")


def test_a_source_key_of_the_wrong_type_is_named(tmp_path):
    with pytest.raises(ConfigError, match=r"setting 'sources\.p\.timeout'"):
        from_toml(tmp_path, '[[sources]]\nname = "p"\nkind = "dcat"\nurl = "https://p.example/"\ntimeout = "30s"\n')


def test_log_level_is_used(tmp_path):
    settings = load_settings(data_dir=str(tmp_path / "d"), log_level="WARNING", load_bundled_catalogue=False)
    open_node(settings).close()
    assert logging.getLogger().level == logging.WARNING
    logging.getLogger().setLevel(logging.INFO)
