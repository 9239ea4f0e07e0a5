"""The public endpoint's rules, checked before a query reaches the store.

- size: longer than `sparql_max_query_bytes` → 413;
- nesting: deeper than MAX_DEPTH brackets → 400 (Oxigraph's recursive parser overflows its
  stack on a few thousand levels and takes the process down);
- updates → 403 (the store is read-only for this endpoint anyway);
- SERVICE only towards endpoints on `sparql_service_allowlist`, written as full IRIs → 403, judged
  by a real SPARQL parser on the exact text the engine runs (node.sparql.services);
- a top-level LIMIT above the row cap is lowered, a missing one added, to cap + 1, so the engine
  stops early. This only saves work: the runner counts the rows whatever LIMIT the tokenizer found
  (a disguised query can show it a subquery's LIMIT as its own).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from node.errors import PayloadTooLarge, QueryError, QueryRefused
from node.sparql.analysis import QUERY_FORMS, Analysis, analyze
from node.sparql.services import engine_text, find_services

MAX_DEPTH = 64
# A bound on nesting that no lexical reading can be fooled about: the engine's parser crashes (a stack
# overflow, seen at 5,000 nested parentheses) on what a tokenizer may not see as nesting (brackets inside
# what it takes for an IRI, `?a<((…))&&?b>0`), so every bracket character counts, in strings and IRIs too.
MAX_OPENING_BRACKETS = 1000


@dataclass(frozen=True)
class CheckedQuery:
    text: str          # what the store runs (LIMIT possibly added or lowered)
    form: str          # SELECT | CONSTRUCT | DESCRIBE | ASK
    analysis: Analysis
    services: tuple[str, ...] = ()  # the SERVICE endpoints, as the real parse read them


def check_query(text: str, *, max_bytes: int, max_rows: int | None,
                service_allowlist: tuple[str, ...] = (), base_iri: str | None = None) -> CheckedQuery:
    size = len(text.encode("utf-8"))
    if size > max_bytes:
        raise PayloadTooLarge(f"the query is {size} bytes; this endpoint accepts queries of at most {max_bytes} bytes")
    text = engine_text(text)  # unescaped when it may call a SERVICE (see services.py)
    analysis = analyze(text, base_iri)
    if analysis.depth > MAX_DEPTH:  # the usual case, in words a client understands
        raise QueryError(f"the query nests brackets {analysis.depth} levels deep; at most {MAX_DEPTH} are accepted")
    _check_bracket_count(text)  # the bound no disguise of the brackets gets around
    if analysis.is_update:
        raise QueryRefused("this endpoint is read-only: SPARQL Update is not accepted "
                           "(operators load data through the Graph Store Protocol at /store)")
    if analysis.form not in QUERY_FORMS:
        raise QueryError("not a SPARQL query: expected SELECT, CONSTRUCT, DESCRIBE or ASK after the prologue")
    rewritten = cap_rows(text, analysis, max_rows) if analysis.form == "SELECT" and max_rows else text
    # Judged on the very text the engine runs, after the row cap's rewrite: nothing between this
    # check and the engine can change what the query calls.
    final = find_services(rewritten)
    if final.engine_text != rewritten:
        raise QueryRefused("the query cannot be checked for SERVICE calls after its row cap was applied")
    _check_services(final.endpoints, service_allowlist)
    return CheckedQuery(rewritten, analysis.form, analysis, final.endpoints)


def _check_bracket_count(text: str) -> None:
    """At most MAX_OPENING_BRACKETS of '{', '(' and '[' in the whole text: an upper bound of any nesting
    depth, whatever a parser makes of the characters around them."""
    opening = sum(text.count(bracket) for bracket in "{([")
    if opening > MAX_OPENING_BRACKETS:
        raise QueryError(f"the query has {opening} opening brackets; at most {MAX_OPENING_BRACKETS} are accepted "
                         "(a bound on its nesting, checked before any parser reads it)")


def _check_services(endpoints: tuple[str, ...], allowlist: tuple[str, ...]) -> None:
    allowed = {_normalise(url) for url in allowlist}
    for endpoint in endpoints:
        if _normalise(endpoint) not in allowed:
            listed = ", ".join(sorted(allowlist)) or "none configured"
            raise QueryRefused(f"SERVICE <{endpoint}> is not on this node's allow-list of partner "
                               f"endpoints ({listed})")


def _normalise(url: str) -> str:
    return url.strip().rstrip("/").lower()


def cap_rows(text: str, analysis: Analysis, max_rows: int) -> str:
    """Ask the engine for at most max_rows + 1 solutions."""
    wanted = max_rows + 1
    limit = analysis.limit
    if limit is not None:
        try:
            value = int(limit.text)
        except ValueError:
            return text  # not an integer: Oxigraph reports the syntax error
        if value <= max_rows:
            return text
        return f"{text[:limit.start]}{wanted}{text[limit.end:]}"
    if analysis.values_at is not None:
        at = analysis.values_at
        return f"{text[:at]}LIMIT {wanted}\n{text[at:]}"
    return f"{text}\nLIMIT {wanted}"


_POSITION = re.compile(r"error at (\d+):(\d+)")


def explain_syntax_error(message: str, original: str) -> str:
    """Oxigraph's message, made to fit the query as the client wrote it: a position past its end
    (where the row cap's LIMIT was added) becomes "at the end", and the list of expected
    characters is shortened."""
    match = _POSITION.search(message)
    if match:
        line, column = int(match.group(1)), int(match.group(2))
        lines = original.split("\n")
        if line > len(lines) or (line == len(lines) and column > len(lines[-1]) + 1):
            message = message[:match.start()] + "error at the end of the query" + message[match.end():]
    return message if len(message) <= 300 else message[:300] + "…"
