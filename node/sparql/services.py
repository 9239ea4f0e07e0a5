"""Which SERVICE endpoints a query calls, as a conforming SPARQL 1.1 parser reads it.

No regex or hand-written tokenizer decides this. The steps, and why each is sound:

1. SPARQL 1.1 §19.2: codepoint escapes (\\uXXXX, \\UXXXXXXXX) are replaced in the whole text before
   the grammar. Once replaced, a SERVICE keyword is the letters s-e-r-v-i-c-e in a row (a keyword
   is one token: no comment, escape or space can split it). So a text without that word, in any
   case, cannot call a SERVICE in any parser — whatever its strings, comments or IRIs hide.
2. Otherwise the query is read by a real SPARQL 1.1 parser (rdflib's grammar, node.sparql.grammar), and every
   ServiceGraphPattern in the parse tree — in OPTIONAL, MINUS, UNION, EXISTS, subqueries — is
   checked. A query that mentions the word but does not parse is refused: we cannot say what an
   engine would read in it.
3. Oxigraph does not apply §19.2 the same way (it expands escapes inside IRIs and strings only), so
   the two parsers could read one text differently (an escaped quote that ends a string for one and
   not for the other). The text the engine runs is therefore the unescaped text both parsers agree
   on (`engine_text`), and an unescaping that leaves another escape behind is refused.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from pyparsing import ParseException
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import URIRef, Variable

from node.errors import QueryError, QueryRefused
from node.sparql.grammar import parse_query

# §19.2's codepoint escapes; a pattern here only finds them, it judges nothing.
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_KEYWORD = "service"


@dataclass(frozen=True)
class Services:
    engine_text: str               # what the engine runs (the unescaped text when SERVICE is possible)
    endpoints: tuple[str, ...]     # every SERVICE endpoint, resolved


def unescape_codepoints(text: str) -> str:
    """§19.2: every \\uXXXX / \\UXXXXXXXX replaced by its character, in one pass."""
    def replace(match: re.Match) -> str:
        value = int(match.group(1) or match.group(2), 16)
        if value > sys.maxunicode or 0xD800 <= value <= 0xDFFF:
            raise QueryError(f"the query has an invalid codepoint escape '{match.group()}' at character "
                             f"{match.start()}")
        return chr(value)
    return _CODEPOINT.sub(replace, text)


def may_call_service(text: str) -> bool:
    """False only when no conforming parser can find a SERVICE keyword in `text`.
    Checked on the raw and the unescaped text, folded every way Unicode folds case."""
    for candidate in (text, unescape_codepoints(text)):
        folds = (candidate.lower(), candidate.casefold(), candidate.upper().lower(),  # 'ı'.upper() is 'I'
                 unicodedata.normalize("NFKC", candidate).casefold())
        for folded in folds:
            if _KEYWORD in folded:
                return True
    return False


def engine_text(text: str) -> str:
    """The text the engine should run: unescaped (§19.2) when it may call a SERVICE, else as sent."""
    if not may_call_service(text):
        return text
    unescaped = unescape_codepoints(text)
    if _CODEPOINT.search(unescaped):
        raise QueryRefused("this query mentions SERVICE and its codepoint escapes produce further escapes; "
                           "write the characters themselves")
    return unescaped


def find_services(text: str) -> Services:
    """The SERVICE endpoints of a query, or QueryRefused when they cannot be known for sure."""
    if not may_call_service(text):
        return Services(text, ())
    unescaped = engine_text(text)
    tree = _parse(unescaped)
    prefixes = _declared_prefixes(tree[0])
    return Services(unescaped, tuple(_endpoint(node, prefixes) for node in _service_patterns(tree[1])))


def _parse(text: str):
    try:
        return parse_query(text)
    except RecursionError:
        raise QueryRefused("this query mentions SERVICE and is too large or too deeply nested for the parser that "
                           "checks which endpoints it calls (about 80 triple patterns in one group, or 30 levels "
                           "of nested groups); split it into smaller queries") from None
    except (ParseException, ValueError, TypeError) as err:
        detail = str(err).splitlines()[0][:200] if str(err) else type(err).__name__
        raise QueryRefused("this query mentions SERVICE but does not parse as a SPARQL 1.1 query, so which "
                           f"endpoints it would call cannot be checked ({detail})") from None


def _declared_prefixes(prologue) -> dict[str, str | None]:
    """Prefix → IRI as declared; None for a prefix whose IRI is relative (it depends on BASE)."""
    prefixes: dict[str, str | None] = {}
    for decl in prologue:
        if isinstance(decl, CompValue) and decl.name == "PrefixDecl":
            iri = str(decl.get("iri"))
            prefixes[decl.get("prefix") or ""] = iri if _absolute(iri) else None
    return prefixes


def _service_patterns(node):
    """Every ServiceGraphPattern under `node`, however deeply nested (iteratively: no recursion limit)."""
    pending = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, CompValue):
            if current.name == "ServiceGraphPattern":
                yield current
            pending.extend(current.values())
        elif isinstance(current, dict):
            pending.extend(current.values())
        elif isinstance(current, (list, tuple)) or type(current).__name__ == "ParseResults":
            pending.extend(current)


def _endpoint(pattern: CompValue, prefixes: dict[str, str | None]) -> str:
    term = pattern.get("term")
    if isinstance(term, Variable):
        raise QueryRefused(f"SERVICE ?{term}: a variable endpoint cannot be checked against this node's "
                           "allow-list; write the endpoint's full IRI")
    if isinstance(term, URIRef):
        if not _absolute(str(term)):
            raise QueryRefused(f"SERVICE <{term}>: a relative endpoint IRI is not accepted; write the "
                               "endpoint's full IRI (it must be on this node's allow-list)")
        return str(term)
    if isinstance(term, CompValue) and term.name == "pname":
        prefix, local = term.get("prefix") or "", term.get("localname") or ""
        namespace = prefixes.get(prefix)
        if namespace is None or "\\" in local:
            raise QueryRefused(f"SERVICE {prefix}:{local}: the prefix is undeclared, relative, or the name has "
                               "escapes; write the endpoint's full IRI (it must be on this node's allow-list)")
        return namespace + local
    raise QueryRefused("a SERVICE endpoint that cannot be read; write the endpoint's full IRI")


def _absolute(iri: str) -> bool:
    try:
        return bool(urlsplit(iri).scheme)
    except ValueError:
        return False
