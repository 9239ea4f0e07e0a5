"""Settings: defaults → TOML file (EHDS_NODE_CONFIG or --config) → EHDS_NODE_* environment → CLI flags.

Frozen dataclasses, checked once at start-up: a bad value stops the node with a ConfigError
that names the setting, instead of failing later on a request.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit

from node.errors import ConfigError

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
    allowed_hosts: tuple[str, ...] = ()    # extra hosts (same scheme and port as url) redirects and links may go to
    allowed_origins: tuple[str, ...] = ()  # extra "scheme://host[:port]" they may go to (another port or scheme)
    precedence: int = 100                  # lower wins when two sources give the same dataset
    timeout: float = 30.0                  # seconds to connect, and at most between two reads of a response
    response_timeout: float = 300.0        # seconds for one whole response (a dripping partner is cut off here)
    max_run_seconds: float = 6 * 3600.0    # wall-clock limit of one run; later fetches fail, the run is incomplete
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
        for setting in ("timeout", "response_timeout", "max_run_seconds"):
            if not getattr(self, setting) > 0:
                raise ConfigError(f"source '{self.name}': {setting} must be a positive number of seconds")
        for host in self.allowed_hosts:
            if not _is_origin(f"http://{host}") or urlsplit(f"http://{host}").port is not None:
                raise ConfigError(f"source '{self.name}': allowed_hosts entry '{host}' must be a host name only; "
                                  "put 'scheme://host:port' in allowed_origins for another port or scheme")
        for origin in self.allowed_origins:
            if not _is_origin(origin):
                raise ConfigError(f"source '{self.name}': allowed_origins entry '{origin}' must look like "
                                  "'https://host' or 'http://host:8080' (scheme, host and port only)")


def _is_origin(text: str) -> bool:
    """scheme://host[:port] with http(s), a host, a valid port, and nothing else."""
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018  (raises ValueError on a bad port)
    except ValueError:
        return False
    return (parts.scheme in ("http", "https") and bool(parts.hostname) and "@" not in parts.netloc
            and not (parts.path or parts.query or parts.fragment or text.endswith(("?", "#"))))


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
    sparql_timeout: float = 10.0
    sparql_max_rows: int = 100_000
    sparql_max_query_bytes: int = 100_000
    sparql_union_default_graph: bool = True
    sparql_service_allowlist: tuple[str, ...] = ()
    threads: int = 8
    log_level: str = "INFO"
    sources: tuple[SourceConfig, ...] = field(default_factory=tuple)

    def __post_init__(self):
        if not re.match(r"https?://[^/]+", self.base_url):
            raise ConfigError(f"base_url must be an absolute http(s) URL, got '{self.base_url}'")
        if not self.base_url.endswith("/"):
            object.__setattr__(self, "base_url", self.base_url + "/")
        if not 1 <= self.page_size <= self.max_page_size:
            raise ConfigError(f"page_size must be between 1 and max_page_size ({self.max_page_size})")
        names = [s.name for s in self.sources]
        if len(names) != len(set(names)):
            raise ConfigError(f"source names must be unique: {names}")

    def source(self, name: str) -> SourceConfig:
        for source in self.sources:
            if source.name == name:
                return source
        known = ", ".join(s.name for s in self.sources) or "none configured"
        raise ConfigError(f"no source named '{name}' (known: {known})")


_ENV_PREFIX = "EHDS_NODE_"


def load_settings(
    config_file: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
    **overrides: Any,
) -> Settings:
    """Build Settings from the TOML file, the environment and explicit overrides (CLI flags)."""
    environ = os.environ if environ is None else environ
    config_file = config_file or environ.get(_ENV_PREFIX + "CONFIG")
    values: dict[str, Any] = {}
    if config_file:
        values.update(_read_toml(Path(config_file)))
    values.update(_from_environment(environ))
    values.update({k: v for k, v in overrides.items() if v is not None})
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
    if raw:
        raise ConfigError(f"config file {path}: unknown tables or keys {sorted(raw)}; use [node] and [[sources]]")
    return {**node_table, "sources": sources}


def _from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    known = {f.name for f in fields(Settings)} - {"sources"}
    values = {}
    for key, value in environ.items():
        if key.startswith(_ENV_PREFIX) and key != _ENV_PREFIX + "CONFIG":
            name = key[len(_ENV_PREFIX):].lower()
            if name in known:
                values[name] = value
    return values


def _build(values: dict[str, Any]) -> Settings:
    known = {f.name: f for f in fields(Settings)}
    unknown = set(values) - set(known)
    if unknown:
        raise ConfigError(f"unknown settings: {', '.join(sorted(unknown))}")
    kwargs = {name: _coerce(name, known[name].type, value) for name, value in values.items() if name != "sources"}
    kwargs["sources"] = tuple(_source(s) for s in values.get("sources", ()))
    return Settings(**kwargs)


def _source(table: Any) -> SourceConfig:
    if not isinstance(table, dict):
        raise ConfigError("each [[sources]] entry must be a table")
    known = {f.name: f for f in fields(SourceConfig)}
    unknown = set(table) - set(known)
    if unknown:
        raise ConfigError(f"source '{table.get('name', '?')}': unknown keys {', '.join(sorted(unknown))}")
    missing = {"name", "kind", "url"} - set(table)
    if missing:
        raise ConfigError(f"source '{table.get('name', '?')}': missing {', '.join(sorted(missing))}")
    return SourceConfig(**{k: _coerce(k, known[k].type, v) for k, v in table.items()})


def _coerce(name: str, type_name: Any, value: Any) -> Any:
    """Turn TOML/env values into the field's type; env values arrive as strings."""
    type_name = str(type_name)
    try:
        if type_name.startswith("bool"):
            if isinstance(value, str):
                if value.lower() not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
                    raise ValueError(value)
                return value.lower() in ("1", "true", "yes", "on")
            return bool(value)
        if type_name.startswith("int"):
            return int(value)
        if type_name.startswith("float"):
            return float(value)
        if type_name.startswith("Path"):
            return Path(value)
        if type_name.startswith("tuple"):
            if isinstance(value, str):
                return tuple(v.strip() for v in value.split(",") if v.strip())
            return tuple(value)
        if value == "" and "None" in type_name:
            return None
        return value
    except (TypeError, ValueError):
        raise ConfigError(f"setting '{name}': cannot read {value!r} as {type_name}") from None
