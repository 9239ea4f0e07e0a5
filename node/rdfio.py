"""RDF in and out: media types, content negotiation, safe parsing, fast serialisation.

Parsing and writing go through Oxigraph (Rust): it is fast and it never loads JSON-LD remote
contexts. Untrusted documents are first checked by parsers with limits (node.rdflimits: JSON-LD
depth and sizes; node.xmlsafe: RDF/XML through expat, entities bounded and expanded before Oxigraph
sees the document), and every literal and the parse time are bounded as triples come out.
rdflib Graphs are offered for the small, per-record code paths (validation, HTML views).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from node.errors import NotAcceptable, ParseError, PayloadTooLarge, UnsupportedMediaType
from node.rdflimits import DEFAULT_LIMITS, ParseLimits, check_jsonld, checked_triples
from node.xmlsafe import entity_free_xml
from vocab.namespaces import PREFIXES


@dataclass(frozen=True)
class RdfSyntax:
    name: str
    media_type: str
    suffix: str
    ox_format: ox.RdfFormat
    aliases: tuple[str, ...] = ()


SYNTAXES: tuple[RdfSyntax, ...] = (
    RdfSyntax("turtle", "text/turtle", "ttl", ox.RdfFormat.TURTLE, ("application/x-turtle",)),
    RdfSyntax("json-ld", "application/ld+json", "jsonld", ox.RdfFormat.JSON_LD, ("application/json",)),
    RdfSyntax("rdf-xml", "application/rdf+xml", "rdf", ox.RdfFormat.RDF_XML, ("application/xml", "text/xml")),
    RdfSyntax("n-triples", "application/n-triples", "nt", ox.RdfFormat.N_TRIPLES, ("text/plain",)),
)
RDF_MEDIA_TYPES = tuple(s.media_type for s in SYNTAXES)
_BY_MEDIA_TYPE = {mt: s for s in SYNTAXES for mt in (s.media_type, *s.aliases)}
_BY_SUFFIX = {s.suffix: s for s in SYNTAXES} | {
    "turtle": SYNTAXES[0], "json": SYNTAXES[1], "owl": SYNTAXES[2], "xml": SYNTAXES[2], "ntriples": SYNTAXES[3],
}
_BY_NAME = {s.name: s for s in SYNTAXES} | {"ttl": SYNTAXES[0], "jsonld": SYNTAXES[1], "xml": SYNTAXES[2],
                                            "rdfxml": SYNTAXES[2], "nt": SYNTAXES[3], "ntriples": SYNTAXES[3]}


def syntax_for_media_type(media_type: str) -> RdfSyntax:
    essence = media_type.split(";")[0].strip().lower()
    try:
        return _BY_MEDIA_TYPE[essence]
    except KeyError:
        raise UnsupportedMediaType(
            f"unsupported RDF media type '{essence}'; send one of: {', '.join(RDF_MEDIA_TYPES)}"
        ) from None


def syntax_for_suffix(suffix: str) -> RdfSyntax | None:
    return _BY_SUFFIX.get(suffix.lower().lstrip("."))


def syntax_for_name(name: str) -> RdfSyntax | None:
    return _BY_NAME.get(name.lower())


def sniff_syntax(data: bytes) -> RdfSyntax:
    """Guess the syntax from the first bytes, for files without a telling suffix or type."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"{", b"[")):
        return _BY_NAME["json-ld"]
    if head.startswith(b"<?xml") or head.startswith(b"<rdf:RDF") or re.match(rb"<[A-Za-z_][\w.-]*:RDF", head):
        return _BY_NAME["rdf-xml"]
    if re.match(rb"(<[A-Za-z][\w+.-]*:[^>\s]*>\s+<[^>\s]*>\s+)", head) and b"@prefix" not in head and b"PREFIX" not in head:
        return _BY_NAME["n-triples"]
    return _BY_NAME["turtle"]


def choose_syntax(data: bytes, media_type: str | None = None, filename: str | None = None) -> RdfSyntax:
    if media_type and media_type.split(";")[0].strip().lower() not in ("", "application/octet-stream"):
        return syntax_for_media_type(media_type)
    if filename and "." in filename:
        found = syntax_for_suffix(filename.rsplit(".", 1)[1])
        if found:
            return found
    return sniff_syntax(data)


# --- parsing ----------------------------------------------------------------------------------

DTD_SCAN_BYTES = 1_000_000  # how much of a file is read to guess its syntax


def parse_triples(
    data: bytes,
    media_type: str | None = None,
    *,
    filename: str | None = None,
    base_iri: str | None = None,
    limits: ParseLimits = DEFAULT_LIMITS,
) -> list[ox.Triple]:
    """Parse one untrusted RDF document into Oxigraph triples (default graph only), within `limits`
    (node.rdflimits), each once in document order: a graph is a set, and a triple stated k times
    would otherwise be copied k times into every record that reaches it. Raises ParseError naming
    the document and the parser's line and column, or PayloadTooLarge for an oversized literal."""
    where = filename or "request body"
    syntax = choose_syntax(data, media_type, filename)
    data = _within_limits(data, syntax, limits, where)
    return list(dict.fromkeys(_parsed(syntax, where, limits, input=data, base_iri=base_iri)))


def stream_file_triples(path: Path, name: str, base_iri: str | None = None,
                        limits: ParseLimits = DEFAULT_LIMITS) -> Iterator[ox.Triple]:
    """A local file's triples as the parser reads them from disk (any size, never all in memory for
    the line-based syntaxes; JSON-LD and RDF/XML are checked whole first). Syntax from the name or the
    first bytes; errors as in parse_triples, raised when reached."""
    with path.open("rb") as file:
        head = file.read(DTD_SCAN_BYTES)
    syntax = choose_syntax(head, None, name)
    if syntax.name in ("json-ld", "rdf-xml"):
        data = _within_limits(path.read_bytes(), syntax, limits, name)
        yield from _parsed(syntax, name, limits, input=data, base_iri=base_iri)
    else:
        yield from _parsed(syntax, name, limits, path=path, base_iri=base_iri)


def _within_limits(data: bytes, syntax: RdfSyntax, limits: ParseLimits, where: str) -> bytes:
    """The parser-checked pre-pass of the formats Oxigraph cannot read safely on its own."""
    if syntax.name == "json-ld":
        check_jsonld(data, limits, where)
    elif syntax.name == "rdf-xml":
        return entity_free_xml(data, limits, where)
    return data


def _parsed(syntax: RdfSyntax, where: str, limits: ParseLimits, **source) -> Iterator[ox.Triple]:
    try:
        quads = ox.parse(format=syntax.ox_format, **source)
        yield from checked_triples((q.triple for q in quads), limits, where)
    except SyntaxError as err:
        raise ParseError(f"{where}: not valid {syntax.name}: {_parser_message(err)}",
                         detail={"syntax": syntax.name}) from None
    except ValueError as err:
        raise ParseError(f"{where}: cannot read as {syntax.name}: {printable(str(err))}",
                         detail={"syntax": syntax.name}) from None
    except MemoryError as err:  # Oxigraph's buffers stop at 16 MiB (one token, one line)
        raise PayloadTooLarge(f"{where}: a single term or line is too large to read ({err})") from None


def _parser_message(err: SyntaxError) -> str:
    message = str(err.msg if getattr(err, "msg", None) else err)
    if "LoadDocumentCallback" in message:
        return "JSON-LD remote contexts are not fetched; inline the @context"
    return printable(message)


QUOTED_CHARACTERS = 100  # of a bad token in a message: the parser quotes it whole (9 MB without spaces: 9 MB)
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")
_LONG_TOKEN = re.compile(r"\S{%d,}" % (QUOTED_CHARACTERS + 1))


def printable(text: str, longest: int | None = QUOTED_CHARACTERS) -> str:
    """Text from a document (a parser's message, a file name) made safe to show: control, line-separator and
    bidirectional characters and lone surrogates escaped (\\x15, \\u202e: nothing reaches a terminal or
    a report raw), and each run of more than `longest` non-space characters cut to that many, with "…"."""
    text = _UNPRINTABLE.sub(_escaped, text)
    if longest is None:
        return text
    return _LONG_TOKEN.sub(lambda match: match.group(0)[:longest] + "…", text)


def _escaped(match: re.Match) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def parse(
    data: bytes,
    media_type: str | None = None,
    *,
    filename: str | None = None,
    base_iri: str | None = None,
) -> Graph:
    """Parse one RDF document into an rdflib Graph (for small, per-record work)."""
    return to_rdflib(parse_triples(data, media_type, filename=filename, base_iri=base_iri))


# --- conversion between Oxigraph and rdflib terms --------------------------------------------

def ox_term_to_rdflib(term):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)
    raise TypeError(f"unsupported term {term!r}")


def rdflib_term_to_ox(term):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unsupported term {term!r}")


def to_rdflib(triples: Iterable[ox.Triple]) -> Graph:
    graph = Graph()
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri)
    add = graph.add
    for t in triples:
        add((ox_term_to_rdflib(t.subject), ox_term_to_rdflib(t.predicate), ox_term_to_rdflib(t.object)))
    return graph


def from_rdflib(graph: Graph) -> list[ox.Triple]:
    return [ox.Triple(rdflib_term_to_ox(s), rdflib_term_to_ox(p), rdflib_term_to_ox(o)) for s, p, o in graph]


# --- serialisation and negotiation ------------------------------------------------------------

def serialize(triples: Iterable[ox.Triple], media_type: str) -> bytes:
    """Serialise with Oxigraph's writers (fast on catalogue-sized graphs); Turtle gets our prefixes."""
    syntax = syntax_for_media_type(media_type)
    if syntax.ox_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD):
        return ox.serialize(triples, format=syntax.ox_format, prefixes=PREFIXES)
    return ox.serialize(triples, format=syntax.ox_format)


def ntriples_lines(text: str) -> list[str]:
    """The lines of N-Triples as Oxigraph writes them (one triple a line, each ended by "\n"). Not
    str.splitlines(): a literal keeps U+0085, U+2028 and U+2029 unescaped, and splitlines() ends a
    line at each of them, cutting a triple in two."""
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def ntriples_to_triples(data: bytes) -> list[ox.Triple]:
    """Our own N-Triples (already checked when it was stored) back into triples."""
    return [q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]


def from_ntriples(data: bytes, media_type: str) -> bytes:
    """Re-serialise an N-Triples document in the asked syntax (no work at all for N-Triples). The parsed
    quads go straight to the writer: no Python triple objects in between (a third of the time of a page)."""
    syntax = syntax_for_media_type(media_type)
    if syntax.ox_format == ox.RdfFormat.N_TRIPLES:
        return data
    parsed = ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
    if syntax.ox_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD):
        return ox.serialize(parsed, format=syntax.ox_format, prefixes=PREFIXES)
    return ox.serialize(parsed, format=syntax.ox_format)


def parse_accept(accept: str | None) -> list[tuple[str, float]]:
    """`Accept` header → [(media range, q)], best first; stable for equal q (header order)."""
    if not accept or not accept.strip():
        return [("*/*", 1.0)]
    ranges = []
    for position, item in enumerate(accept.split(",")):
        parts = [p.strip() for p in item.split(";")]
        if not parts[0]:
            continue
        q = 1.0
        for param in parts[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        specificity = 0 if parts[0] == "*/*" else 1 if parts[0].endswith("/*") else 2
        ranges.append((parts[0].lower(), q, specificity, position))
    ranges.sort(key=lambda r: (-r[1], -r[2], r[3]))
    return [(r[0], r[1]) for r in ranges]


def negotiate(accept: str | None, offered: Iterable[str]) -> str | None:
    """Pick the offered media type the client prefers; the first offered wins a wildcard."""
    offered = list(offered)
    aliases = {alias: s.media_type for s in SYNTAXES for alias in s.aliases if s.media_type in offered}
    for media_range, q in parse_accept(accept):
        if q <= 0:
            continue
        if media_range == "*/*":
            return offered[0]
        if media_range.endswith("/*"):
            family = media_range[:-1]
            for candidate in offered:
                if candidate.startswith(family):
                    return candidate
        elif media_range in offered:
            return media_range
        elif media_range in aliases:
            return aliases[media_range]
    return None


def negotiate_or_406(accept: str | None, offered: Iterable[str]) -> str:
    offered = list(offered)
    chosen = negotiate(accept, offered)
    if chosen is None:
        raise NotAcceptable(f"cannot produce any of '{accept}'; available: {', '.join(offered)}")
    return chosen
