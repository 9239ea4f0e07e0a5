"""Which SERVICE endpoints a query can call, decided from a real parse.

The one way a read query makes Oxigraph open a connection is a SERVICE pattern, and a SERVICE
pattern needs the keyword SERVICE. SPARQL 1.1 §19.2 lets codepoint escapes (\\uXXXX, \\UXXXXXXXX)
stand anywhere in a query, so the keyword is looked for in the text with every escape applied
(and in the raw text): a query in which neither holds "service", in any letter case, cannot call
anything, whatever its comments, strings or IRIs — no parse is needed to know it.

A query that does mention it is parsed by rdflib's SPARQL 1.1 parser (which applies §19.2 first)
and every ServiceGraphPattern in its algebra — in OPTIONAL, UNION, MINUS, EXISTS, subqueries — is
collected with its endpoint resolved against PREFIX and BASE. If that parser cannot read the query,
the query is refused: nobody can then say where it would connect.
"""

from __future__ import annotations

from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import URIRef

from node.errors import QueryRefused

_KEYWORD = "service"


def apply_codepoint_escapes(text: str) -> str:
    """The query as SPARQL 1.1 §19.2 reads it: \\uXXXX and \\UXXXXXXXX replaced by their character."""
    out: list[str] = []
    i = 0
    while True:
        j = text.find("\\", i)
        if j < 0 or j + 1 >= len(text):
            out.append(text[i:])
            return "".join(out)
        width = {"u": 4, "U": 8}.get(text[j + 1])
        digits = text[j + 2:j + 2 + width] if width else ""
        if width and len(digits) == width and all(c in "0123456789abcdefABCDEF" for c in digits) \
                and int(digits, 16) <= 0x10FFFF:
            out.append(text[i:j] + chr(int(digits, 16)))
            i = j + 2 + width
        else:
            out.append(text[i:j + 2])  # another escape (\t, \", \#): kept, its next character too
            i = j + 2


def may_call_a_service(text: str) -> bool:
    """False only when no conforming reading of `text` can contain a SERVICE pattern."""
    return _KEYWORD in text.casefold() or _KEYWORD in apply_codepoint_escapes(text).casefold()


def service_endpoints(text: str, base_iri: str | None) -> tuple[str | None, ...]:
    """The endpoint of every SERVICE pattern (None for a variable endpoint); () when there is none."""
    if not may_call_a_service(text):
        return ()
    try:
        algebra = translateQuery(parseQuery(text), base=base_iri).algebra
    except RecursionError:
        raise QueryRefused("the query mentions SERVICE and nests too deeply to be checked") from None
    except Exception as err:  # pyparsing and rdflib raise many kinds; all mean "not understood"
        raise QueryRefused("the query mentions SERVICE but this endpoint's SPARQL parser cannot read it, so it "
                           f"cannot check it against the allow-list of partner endpoints ({type(err).__name__}: {str(err)[:200]})") from None
    found: list[str | None] = []
    _collect(algebra, found)
    return tuple(found)


def _collect(node, found: list[str | None]) -> None:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            if item.name == "ServiceGraphPattern":
                term = item.get("term")
                found.append(str(term) if isinstance(term, URIRef) else None)
            stack.extend(item.values())
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
