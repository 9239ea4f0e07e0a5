"""What `ehds-node validate` reads: files, directories (recursively), stdin ("-") and http(s) URLs.

Local files are parsed from disk as a stream, whatever their size (a 100,000-dataset catalogue is ~600 MB
of N-Triples); stdin and URLs are read into memory, so they keep a size cap."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox

from node.errors import NodeError, ParseError
from node.rdfio import parse_triples, stream_file_triples, syntax_for_suffix

MAX_INPUT_BYTES = 50_000_000  # stdin and URLs only: they are read into memory
URL_TIMEOUT = 30.0
RDF_SUFFIXES = (".ttl", ".turtle", ".jsonld", ".json", ".rdf", ".owl", ".xml", ".nt", ".ntriples")


@dataclass(frozen=True)
class Document:
    name: str  # as shown to the user: the path, "<stdin>" or the URL
    data: bytes | None = None  # stdin and URLs, in memory
    path: Path | None = None  # a local file, parsed from disk as it is read
    media_type: str | None = None
    base_iri: str | None = None

    def triples(self) -> Iterator[ox.Triple]:
        """The document's triples (default graph and named graphs alike); a syntax error is a ParseError
        naming the document, line and column, raised when the parser reaches it."""
        if self.path is None:
            return iter(parse_triples(self.data, self.media_type, filename=self.name, base_iri=self.base_iri))
        return stream_file_triples(self.path, self.name, self.base_iri)


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
        return Document("<stdin>", data=_capped(sys.stdin.buffer.read(MAX_INPUT_BYTES + 1), "<stdin>"))
    if _is_url(argument):
        return _fetch(argument)
    if "://" in argument:
        raise ParseError(f"{argument}: only http and https URLs are fetched")
    if argument.endswith("/"):
        raise ParseError(f"{argument}: no RDF files found (looked for {', '.join(RDF_SUFFIXES)})")
    path = Path(argument)
    try:
        with path.open("rb"):  # readable now: errors name the file before validation starts
            pass
    except FileNotFoundError:
        raise ParseError(f"{argument}: no such file") from None
    except IsADirectoryError:
        raise ParseError(f"{argument}: is a directory") from None
    except OSError as err:
        raise ParseError(f"{argument}: cannot read: {err.strerror or err}") from None
    return Document(argument, path=path, base_iri=path.resolve().as_uri())


def _is_url(argument: str) -> bool:
    return argument.startswith(("http://", "https://"))


def _capped(data: bytes, name: str) -> bytes:
    if len(data) > MAX_INPUT_BYTES:
        raise ParseError(f"{name}: larger than {MAX_INPUT_BYTES // 1_000_000} MB, the limit for standard input; "
                         "save it to a file and validate the file (files have no size limit)")
    return data


def _fetch(url: str) -> Document:
    """GET through the node's guarded HTTP client: http(s) only, 30 s timeout, 50 MB cap, no private hosts."""
    from node.config import SourceConfig
    from node.fetch import AddressNotAllowed, Fetcher

    source = SourceConfig(name="validate", kind="dcat", url=url, timeout=URL_TIMEOUT,
                          max_page_bytes=MAX_INPUT_BYTES, max_run_bytes=MAX_INPUT_BYTES, retries=0)
    accept = "text/turtle, application/ld+json;q=0.9, application/rdf+xml;q=0.8, application/n-triples;q=0.7"
    try:
        with Fetcher(source) as fetcher:
            result = fetcher.get(url, accept=accept)
    except AddressNotAllowed as err:  # the harvester's hint (allow_private_network) does not apply here
        raise ParseError(f"{url}: could not fetch: {err.reason}; private and loopback addresses are not fetched: "
                         "download the file") from None
    except NodeError as err:
        reason = err.message.removeprefix(f"{url}: ")
        raise ParseError(f"{url}: could not fetch: {reason}") from None
    media_type = result.media_type
    if media_type in (None, "text/plain", "application/octet-stream") and syntax_for_suffix(url.rsplit(".", 1)[-1]):
        media_type = None  # let the suffix or the content decide
    return Document(url, data=result.body, media_type=media_type, base_iri=result.final_url)
