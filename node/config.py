"""Settings: defaults → TOML file (EHDS_NODE_CONFIG or --config) → EHDS_NODE_* environment → CLI flags.

Frozen dataclasses, checked once at start-up: a bad value stops the node with a ConfigError
that names the setting, instead of failing later on a request.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
import types
import typing
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit

from node.config_checks import check_base_url, check_oai, check_source, check_sparql_shares, check_store, url_parts
from node.errors import ConfigError
from node.identity import CatalogIdentity, identity_from_table

HARVESTER_KINDS = ("dcat", "ckan", "sparql", "fdp", "ldes", "oai-pmh")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
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
    oai_metadata_prefix: str = "dcat_ap"   # kind oai-pmh: the metadataPrefix asked for (RDF/XML inside <metadata>)
    oai_set: str = ""                      # kind oai-pmh: a setSpec to harvest ("" = the whole repository)

    def __post_init__(self):
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,62}", self.name):
            raise ConfigError(f"source name '{self.name}': use lowercase letters, digits, '-' or '_'")
        if self.kind not in HARVESTER_KINDS:
            raise ConfigError(f"source '{self.name}': kind '{self.kind}' is not one of {', '.join(HARVESTER_KINDS)}")
        parts = url_parts(self.url, f"source '{self.name}': url")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"source '{self.name}': url must be http(s) with a host, got '{self.url[:200]}'")
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
        check_source(self)  # schedule, profile, counts: shared by every command


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
    max_literal_bytes: int = 1_000_000     # one literal in any RDF the node reads or stores (records over it are rejected)
    max_nesting_depth: int = 64            # JSON-LD objects/arrays and XML elements nested in each other
    parse_seconds: float = 30.0            # time to read one untrusted RDF document
    max_record_bytes: int = 8_000_000      # a harvested record as staged (with its published form); the
                                           # store's loader cannot take one statement over 16 MiB
    change_retention_days: int = 400       # change-log entries older than this are pruned (feed and history)
    # /validate by URL (node/web/validate_url.py): fetched through node.fetch's guarded client, only from these
    # origins ("https://host[:port]"); none: the URL field is refused. Body capped by max_body_bytes.
    validate_url_origins: tuple[str, ...] = ()
    validate_url_allow_private_network: bool = False  # loopback/private addresses (tests, an intranet node)
    validate_url_timeout: float = 10.0     # seconds to connect, between reads, and for the whole response
    validate_seconds: float = 30.0         # /validate: one validation, parse to report (then 503); the CLI has no limit
    validate_max_results: int = 100_000    # /validate: results of one validation, 20,000 of one record (then 413)
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
    # Requests per client on every route, before routing (node/web/request_rate.py, docs/security/fairness.md).
    request_rate: float = 20.0             # requests per second one client may send on average (0: no limit)
    request_burst: float = 100.0           # requests one client may send at once (a page and its assets, a harvester)
    request_max_delay: float = 60.0        # refused requests count too: Retry-After grows up to this many seconds
    request_rate_clients: int = 10_000     # clients remembered at most (least recently seen dropped first)
    log_level: str = "INFO"                # level of the node's log on stderr (DEBUG, INFO, WARNING, ERROR)
    # The store (docs/deployment.md): "oxigraph" (embedded, in data_dir; one process) or "sparql" (a
    # SPARQL 1.1 server through the standard protocols; many processes). The server's credentials
    # (basic or bearer) are never logged nor shown in a repr.
    store: str = "oxigraph"
    store_query_url: str | None = None        # SPARQL 1.1 Query endpoint (store = "sparql")
    store_update_url: str | None = None       # SPARQL 1.1 Update endpoint (default: store_query_url)
    store_graph_store_url: str | None = None  # Graph Store HTTP Protocol endpoint (optional; not needed yet)
    store_user: str | None = None             # HTTP basic authentication ...
    store_password: str | None = field(default=None, repr=False)
    store_token: str | None = field(default=None, repr=False)  # ... or a bearer token
    store_timeout: float = 30.0               # seconds for one internal request to the server
    oai_page_size: int = 100               # records (or headers) per OAI-PMH list response (/oai)
    oai_repository_name: str = ""          # Identify's repositoryName; "" → the catalogue's title
    oai_admin_email: str = "admin@localhost.invalid"  # Identify's adminEmail (required by OAI-PMH; the schema
                                           # wants a dot in the domain): set it; .invalid is never delivered
    catalog: CatalogIdentity | None = None  # the [catalog] table; None: the bundled HDH identity
    sources: tuple[SourceConfig, ...] = field(default_factory=tuple)

    def __post_init__(self):
        check_base_url(self.base_url)
        if not self.base_url.endswith("/"):
            object.__setattr__(self, "base_url", self.base_url + "/")
        if self.log_level.upper() not in _LOG_LEVELS:
            raise ConfigError(f"log_level must be one of {', '.join(_LOG_LEVELS)}, got '{self.log_level}'")
        object.__setattr__(self, "log_level", self.log_level.upper())
        if not 0 <= self.port <= 65535:
            raise ConfigError(f"port must be between 0 and 65535, got {self.port}")
        check_sparql_shares(self)
        check_store(self)
        if not 1 <= self.page_size <= self.max_page_size:
            raise ConfigError(f"page_size must be between 1 and max_page_size ({self.max_page_size})")
        if self.change_retention_days < 31:
            raise ConfigError(f"change_retention_days must be at least 31 (partners pulling monthly must still see "
                              f"deletions), got {self.change_retention_days}")
        check_oai(self)
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
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def load_settings(
    config_file: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
    **overrides: Any,
) -> Settings:
    """Build Settings from the TOML file, the environment and explicit overrides (CLI flags).

    Each value keeps where it came from, so that a bad one is reported with its origin."""
    environ = os.environ if environ is None else environ
    config_file = config_file or environ.get(_ENV_PREFIX + "CONFIG")
    values: dict[str, tuple[Any, str]] = {}
    if config_file:
        values.update(_read_toml(Path(config_file)))
    values.update(_from_environment(environ))
    values.update({k: (v, f"command-line option for '{k}'") for k, v in overrides.items() if v is not None})
    return _build(values)


def _read_toml(path: Path) -> dict[str, tuple[Any, str]]:
    try:
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"config file {path} not found") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"config file {path}: cannot be read ({err})") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"config file {path}: {err}") from None
    origin = f"config file {path}"
    node_table = raw.pop("node", {})
    if not isinstance(node_table, dict):
        raise ConfigError(f"{origin}: [node] must be a table")
    values = {name: (value, f"{origin} [node]") for name, value in node_table.items()}
    for name in ("sources", "catalog"):
        if name in values:
            raise ConfigError(f"{origin} [node]: '{name}' is a table of its own ([{name}]), not a [node] key")
    if "sources" in raw:
        values["sources"] = (raw.pop("sources"), f"{origin} [[sources]]")
    if "catalog" in raw:
        values["catalog"] = (raw.pop("catalog"), origin)
    if raw:
        raise ConfigError(f"{origin}: unknown tables or keys {sorted(raw)}; use [node], [catalog] and [[sources]]")
    return values


def _from_environment(environ: Mapping[str, str]) -> dict[str, tuple[Any, str]]:
    """EHDS_NODE_<SETTING> variables; an unknown one is an error, not silently ignored."""
    settable = {f.name for f in fields(Settings)} - {"sources", "catalog"}
    values = {}
    for key, value in environ.items():
        if key.startswith(_ENV_PREFIX) and key != _ENV_PREFIX + "CONFIG":
            name = key[len(_ENV_PREFIX):].lower()
            if name not in settable:
                raise ConfigError(f"environment variable {key}: no setting '{name}' "
                                  f"(known: {', '.join(sorted(settable))})")
            values[name] = (value, f"environment variable {key}")
    return values


def _build(values: dict[str, tuple[Any, str]]) -> Settings:
    hints = typing.get_type_hints(Settings)
    unknown = set(values) - set(hints)
    if unknown:
        origins = "; ".join(f"'{name}' ({values[name][1]})" for name in sorted(unknown))
        raise ConfigError(f"unknown settings: {origins}")
    kwargs = {name: _coerce(name, hints[name], value, origin, from_text=origin.startswith("environment"))
              for name, (value, origin) in values.items() if name not in ("sources", "catalog")}
    if "sources" in values:
        table, origin = values["sources"]
        if not isinstance(table, list):
            raise ConfigError(f"{origin}: sources must be an array of tables ([[sources]])")
        kwargs["sources"] = tuple(_source(s, origin) for s in table)
    if "catalog" in values:
        kwargs["catalog"] = identity_from_table(*values["catalog"])
    return Settings(**kwargs)


def _source(table: Any, origin: str) -> SourceConfig:
    if not isinstance(table, dict):
        raise ConfigError(f"{origin}: each [[sources]] entry must be a table")
    hints = typing.get_type_hints(SourceConfig)
    where = f"{origin}, source '{table.get('name', '?')}'"
    unknown = set(table) - set(hints)
    if unknown:
        raise ConfigError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
    missing = {"name", "kind", "url"} - set(table)
    if missing:
        raise ConfigError(f"{where}: missing {', '.join(sorted(missing))}")
    return SourceConfig(**{k: _coerce(k, hints[k], v, where) for k, v in table.items()})


def _coerce(name: str, hint: Any, value: Any, origin: str, *, from_text: bool = False) -> Any:
    """Check a value against the field's type hint. Only environment variables (text by nature) are
    parsed; nothing else is converted: `port = true`, `port = "80"` or `max_page_size = 1.9` are errors."""
    try:
        return _as_type(hint, value, from_text)
    except (TypeError, ValueError):
        raise ConfigError(f"setting '{name}' ({origin}): {value!r} is not {_describe(hint)}") from None


def _as_type(hint: Any, value: Any, from_text: bool) -> Any:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if type(None) in args and (value is None or (from_text and value == "")):
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _as_type(inner, value, from_text)
    if origin is tuple:
        items = [v.strip() for v in value.split(",") if v.strip()] if from_text else value
        if not isinstance(items, (list, tuple)):
            raise TypeError
        return tuple(_as_type(args[0], item, from_text) for item in items)
    if hint is bool:
        return _as_bool(value, from_text)
    if hint is int:
        if from_text:
            value = int(value.strip(), 10)
        if type(value) is not int:
            raise TypeError
        return value
    if hint is float:
        if from_text:
            value = float(value.strip())
        if type(value) not in (int, float) or not math.isfinite(value):
            raise TypeError
        return float(value)
    if hint is str or hint is Path:
        if not isinstance(value, (str, Path)) or (hint is Path and not str(value).strip()):
            raise TypeError  # an empty path would be the working directory: "." says so when meant
        return hint(value)
    raise TypeError(f"no reader for {hint!r}")


def _as_bool(value: Any, from_text: bool) -> bool:
    if isinstance(value, bool):
        return value
    if from_text and value.strip().lower() in _TRUE + _FALSE:
        return value.strip().lower() in _TRUE
    raise TypeError


def _describe(hint: Any) -> str:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_describe(a) for a in args if a is not type(None)) + " (or empty)"
    if origin is tuple:
        return f"a list of {_describe(args[0]).removeprefix('a ').removeprefix('an ')}s"
    return {bool: "a boolean (true/false)", int: "a whole number", float: "a number", str: "a string",
            Path: "a path"}.get(hint, str(hint))
