"""Any national node, not only the HDH: its own [catalog] identity, `ehds-node init` (issue 14, finding 1)."""

import pytest

from node.catalog_index import CatalogIndex
from node.cli import main
from node.config import load_settings
from node.context import open_node
from node.errors import ConfigError
from node.validation import Validator

REGISTRY = """[node]
base_url = "https://nrn.example/"
data_dir = "{data}"

[catalog]
title = {{ en = "Nordic Registry Network catalogue", fr = "Catalogue du réseau nordique des registres" }}
description = {{ en = "Registries of the fictitious Nordic Registry Network." }}
publisher = {{ name = "Nordic Registry Network", email = "data@nrn.example", url = "https://nrn.example/" }}
languages = ["ENG", "SWE"]
spatial = ["SWE", "NOR"]
licence = "CC_BY_4_0"
themes = ["HEAL"]
"""


@pytest.fixture
def registry(tmp_path):
    config = tmp_path / "node.toml"
    config.write_text(REGISTRY.format(data=tmp_path / "data"))
    ctx = open_node(load_settings(config))
    yield ctx
    ctx.close()


def test_a_configured_node_describes_itself_and_has_none_of_the_hdh(registry):
    description = {(t.predicate.value.rsplit("/", 1)[-1], str(t.object))
                   for t in registry.store.graph_triples(registry.naming.catalog_graph)}
    assert ("title", '"Nordic Registry Network catalogue"@en') in description
    assert ("language", "<http://publications.europa.eu/resource/authority/language/SWE>") in description
    assert not [d for d in description if "Health Data Hub" in d[1] or "health-data-hub" in d[1]]
    assert CatalogIndex(registry.store).entries() == []


def test_its_catalogue_description_conforms_to_dcat_ap(registry):
    triples = registry.store.graph_triples(registry.naming.catalog_graph)
    report = Validator.for_profile("dcat-ap-3").validate(triples)
    assert report.violations == (), [r.message for r in report.violations]


@pytest.mark.parametrize("catalog, expected", [
    ('title = { en = "T" }\npublisher = { name = "P", email = "p@e.org" }', "catalog.description' is missing"),
    ('title = { en = "T" }\ndescription = { en = "D" }\npublisher = { name = "P" }', "catalog.publisher.email"),
    ('title = "T"\ndescription = { en = "D" }\npublisher = { name = "P", email = "p@e.org" }', "catalog.title"),
    ('title = { en = "T" }\ndescription = { en = "D" }\npublisher = { name = "P", email = "p@e.org" }\n'
     'licence = "not an iri with spaces"', "catalog.licence"),
    ('title = { en = "T" }\ndescription = { en = "D" }\npublisher = { name = "P", email = "p@e.org" }\ncolour = 1',
     "catalog.colour"),
])
def test_a_wrong_catalog_table_names_the_setting(tmp_path, catalog, expected):
    config = tmp_path / "node.toml"
    config.write_text(f"[catalog]\n{catalog}\n")
    with pytest.raises(ConfigError) as refused:
        load_settings(config)
    assert expected in refused.value.message and str(config) in refused.value.message


def test_init_writes_a_working_configuration_and_never_overwrites(tmp_path, capsys):
    folder = tmp_path / "new-node"
    assert main(["init", str(folder)]) == 0
    settings = load_settings(folder / "node.toml")
    assert settings.catalog is not None and settings.data_dir == folder / "data"
    ctx = open_node(settings)
    try:
        assert CatalogIndex(ctx.store).entries() == []
    finally:
        ctx.close()
    assert main(["init", str(folder)]) == 2
    assert "exists already" in capsys.readouterr().err
