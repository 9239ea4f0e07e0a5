"""`ehds-node init DIR`: a commented configuration and an empty data directory for a new node."""

from __future__ import annotations

import json
from pathlib import Path

from node.errors import ConfigError

CONFIG_NAME = "ehds-node.toml"

_TEMPLATE = """\
# Configuration of an ehds-node national node (written by `ehds-node init`).
# Start it with:  ehds-node serve --config {config}
# Every setting can also come from an EHDS_NODE_<NAME> environment variable or a flag;
# flags win over the environment, which wins over this file. See docs/configuration.md.

[node]
# The public base URL: every IRI the node mints starts with it. A store stays on the base URL it
# was created for; to change it later, stop the node and run `ehds-node rebase NEW_URL`.
base_url = "http://localhost:8080/"
data_dir = {data_dir}
host = "127.0.0.1"
port = 8080
# A new store starts empty: the bundled HDH records are for the demonstration node only.
load_bundled_catalogue = false
# api_token = "change-me"        # enables PUT/DELETE /datasets/<id> (or EHDS_NODE_API_TOKEN)
log_level = "INFO"                # DEBUG, INFO, WARNING or ERROR

# The node's own catalogue (dcat:Catalog): replace every value below with your institution's.
[catalog]
title = {{ en = "Catalogue of the example health data access body" }}
description = {{ en = "Health datasets described in HealthDCAT-AP by the example health data access body." }}
# type: an ADMS publisher type code (NationalAuthority, …) or an IRI
publisher = {{ name = "Example health data access body", url = "https://hdab.example.org/", type = "NationalAuthority", email = "contact@hdab.example.org" }}
homepage = "https://hdab.example.org/"
# EU authority codes (or IRIs): languages from /language/, spatial from /country/, licence from /licence/
languages = ["ENG"]
spatial = ["BEL"]
licence = "CC_BY_4_0"
# the theme taxonomies (skos:ConceptScheme) the records use
themes = ["http://publications.europa.eu/resource/authority/data-theme"]
# the legislation the catalogue falls under (default: the EHDS Regulation, which HealthDCAT-AP asks for)
legislation = ["http://data.europa.eu/eli/reg/2025/327/oj"]

# Partner catalogues to harvest, one [[sources]] table each:
# [[sources]]
# name = "partner"
# kind = "dcat"                   # dcat, ckan, sparql or fdp
# url = "https://partner.example.org/catalog"
# schedule = "every 6h"
"""


def register(subparsers) -> None:
    parser = subparsers.add_parser("init", help="write a commented configuration and an empty data directory")
    parser.add_argument("directory", metavar="DIR", help="folder for the new node (created if missing)")
    parser.set_defaults(handler=run)


def run(args) -> int:
    folder = Path(args.directory)
    config, data = folder / CONFIG_NAME, folder / "data"
    if config.exists():
        raise ConfigError(f"{config} already exists; nothing was written")
    if data.exists() and any(data.iterdir()):
        raise ConfigError(f"{data} is not empty; nothing was written")
    try:
        data.mkdir(parents=True, exist_ok=True)
        # json.dumps gives a valid TOML basic string for any path
        text = _TEMPLATE.format(config=config, data_dir=json.dumps(str(data.resolve())))
        with config.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as err:
        raise ConfigError(f"cannot write the new node in {folder}: {err.strerror}") from None
    print(f"wrote {config} and the empty data directory {data}; edit [catalog], then: "
          f"ehds-node serve --config {config}")
    return 0
