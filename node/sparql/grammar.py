"""rdflib's SPARQL 1.1 query grammar (pyparsing), as a private copy with two upstream bugs fixed.

- rdflib 7.x records each SERVICE pattern's text by searching the *whole* query for the first
  SERVICE pattern again (parserutils.Comp.postParse). That search treats a '#' inside an earlier IRI
  as a comment start, finds nothing and fails the parse: `PREFIX d: <http://x/ns#> SELECT * {
  SERVICE <…> {…} }` on one line does not parse. We never evaluate with rdflib, so our copy builds
  the pattern's node without that text.
- Its comments run to the next line feed (`'#' + rest_of_line`), but SPARQL's end at a line feed
  *or* a carriage return (§19.8: `'#' [^\r\n]*`), as in Oxigraph: `# x\r SERVICE <…> {…}` was a
  comment to this parser and a SERVICE call to the engine. Our copy ends comments as the grammar does.

rdflib's own grammar object is left untouched.
"""

from __future__ import annotations

import copy
import sys
import threading

from pyparsing import ParserElement, ParseResults, Regex, Suppress
from rdflib.plugins.sparql import parser as rdflib_parser
from rdflib.plugins.sparql.parserutils import CompValue, ParamValue

_lock = threading.Lock()
_grammar = None


def parse_query(text: str) -> ParseResults:
    """The parse tree [prologue, query] of a SPARQL 1.1 query (pyparsing's exceptions on error).
    `text` must already have its §19.2 codepoint escapes applied."""
    return _query_grammar().parse_string(text, parse_all=True)


def _query_grammar():
    global _grammar
    with _lock:
        if _grammar is None:
            _grammar = _fixed_copy()
        return _grammar


def _fixed_copy():
    memo: dict = {}
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20_000))  # the grammar is a deep, cyclic object graph
    try:
        grammar = copy.deepcopy(rdflib_parser.Query, memo)
    finally:
        sys.setrecursionlimit(limit)
    service = memo[id(rdflib_parser.ServiceGraphPattern)]
    service.postParse = lambda instring, loc, tokens: _comp_value(service.name, tokens)
    _end_comments_as_sparql_does(element for element in memo.values() if isinstance(element, ParserElement))
    return grammar


_COMMENT = Suppress(Regex(r"#[^\r\n]*"))  # SPARQL 1.1 §19.8; rdflib's "#" + rest_of_line runs past a \r


def _end_comments_as_sparql_does(elements) -> None:
    """Every element of the copy skips the grammar's comments, not rdflib's (see the module docstring)."""
    for element in elements:
        if element.ignoreExprs:
            element.ignoreExprs = [_COMMENT]


def _comp_value(name: str, tokens) -> CompValue:
    """What Comp.postParse builds, without the whole-text search."""
    value = CompValue(name)
    for token in tokens:
        if isinstance(token, ParamValue):
            if token.isList:
                value.setdefault(token.name, []).append(token.tokenList)
            else:
                value[token.name] = token.tokenList
    return value
