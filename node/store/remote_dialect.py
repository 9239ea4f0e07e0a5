"""What a particular SPARQL server does differently, and how the remote store keeps the node's data exact.

Standard servers (Oxigraph) store every literal as written and need nothing here. OpenLink Virtuoso
(recognised by its `Server:` header) differs in ways measured on 7.2.5 (docs/deployment.md,
"Virtuoso"):

- It converts XSD literals to SQL values and writes them back in its own form: "1.50"^^xsd:decimal
  comes back "1.5", "1"^^xsd:decimal as "true"^^xsd:boolean, xsd:long as xsd:integer, "1e3"^^xsd:double
  as "1000.0", "P1Y"^^xsd:yearMonthDuration as "12"; and it refuses some outright (an update with
  "P1D"^^xsd:duration fails "No column P1DD", "10:00:00"^^xsd:time, "abc"^^xsd:integer and integers
  past 64 bits fail). A literal it would not keep as written is therefore stored with a marked datatype,
  `"1.50"^^<urn:ehds-node:as-written:http://www.w3.org/2001/XMLSchema#decimal>`, which it keeps
  verbatim, and every read turns it back. `keeps_as_written` decides with Python's own parsers of the
  lexical forms (never guessing: anything it does not know is marked).
- Its JSON results write booleans as "1"/"0" and blank nodes as `nodeID://b1`: read back as
  "true"/"false" and valid labels; its typed literals are `"typed-literal"` (the 2007 note): "literal".
- It compiles an update's data into SQL code unless told otherwise: updates start with
  `define sql:big-data-const 1`, which lets one request carry tens of thousands of triples.
- A query stopped by its time limit answers 200 with the rows found so far (header X-SQL-State:
  S1TAT): node.store.remote_http refuses such an answer; the public endpoint's time limit is passed
  as its `timeout` parameter so that it stops working when the node stops waiting.
- It refuses an update request much over 8 MB ("The expected result length of string concatenation
  is too large") and parses long literals slowly: a write over 2 MB is sent as several requests of whole graphs, each record graph with
  its change-log entry (node.store.sparql_update.bounded_updates).
- It has no default graph of its own (INSERT DATA without GRAPH and CLEAR DEFAULT are refused): the
  node's default-graph triples live in the named graph `<base>graph/default`, which its union default
  graph includes anyway.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from itertools import takewhile

import pyoxigraph as ox

from node.store.sparql_update import insert_data

MARK = "urn:ehds-node:as-written:"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_BOOLEAN = _XSD + "boolean"
_KEPT_TYPES = {_XSD + name for name in (  # Virtuoso keeps any lexical form of these (measured)
    "string", "normalizedString", "token", "language", "Name", "NCName", "NMTOKEN", "QName", "anyURI",
    "hexBinary", "base64Binary", "gMonth", "gDay", "gMonthDay", "ID", "IDREF", "ENTITY")}
_INTEGER_TYPES = {_XSD + name for name in (  # kept when canonical and within 64 bits (xsd:long is not)
    "integer", "int", "short", "byte", "nonNegativeInteger", "positiveInteger", "negativeInteger",
    "nonPositiveInteger", "unsignedInt", "unsignedShort", "unsignedByte")}


def keeps_as_written(literal: ox.Literal) -> bool:
    """Whether Virtuoso gives this literal back exactly as written."""
    datatype = literal.datatype.value
    value = literal.value
    if literal.language or datatype in _KEPT_TYPES or not datatype.startswith(_XSD):
        return True
    if datatype in _INTEGER_TYPES:
        return _canonical_integer(value)
    if datatype == _XSD + "date":
        return _parses(lambda: date.fromisoformat(value).isoformat() == value)
    if datatype in (_XSD + "dateTime", _XSD + "dateTimeStamp"):
        return _plain_date_time(value)
    if datatype == _XSD + "gYear":
        return len(value) == 4 and value.isdigit() and value != "0000"
    if datatype == _XSD + "gYearMonth":
        return _parses(lambda: date.fromisoformat(value + "-01").isoformat() == value + "-01")
    return False  # decimals, doubles, floats, booleans, durations, times, xsd:long ...: converted


def _canonical_integer(value: str) -> bool:
    return _parses(lambda: str(int(value)) == value and -2 ** 63 <= int(value) < 2 ** 63)


def _plain_date_time(value: str) -> bool:
    """YYYY-MM-DDThh:mm:ss[.fff][zone], year 0001-9999, no all-zero fraction (Virtuoso drops it)."""
    fraction = value.partition(".")[2]
    digits = "".join(takewhile(str.isdigit, fraction))
    if fraction and not digits.strip("0"):
        return False
    return len(value) > 10 and value[10] == "T" and value[:4].isdigit() and \
        _parses(lambda: datetime.fromisoformat(value.replace("Z", "+00:00")).year > 0)


def _parses(check) -> bool:
    try:
        return bool(check())
    except (ValueError, OverflowError):
        return False


class StandardDialect:
    """A server that keeps RDF as written (Oxigraph, Jena Fuseki, ...)."""

    name = "standard"
    update_prologue = ""  # put before every update request
    statement_triples: int | None = None  # the most triples one INSERT statement may carry (None: any)
    max_request_bytes: int | None = None  # the largest update request (None: any; a write is one request)

    def stored(self, term):
        return term

    def read(self, term):
        return term

    def default_graph(self, base_url: str) -> str | None:
        """The named graph holding the node's default-graph triples (None: the real default graph)."""
        return None

    def json_results(self, body: bytes) -> bytes:
        return _valid_blank_nodes(body) if b'"bnode"' in body else body

    def time_limit(self, seconds: float | None) -> list[tuple[str, str]]:
        """Request parameters that make the server itself stop a query at the node's time limit."""
        return []


class VirtuosoDialect(StandardDialect):
    name = "virtuoso"
    # compiled as data, not as SQL code: without it an update of a few thousand triples fails
    # ("generated SQL text has exceeded 10000 lines", "Maximum size (32767) of a code vector")
    update_prologue = "define sql:big-data-const 1\n"
    statement_triples = 1000  # its parser runs out of memory near 5,000 triples in one statement
    # 13 MB fail ("string concatenation is too large"); and it parses long literals slowly (a 1 MB one
    # takes 1.3-4.6 s), so an 8 MB request can outlast store_timeout: 2 MB a request
    max_request_bytes = 2_000_000

    def stored(self, term):
        if isinstance(term, ox.Literal) and (term.datatype.value.startswith(MARK) or not keeps_as_written(term)):
            # (a literal that already has the mark gets another: reading strips exactly one)
            return ox.Literal(term.value, datatype=ox.NamedNode(MARK + term.datatype.value))
        return term

    def read(self, term):
        if isinstance(term, ox.Literal) and term.datatype.value.startswith(MARK):
            return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype.value[len(MARK):]))
        return term

    def default_graph(self, base_url: str) -> str | None:
        return base_url + "graph/default"

    def time_limit(self, seconds: float | None) -> list[tuple[str, str]]:
        # its "anytime query" limit, in ms: it then answers 200 with what it found and X-SQL-State
        # S1TAT, which node.store.remote_http turns into a timeout
        return [("timeout", str(max(1, int(seconds * 1000))))] if seconds else []

    def json_results(self, body: bytes) -> bytes:
        # Virtuoso writes every typed literal `"type": "typed-literal"`: in valid JSON these bytes can
        # only be the key "type" with that value (a quote inside a string is escaped), so they are
        # replaced as bytes; parsing the whole answer for it cost ~1.5 ms for 100 rows
        body = body.replace(b'"type": "typed-literal"', b'"type": "literal"')
        if b'"bnode"' not in body and MARK.encode() not in body and _BOOLEAN.encode() not in body \
                and b'"typed-literal"' not in body:
            return body
        document = json.loads(body)
        for row in (document.get("results") or {}).get("bindings") or []:
            for term in row.values() if isinstance(row, dict) else ():
                if isinstance(term, dict):
                    _fix_json_term(term)
        return json.dumps(document).encode()


def _fix_json_term(term: dict) -> None:
    datatype = str(term.get("datatype", ""))
    if term.get("type") == "typed-literal":  # the 2007 JSON note's form; SPARQL 1.1 says "literal"
        term["type"] = "literal"
    if term.get("type") == "bnode":
        term["value"] = _valid_label(str(term.get("value", "")))
    elif datatype.startswith(MARK):
        term["datatype"] = datatype[len(MARK):]
    elif datatype == _BOOLEAN and term.get("value") in ("1", "0"):
        term["value"] = "true" if term["value"] == "1" else "false"


def _valid_blank_nodes(body: bytes) -> bytes:
    document = json.loads(body)
    for row in (document.get("results") or {}).get("bindings") or []:
        for term in row.values() if isinstance(row, dict) else ():
            if isinstance(term, dict) and term.get("type") == "bnode":
                term["value"] = _valid_label(str(term.get("value", "")))
    return json.dumps(document).encode()


def _valid_label(value: str) -> str:
    """Virtuoso writes blank nodes as `nodeID://b10000`, not a valid label (pyoxigraph fails on it)."""
    return "b" + "".join(c if c.isascii() and c.isalnum() else "_" for c in value)


def dialect_of(server_header: str) -> StandardDialect:
    return VirtuosoDialect() if "virtuoso/" in server_header.lower() else StandardDialect()


def stored_triples(dialect: StandardDialect, triples) -> list[ox.Triple]:
    return [ox.Triple(t.subject, t.predicate, dialect.stored(t.object)) for t in triples]


def read_triples(dialect: StandardDialect, triples) -> list[ox.Triple]:
    return [ox.Triple(t.subject, t.predicate, dialect.read(t.object)) for t in triples]


def insert_statements(dialect: StandardDialect, graph: str, triples) -> str:
    """INSERT DATA; the triples with blank nodes in one INSERT {…} WHERE {} (the same in SPARQL 1.1,
    but Virtuoso refuses blank nodes in INSERT DATA, "not allowed in a constant clause"). A server
    whose parser has a limit (Virtuoso: "memory exhausted" near 5,000 triples) gets statements of at
    most `dialect.statement_triples` each; blank nodes stay in one statement (they are scoped to it)."""
    triples = stored_triples(dialect, triples)
    blank = [t for t in triples if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)]
    plain = [t for t in triples if not (isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode))]
    size = dialect.statement_triples or max(1, len(plain))
    statements = [insert_data(graph, plain[at:at + size]) for at in range(0, len(plain), size)]
    if blank:
        body = ox.serialize(blank, format=ox.RdfFormat.N_TRIPLES).decode()
        statements.append(f"INSERT {{ GRAPH {graph} {{\n{body}}} }} WHERE {{ }}")
    return " ;\n".join(statements)
