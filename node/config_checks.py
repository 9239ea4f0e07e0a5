"""The checks of node.config's Settings that need more than a comparison: URLs (urlsplit, Oxigraph's IRI
parser), the SPARQL worker shares, the remote store, OAI-PMH's Identify. Each raises a ConfigError
that names the setting."""

from __future__ import annotations

import re
from email.errors import HeaderParseError
from email.headerregistry import Address
from urllib.parse import urlsplit

from node.errors import ConfigError
from node.profiles import PROFILES
from node.store.fairness import FairnessPolicy
from node.store.naming import is_iri


def check_base_url(base_url: str) -> None:
    parts = url_parts(base_url, "base_url")
    if (parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment
            or not is_iri(base_url)):
        raise ConfigError(f"base_url must be an absolute http(s) URL without query or fragment, got '{base_url}'")


STORE_KINDS = ("oxigraph", "sparql")


def check_oai(settings) -> None:
    """/oai's settings: an Identify that the OAI-PMH schema accepts, pages a harvester can take."""
    if not 1 <= settings.oai_page_size <= 1000:
        raise ConfigError(f"oai_page_size must be between 1 and 1000, got {settings.oai_page_size}")
    try:
        address = Address(addr_spec=settings.oai_admin_email)
    except (ValueError, IndexError, HeaderParseError):
        address = None
    if address is None or "." not in address.domain.strip(".") or any(c.isspace() for c in settings.oai_admin_email):
        raise ConfigError(f"oai_admin_email must be an e-mail address with a domain name (user@example.org), "
                          f"got '{settings.oai_admin_email}'")


def url_parts(url: str, name: str):
    """`url` split, or a ConfigError naming the setting: urlsplit and the port refuse some URLs with a
    ValueError ("http://[::1:8890/", a port past 65535)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 — read to check it
    except ValueError as err:
        raise ConfigError(f"{name} is not a valid URL ({err}): '{url[:100]}'") from None
    return parts


def check_store(settings) -> None:
    if settings.store not in STORE_KINDS:
        raise ConfigError(f"store must be one of {', '.join(STORE_KINDS)}, got '{settings.store}'")
    if settings.store == "sparql" and not settings.store_query_url:
        raise ConfigError("store = \"sparql\" needs store_query_url (the server's SPARQL query endpoint)")
    for name in ("store_query_url", "store_update_url", "store_graph_store_url"):
        url = getattr(settings, name)
        parts = url_parts(url, name) if url else None
        if parts is not None and (parts.scheme not in ("http", "https") or not parts.hostname or "@" in parts.netloc):
            shown = f"{parts.scheme}://{parts.hostname or ''}..." if "@" in parts.netloc else url[:100]
            raise ConfigError(f"{name} must be an http(s) URL without credentials (use store_user/"
                              f"store_password or store_token), got '{shown}'")
    if settings.store_token and settings.store_user:
        raise ConfigError("set store_user/store_password or store_token, not both")
    if settings.store == "sparql" and not settings.sparql_union_default_graph:
        raise ConfigError("sparql_union_default_graph = false cannot be honoured on a remote store: its default "
                          "graph is the server's union of the named graphs (docs/deployment.md); leave it true")
    if not settings.store_timeout > 0:
        raise ConfigError("store_timeout must be a positive number of seconds")


_MAX_THREADS = 1024
_MAX_SPARQL_WORKERS = 64


def check_sparql_shares(settings) -> None:
    FairnessPolicy.from_settings(settings)  # raises ConfigError naming the setting
    if settings.threads > _MAX_THREADS:
        raise ConfigError(f"threads ({settings.threads}) must be at most {_MAX_THREADS}: each is a thread of the "
                          "web process, and more than the cores can run only wait")
    if settings.sparql_workers > _MAX_SPARQL_WORKERS:
        raise ConfigError(f"sparql_workers ({settings.sparql_workers}) must be at most {_MAX_SPARQL_WORKERS}: "
                          "each is a process of its own")
    if settings.threads < 1 or settings.sparql_workers + settings.sparql_queue >= settings.threads:
        raise ConfigError(f"threads ({settings.threads}) must be more than sparql_workers + sparql_queue "
                          f"({settings.sparql_workers} + {settings.sparql_queue}): pages need threads SPARQL cannot take")


_SCHEDULE_UNITS = {"m": 60, "h": 3600, "d": 86400}
_NAMED_SCHEDULES = {"hourly": 3600, "daily": 86400}


def schedule_seconds(schedule: str) -> int:
    """The interval of a source's schedule: "every 30m", "every 6h", "every 1d", "hourly" or "daily"."""
    text = schedule.strip().lower()
    if text in _NAMED_SCHEDULES:
        return _NAMED_SCHEDULES[text]
    match = re.fullmatch(r"every\s+(\d+)\s*([mhd])", text)
    if not match or int(match.group(1)) == 0:
        raise ConfigError(f"schedule '{schedule}': use 'every 30m', 'every 6h', 'every 1d', 'hourly' or 'daily'")
    return int(match.group(1)) * _SCHEDULE_UNITS[match.group(2)]


# settings of a source that count something, and the least each may be
_SOURCE_COUNTS = {"max_pages": 1, "page_size": 1, "max_page_bytes": 1, "max_run_bytes": 1, "retries": 0}


def check_source(source) -> None:
    """The checks of a [[sources]] entry that every command shares (serve, harvest, --url tries): a bad
    value stops the command before anything is fetched, naming the source and the setting."""
    name = f"source '{source.name}'"
    if source.schedule is not None:
        try:
            schedule_seconds(source.schedule)
        except ConfigError as err:
            raise ConfigError(f"{name}: {err.message}") from None
    if source.profile not in PROFILES:
        raise ConfigError(f"{name}: profile '{source.profile}' is not one of {', '.join(PROFILES)}")
    for setting, least in _SOURCE_COUNTS.items():
        if getattr(source, setting) < least:
            raise ConfigError(f"{name}: {setting} must be at least {least}, got {getattr(source, setting)}")
