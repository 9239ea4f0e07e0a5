"""Settings: defaults → TOML file (EHDS_NODE_CONFIG or --config) → EHDS_NODE_* environment → CLI flags.

Frozen dataclasses, checked once at start-up: a bad value stops the node with a ConfigError
that names the setting, instead of failing later on a request.
"""

from __future__ import annotations

import os
import re
import tomllib
import typing
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping

from node.errors import ConfigError
from node.identity import CatalogConfig, read_catalog_table
from node.store.fairness import FairnessPolicy

HARVESTER_KINDS = ("dcat", "ckan", "sparql", "fdp")
VALIDATION_POLICIES = ("reject", "warn")


@dataclass(frozen=True)
class SourceConfig:
    """One partner catalogue to harvest (a `[[sources]]` table in the TOML file)."""

    name: str
    kind: str
    url: str
    profile: str = "dcat-ap-3"
    policy: str = "reject"                 # reject records with violations, or keep them with warnings
    schedule: str | None = None            # "every 6h", "every 30m", "daily" (run inside serve)
    allow_private_network: bool = False    # partners on loopback/private addresses
    allowed_hosts: tuple[str, ...] = ()    # extra hosts that redirects and next links may go to
    precedence: int = 100                  # lower wins when two sources give the same dataset
    timeout: float = 30.0                  # seconds per HTTP request
    max_page_bytes: int = 50_000_000
    max_run_bytes: int = 5_000_000_000
    max_pages: int = 100_000
    page_size: int = 100                   # for sources we page ourselves (ckan, sparql)
    max_delete_share: float = 0.30         # refuse to delete more than this share unless forced
    retries: int = 3

    def __post_init__(self):
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,62}", self.name):
            raise ConfigError(f"source name '{self.name}': use lowercase letters, digits, '-' or '_'")
        if self.kind not in HARVESTER_KINDS:
            raise ConfigError(f"source '{self.name}': kind '{self.kind}' is not one of {', '.join(HARVESTER_KINDS)}")
        if not re.match(r"https?://", self.url):
            raise ConfigError(f"source '{self.name}': url must be http(s), got '{self.url}'")
        if self.policy not in VALIDATION_POLICIES:
            raise ConfigError(f"source '{self.name}': policy must be one of {', '.join(VALIDATION_POLICIES)}")
        if not 0 <= self.max_delete_share <= 1:
            raise ConfigError(f"source '{self.name}': max_delete_share must be between 0 and 1")


@dataclass(frozen=True)
class Settings:
    base_url: str = "http://localhost:8080/"
    data_dir: Path = Path("data")
    host: str = "127.0.0.1"
    port: int = 8080
    api_token: str | None = None           # no token → the write API is disabled, never open
    load_bundled_catalogue: bool = True
    validation_profile: str = "healthdcat-ap"  # checked on every write (PUT, load, harvest)
    page_size: int = 20
    max_page_size: int = 500
    max_body_bytes: int = 10_000_000
    max_literal_bytes: int = 1_000_000     # one literal in any RDF the node reads or stores (records over it are rejected)
    max_nesting_depth: int = 64            # JSON-LD objects/arrays and XML elements nested in each other
    parse_seconds: float = 30.0            # time to read one untrusted RDF document
    max_record_bytes: int = 8_000_000      # a harvested record as staged (with its published form); the
                                           # store's loader cannot take one statement over 16 MiB
    sparql_timeout: float = 10.0
    sparql_max_rows: int = 100_000
    sparql_max_query_bytes: int = 100_000
    sparql_union_default_graph: bool = True
    sparql_service_allowlist: tuple[str, ...] = ()
    threads: int = 16                      # waitress threads; SPARQL takes at most sparql_workers + sparql_queue
    # Fair shares of the SPARQL query workers (node/store/fairness.py, docs/security/fairness.md).
    # A client is an address (IPv6: its /64) or a known bearer token; over its share it gets 429.
    sparql_workers: int = 6                # worker processes; more than cores: long queries drop to nice 19
    sparql_client_workers: int = 1         # queries one client may run at once
    sparql_client_queue: int = 4           # more queries one client may have waiting (a federation engine's burst)
    sparql_queue: int = 8                  # queries waiting for a worker, all clients (a client's first always may)
    sparql_queue_timeout: float = 2.0      # seconds a query may wait for a worker (then 429)
    sparql_client_budget: float = 20.0     # worker-seconds one client may use per window (then 429)
    sparql_budget_window: float = 60.0     # seconds
    sparql_client_tokens: tuple[str, ...] = ()  # bearer tokens that are clients of their own (partners)
    log_level: str = "INFO"                # DEBUG, INFO, WARNING or ERROR: the operator's log
    catalog: CatalogConfig | None = None   # the [catalog] table: this node's own identity (node/identity.py)
    sources: tuple[SourceConfig, ...] = field(default_factory=tuple)

    def __post_init__(self):
        if not re.match(r"https?://[^/]+", self.base_url):
            raise ConfigError(f"base_url must be an absolute http(s) URL, got '{self.base_url}'")
        if not self.base_url.endswith("/"):
            object.__setattr__(self, "base_url", self.base_url + "/")
        if not 1 <= self.page_size <= self.max_page_size:
            raise ConfigError(f"page_size must be between 1 and max_page_size ({self.max_page_size})")
        _check_sparql_shares(self)
        if self.log_level.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ConfigError(f"log_level must be DEBUG, INFO, WARNING or ERROR, got '{self.log_level}'")
        names = [s.name for s in self.sources]
        if len(names) != len(set(names)):
            raise ConfigError(f"source names must be unique: {names}")

    def source(self, name: str) -> SourceConfig:
        for source in self.sources:
            if source.name == name:
                return source
        known = ", ".join(s.name for s in self.sources) or "none configured"
        raise ConfigError(f"no source named '{name}' (known: {known})")


def _check_sparql_shares(settings: Settings) -> None:
    FairnessPolicy.from_settings(settings)  # raises ConfigError naming the setting
    if settings.threads < 1 or settings.sparql_workers + settings.sparql_queue >= settings.threads:
        raise ConfigError(f"threads ({settings.threads}) must be more than sparql_workers + sparql_queue "
                          f"({settings.sparql_workers} + {settings.sparql_queue}): pages need threads SPARQL cannot take")


_ENV_PREFIX = "EHDS_NODE_"


def load_settings(
    config_file: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
    **overrides: Any,
) -> Settings:
    """Build Settings from the TOML file, the environment and explicit overrides (CLI flags). Each value
    is checked against its field's type hint; a wrong type or an unknown key names the setting and
    where it came from."""
    environ = os.environ if environ is None else environ
    config_file = config_file or environ.get(_ENV_PREFIX + "CONFIG")
    values: dict[str, tuple[Any, str]] = {}
    if config_file:
        values.update({k: (v, f"config file {config_file}") for k, v in _read_toml(Path(config_file)).items()})
    values.update({k: (v, f"environment variable {_ENV_PREFIX}{k.upper()}") for k, v in
                   _from_environment(environ).items()})
    values.update({k: (v, "command line") for k, v in overrides.items() if v is not None})
    return _build(values)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"config file {path} not found") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"config file {path}: {err}") from None
    node_table = raw.pop("node", {})
    sources = raw.pop("sources", [])
    catalog = raw.pop("catalog", None)
    if raw:
        raise ConfigError(f"config file {path}: unknown tables or keys {sorted(raw)}; use [node], [catalog] "
                          "and [[sources]]")
    if not isinstance(node_table, dict) or not isinstance(sources, list):
        raise ConfigError(f"config file {path}: [node] must be a table and [[sources]] an array of tables")
    if "catalog" in node_table:
        raise ConfigError(f"config file {path}: 'catalog' is a table of its own ([catalog]), not a [node] key")
    return {**node_table, "sources": sources} | ({"catalog": catalog} if catalog is not None else {})


def _from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    known = {f.name for f in fields(Settings)} - {"sources", "catalog"}
    values = {}
    for key, value in environ.items():
        if key.startswith(_ENV_PREFIX) and key != _ENV_PREFIX + "CONFIG":
            name = key[len(_ENV_PREFIX):].lower()
            if name in known:
                values[name] = value
    return values


def _build(values: dict[str, tuple[Any, str]]) -> Settings:
    hints = typing.get_type_hints(Settings)
    unknown = set(values) - set(hints)
    if unknown:
        name = sorted(unknown)[0]
        raise ConfigError(f"unknown setting '{name}' (from {values[name][1]}); known: "
                          f"{', '.join(sorted(h for h in hints if h not in ('sources', 'catalog')))}")
    kwargs = {name: coerce(name, hints[name], value, origin)
              for name, (value, origin) in values.items() if name not in ("sources", "catalog")}
    if "catalog" in values:
        kwargs["catalog"] = read_catalog_table(*values["catalog"])
    if "sources" in values:
        raw_sources, origin = values["sources"]
        kwargs["sources"] = tuple(_source(table, origin) for table in raw_sources)
    return Settings(**kwargs)


def _source(table: Any, origin: str) -> SourceConfig:
    if not isinstance(table, dict):
        raise ConfigError(f"each [[sources]] entry must be a table ({origin})")
    hints = typing.get_type_hints(SourceConfig)
    name = table.get("name", "?")
    unknown = set(table) - set(hints)
    if unknown:
        raise ConfigError(f"source '{name}': unknown keys {', '.join(sorted(unknown))} ({origin})")
    missing = {"name", "kind", "url"} - set(table)
    if missing:
        raise ConfigError(f"source '{name}': missing {', '.join(sorted(missing))} ({origin})")
    return SourceConfig(**{k: coerce(f"sources.{name}.{k}", hints[k], v, origin) for k, v in table.items()})


def coerce(name: str, hint: Any, value: Any, origin: str) -> Any:
    """`value` as the type `hint` says, strictly: TOML values must already have the type (a bool is not a
    number, 1.9 is not a whole number); environment values arrive as text and are parsed."""
    optional = type(None) in typing.get_args(hint)
    if optional:
        if value is None or value == "":
            return None
        hint = next(arg for arg in typing.get_args(hint) if arg is not type(None))
    try:
        return _as(hint, value)
    except (TypeError, ValueError) as err:
        shown = str(value).lower() if isinstance(value, bool) else repr(value)  # as TOML writes it
        raise ConfigError(f"setting '{name}' (from {origin}): {err}, got {shown}") from None


def _as(hint: Any, value: Any) -> Any:
    if hint is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in _BOOLEANS:
            return _BOOLEANS[value.lower()]
        raise TypeError("expected true or false")
    if hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
            return int(value)
        raise TypeError("expected a whole number")
    if hint is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str):
            return float(value)  # ValueError: not a number
        raise TypeError("expected a number")
    if hint is str or hint is Path:
        if not isinstance(value, (str, Path)):
            raise TypeError("expected text")
        return hint(value)
    if typing.get_origin(hint) is tuple:
        items = [v.strip() for v in value.split(",") if v.strip()] if isinstance(value, str) else value
        if not isinstance(items, (list, tuple)) or not all(isinstance(v, str) for v in items):
            raise TypeError("expected a list of text values")
        return tuple(items)
    raise TypeError(f"no rule to read {hint}")


_BOOLEANS = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False, "off": False}
