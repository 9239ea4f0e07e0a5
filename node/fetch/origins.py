"""Where a source's fetches may go: origins (scheme, host, port), never just host names.

A partner's redirect or `next` link to another port of its own host (an admin console, a cache, a
database on 6379) or to plain http is refused: only the source URL's own origin, the same scheme and
port on its `allowed_hosts`, and the origins listed in `allowed_origins` are fetched. One upgrade is
always allowed: from an http source on port 80 to https on port 443 of the same host (what every
partner that moved to TLS does; it can only make the exchange safer).
"""

from __future__ import annotations

from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}

Origin = tuple[str, str, int]


def origin_of(url: str) -> Origin:
    """(scheme, host, port) with the scheme's default port filled in; ValueError if it has none."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise ValueError(f"only http and https URLs are fetched, not '{parts.scheme}:'")
    if not parts.hostname:
        raise ValueError("the URL has no host")
    try:
        port = parts.port
    except ValueError:
        raise ValueError("the URL's port is not a number from 0 to 65535") from None
    return scheme, parts.hostname.lower(), port or DEFAULT_PORTS[scheme]


def format_origin(origin: Origin) -> str:
    scheme, host, port = origin
    host = f"[{host}]" if ":" in host else host
    return f"{scheme}://{host}" + ("" if DEFAULT_PORTS[scheme] == port else f":{port}")


def source_origins(source) -> frozenset[Origin]:
    """Every origin the fetches of a SourceConfig may reach."""
    scheme, host, port = origin_of(source.url)
    origins = {(scheme, host, port)}
    origins |= {(scheme, urlsplit(f"//{extra}").hostname or extra.lower(), port) for extra in source.allowed_hosts}
    origins |= {origin_of(extra) for extra in source.allowed_origins}
    for _, name, on_port in list(origins):
        if (scheme, on_port) == ("http", 80):
            origins.add(("https", name, 443))
    return frozenset(origins)
