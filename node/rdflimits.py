"""Limits on untrusted RDF, enforced by parsers before and while Oxigraph reads it.

Oxigraph parses fast but trusts its input: JSON-LD nested ~10,000 deep overflows its stack (the
process dies), RDF/XML internal entities are expanded without bound, deep `parseType="Resource"`
nesting is quadratic, and a literal over 16 MiB fails later, in a bulk load. So:

- JSON-LD is first read by Python's JSON parser (which stops very deep input with RecursionError),
  then its nesting depth and string sizes are measured without recursion;
- RDF/XML is read by expat (node.xmlsafe), which checks entity declarations, depth, sizes and
  well-formedness, and writes an entity-free, DTD-free copy: Oxigraph never expands an entity;
- every format's triples are checked as they come out of the parser: literal size and time.
Turtle, TriG, N-Triples and N-Quads need no pre-pass (Oxigraph's parsers for them are not
recursive: 100,000 nested `[` or `(` parse in 0.1 s).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Iterable, Iterator

import pyoxigraph as ox

from node.errors import ParseError, PayloadTooLarge


@dataclass(frozen=True)
class ParseLimits:
    max_depth: int = 64                 # JSON-LD objects/arrays, RDF/XML elements, nested in each other
    max_literal_bytes: int = 1_000_000  # one literal (UTF-8); well under Oxigraph's 16 MiB line buffer
    max_seconds: float = 30.0           # one document, parse and checks together
    max_entities: int = 200             # RDF/XML internal entity declarations
    max_entity_ratio: int = 16          # an entity's value at most this many times its reference (&name;)


    @classmethod
    def of(cls, settings) -> "ParseLimits":
        """The node's configured limits (Settings.max_literal_bytes, max_nesting_depth, parse_seconds)."""
        return cls(max_depth=settings.max_nesting_depth, max_literal_bytes=settings.max_literal_bytes,
                   max_seconds=settings.parse_seconds)


DEFAULT_LIMITS = ParseLimits()


def check_jsonld(data: bytes, limits: ParseLimits, where: str) -> None:
    """Refuse JSON-LD that is not JSON, nests deeper than the limit or holds an oversized string."""
    try:
        document = json.loads(data)
    except RecursionError:
        raise ParseError(f"{where}: JSON nested far deeper than the {limits.max_depth} levels accepted") from None
    except UnicodeDecodeError as err:
        raise ParseError(f"{where}: not valid JSON-LD: not UTF-8 (byte {err.start})") from None
    except ValueError as err:  # json.JSONDecodeError: line and column
        raise ParseError(f"{where}: not valid JSON-LD: {err}") from None
    _check_json_tree(document, limits, where)


def _check_json_tree(document, limits: ParseLimits, where: str) -> None:
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if len(value) > limits.max_literal_bytes // 4 and len(value.encode()) > limits.max_literal_bytes:
                raise _literal_too_large(where, len(value.encode()), limits)
            continue
        if not isinstance(value, (dict, list)):
            continue
        if depth > limits.max_depth:
            raise ParseError(f"{where}: JSON-LD nested more than {limits.max_depth} levels deep is refused")
        children = value.values() if isinstance(value, dict) else value
        stack.extend((child, depth + 1) for child in children)
        if isinstance(value, dict):
            stack.extend((key, depth) for key in value)


def checked_triples(triples: Iterable[ox.Triple], limits: ParseLimits, where: str) -> Iterator[ox.Triple]:
    """The parser's triples, stopping at an oversized literal or past the time limit."""
    deadline = time.monotonic() + limits.max_seconds
    for count, triple in enumerate(triples, 1):
        value = triple.object
        if isinstance(value, ox.Literal) and len(value.value) > limits.max_literal_bytes // 4 \
                and len(value.value.encode()) > limits.max_literal_bytes:
            raise _literal_too_large(where, len(value.value.encode()), limits)
        if count % 1024 == 0 and time.monotonic() > deadline:
            raise ParseError(f"{where}: reading it took longer than {limits.max_seconds:g} s; "
                             "send smaller documents")
        yield triple


def _literal_too_large(where: str, size: int, limits: ParseLimits) -> PayloadTooLarge:
    return PayloadTooLarge(f"{where}: a literal of {size:,} bytes is over the limit of "
                           f"{limits.max_literal_bytes:,} bytes per literal")
