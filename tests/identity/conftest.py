"""A second national node, for a fictitious Belgian registry network: its configuration, its own
record, and helpers to run the `ehds-node` command against a data directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SECOND_BASE = "http://registries.example.be/"
SECOND_CONFIG = """
[node]
base_url = "http://registries.example.be/"
data_dir = {data_dir}
api_token = "second-token"
load_bundled_catalogue = false
validation_profile = "dcat-ap-3"

[catalog]
title = {{ en = "Belgian registry network catalogue", fr = "Catalogue du réseau belge des registres" }}
description = {{ en = "Population registries of the Belgian registry network.", nl = "Populatieregisters van het Belgische registernetwerk." }}
publisher = {{ name = "Belgian Registry Network", url = "https://registries.example.be/about", type = "NationalAuthority", email = "info@registries.example.be" }}
homepage = "https://registries.example.be/"
languages = ["ENG", "FRA", "NLD"]
spatial = ["BEL"]
licence = "CC0"
"""

# A DCAT-AP 3 record of the second node, with its own agents (none of the HDH's).
CANCER_REGISTRY = """
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<> a dcat:Dataset ;
    dct:title "Cancer registry"@en ;
    dct:description "Incidence of cancer in Belgium since 2004."@en ;
    dct:identifier "be-cancer-registry" ;
    dct:publisher <http://registries.example.be/agents/bcr> ;
    dcat:contactPoint <http://registries.example.be/agents/bcr/contact> ;
    dcat:theme <http://publications.europa.eu/resource/authority/data-theme/HEAL> ;
    dct:spatial <http://publications.europa.eu/resource/authority/country/BEL> .
<http://registries.example.be/agents/bcr> a foaf:Agent ; foaf:name "Belgian Cancer Registry"@en .
<http://registries.example.be/agents/bcr/contact> a vcard:Kind ; vcard:fn "BCR desk" ;
    vcard:hasEmail <mailto:desk@registries.example.be> .
<http://publications.europa.eu/resource/authority/data-theme/HEAL> a skos:Concept ;
    skos:prefLabel "Health"@en ; skos:inScheme <http://publications.europa.eu/resource/authority/data-theme> .
<http://publications.europa.eu/resource/authority/data-theme> a skos:ConceptScheme ; dct:title "Data theme"@en .
<http://publications.europa.eu/resource/authority/country/BEL> a dct:Location .
"""


def write_config(folder: Path, text: str = SECOND_CONFIG) -> Path:
    config = folder / "ehds-node.toml"
    config.write_text(text.format(data_dir=f'"{folder / "data"}"'), encoding="utf-8")
    return config


@pytest.fixture
def second_config(tmp_path) -> Path:
    return write_config(tmp_path)


@pytest.fixture
def second_client(second_config):
    """The second node's web app, with its one record published through the write API."""
    from node.config import load_settings
    from node.context import open_node
    from node.web.app import create_app

    ctx = open_node(load_settings(second_config, environ={}))
    client = create_app(context=ctx).test_client()
    response = client.put("/datasets/cancer-registry", data=CANCER_REGISTRY.encode(),
                          headers={"Content-Type": "text/turtle", "Authorization": "Bearer second-token"})
    assert response.status_code == 201, response.get_data(as_text=True)
    yield client
    ctx.close()


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`python -m node ARGS` with this checkout's code and a clean EHDS_NODE_* environment."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("EHDS_NODE_")}
    environ["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    environ.update(env or {})
    return subprocess.run([sys.executable, "-m", "node", *args], capture_output=True, text=True, env=environ,
                          timeout=300)
