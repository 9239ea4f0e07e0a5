"""What `ehds-node validate` reads: files, directories (recursively), stdin ("-") and http(s) URLs."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from node.errors import NodeError, ParseError
from node.rdfio import syntax_for_suffix

MAX_INPUT_BYTES = 50_000_000
URL_TIMEOUT = 30.0
RDF_SUFFIXES = (".ttl", ".turtle", ".jsonld", ".json", ".rdf", ".owl", ".xml", ".nt", ".ntriples")


@dataclass(frozen=True)
class Document:
    name: str  # as shown to the user: the path, "<stdin>" or the URL
    data: bytes
    media_type: str | None = None
    base_iri: str | None = None


def expand(paths: list[str]) -> Iterator[str]:
    """Directories become the RDF files under them (sorted, recursive); other arguments pass through."""
    for argument in paths:
        path = Path(argument)
        if argument != "-" and not _is_url(argument) and path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in RDF_SUFFIXES)
            if not found:
                yield f"{argument}{'' if argument.endswith('/') else '/'}"  # reported as "no RDF files"
            yield from (str(p) for p in found)
        else:
            yield argument


def read(argument: str) -> Document:
    """One document's bytes; a NodeError saying what is wrong and how to fix it otherwise."""
    if argument == "-":
        return Document("<stdin>", _capped(sys.stdin.buffer.read(MAX_INPUT_BYTES + 1), "<stdin>"))
    if _is_url(argument):
        return _fetch(argument)
    if "://" in argument:
        raise ParseError(f"{argument}: only http and https URLs are fetched")
    if argument.endswith("/"):
        raise ParseError(f"{argument}: no RDF files found (looked for {', '.join(RDF_SUFFIXES)})")
    path = Path(argument)
    try:
        if path.stat().st_size > MAX_INPUT_BYTES:
            raise ParseError(f"{argument}: larger than {MAX_INPUT_BYTES // 1_000_000} MB; split the catalogue")
        data = path.read_bytes()
    except FileNotFoundError:
        raise ParseError(f"{argument}: no such file") from None
    except IsADirectoryError:
        raise ParseError(f"{argument}: is a directory") from None
    except OSError as err:
        raise ParseError(f"{argument}: cannot read: {err.strerror or err}") from None
    base = path.resolve().as_uri()
    return Document(argument, data, base_iri=base)


def _is_url(argument: str) -> bool:
    return argument.startswith(("http://", "https://"))


def _capped(data: bytes, name: str) -> bytes:
    if len(data) > MAX_INPUT_BYTES:
        raise ParseError(f"{name}: larger than {MAX_INPUT_BYTES // 1_000_000} MB; split the catalogue")
    return data


def _fetch(url: str) -> Document:
    """GET through the node's guarded HTTP client: http(s) only, 30 s timeout, 50 MB cap, no private hosts."""
    from node.config import SourceConfig
    from node.fetch import Fetcher

    source = SourceConfig(name="validate", kind="dcat", url=url, timeout=URL_TIMEOUT,
                          max_page_bytes=MAX_INPUT_BYTES, max_run_bytes=MAX_INPUT_BYTES, retries=0)
    accept = "text/turtle, application/ld+json;q=0.9, application/rdf+xml;q=0.8, application/n-triples;q=0.7"
    try:
        with Fetcher(source) as fetcher:
            result = fetcher.get(url, accept=accept)
    except NodeError as err:
        reason = err.message.removeprefix(f"{url}: ")
        if "allow_private_network" in reason:  # the harvester's hint does not apply to a command line
            reason = reason.split(";")[0] + "; private and loopback addresses are not fetched: download the file"
        raise ParseError(f"{url}: could not fetch: {reason}") from None
    media_type = result.media_type
    if media_type in (None, "text/plain", "application/octet-stream") and syntax_for_suffix(url.rsplit(".", 1)[-1]):
        media_type = None  # let the suffix or the content decide
    return Document(url, result.body, media_type=media_type, base_iri=result.final_url)
