"""`ehds-node init DIR`: a configuration and an empty data directory for a new node."""

from __future__ import annotations

from pathlib import Path

from node.errors import ConfigError

TEMPLATE = '''# ehds-node configuration ({path}). Every setting: README.md and docs/security.md.
# Start the node with:  ehds-node serve --config {path}

[node]
base_url = "http://localhost:8080/"   # the public URL of the node: every IRI it mints starts with it
data_dir = "{data}"
# api_token = "change-me"              # enables PUT/DELETE /datasets/<id> and /store
# sparql_service_allowlist = []        # SPARQL endpoints SERVICE may call (empty: query workers have no network)

# This node's own identity: its dcat:Catalog (DCAT-AP asks for title, description and publisher).
# Codes are the EU authority tables' (languages ENG/FRA…, countries FRA/SWE…, licences CC_BY_4_0…,
# data themes HEAL…); full IRIs work too.
[catalog]
title = {{ en = "My health data catalogue" }}
description = {{ en = "What this catalogue describes, for whom, and how to request access." }}
publisher = {{ name = "My institution", email = "data@example.org", url = "https://example.org/" }}
# homepage = "https://example.org/catalogue"
languages = ["ENG"]
# spatial = ["FRA"]
# licence = "CC_BY_4_0"
themes = ["HEAL"]

# Partner catalogues to harvest (kinds: dcat, ckan, sparql, fdp):
# [[sources]]
# name = "partner"
# kind = "dcat"
# url = "https://partner.example.org/catalog"
# schedule = "every 6h"
'''


def register(subparsers) -> None:
    parser = subparsers.add_parser("init", help="write a configuration and an empty data directory for a new node")
    parser.add_argument("directory", metavar="DIR", help="where to put node.toml and data/")
    parser.set_defaults(handler=run)


def run(args) -> int:
    folder = Path(args.directory).resolve()
    config, data = folder / "node.toml", folder / "data"
    if config.exists():
        raise ConfigError(f"{config} exists already: init never overwrites a configuration")
    if data.exists() and any(data.iterdir()):
        raise ConfigError(f"{data} is not empty: init starts new nodes only")
    data.mkdir(parents=True, exist_ok=True)
    config.write_text(TEMPLATE.format(path=config, data=data), encoding="utf-8")
    print(f"wrote {config} and an empty {data}/\nedit [catalog], then: ehds-node serve --config {config}")
    return 0
