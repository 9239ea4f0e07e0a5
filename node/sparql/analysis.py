"""What a SPARQL request is, before it runs: its form, its nesting depth, its top-level LIMIT.

`analyze` reads the token stream of node.sparql.tokens. It trusts Oxigraph for everything
else: a query this module misreads still goes through Oxigraph's parser, on a read-only store.
It never decides what a query may reach: SERVICE calls are judged by a real parser
(node.sparql.services) on the exact text the engine runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urljoin

from node.sparql.tokens import Token, max_depth, tokenize

QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")


@dataclass(frozen=True)
class Analysis:
    form: str | None                       # SELECT, CONSTRUCT, … or an update keyword; None if unknown
    depth: int
    limit: Token | None = None             # the integer of a top-level LIMIT
    values_at: int | None = None           # where a trailing top-level VALUES clause starts
    prefixes: dict[str, str] = field(default_factory=dict)
    own_base: bool = False                 # the prologue declares an absolute BASE (ours is then not needed)
    form_at: int | None = None             # where the form keyword starts in the text
    dataset_clause: bool = False           # FROM or FROM NAMED: the query names its own dataset

    @property
    def is_update(self) -> bool:
        return self.form in UPDATE_KEYWORDS


def analyze(text: str, base_iri: str | None = None) -> Analysis:
    """`base_iri`: the base the store resolves relative IRIs against when the query has no BASE."""
    tokens = tokenize(text)
    prefixes, base, position = _prologue(tokens, None)
    own_base = base is not None  # resolved without ours: an absolute BASE of the query's own
    if not own_base:
        prefixes, base, position = _prologue(tokens, base_iri)
    found = position < len(tokens) and tokens[position].kind == "word"
    form = tokens[position].text.upper() if found else None
    return Analysis(
        form=form,
        depth=max_depth(tokens),
        limit=_top_level_limit(tokens),
        values_at=_trailing_values(tokens),
        prefixes=prefixes,
        own_base=own_base,
        form_at=tokens[position].start if found else None,
        dataset_clause=any(token.depth == 0 and token.is_word("FROM") for token in tokens[position:]),
    )


def _prologue(tokens: list[Token], base: str | None) -> tuple[dict[str, str], str | None, int]:
    """PREFIX and BASE declarations; returns them and the index of the first token after."""
    prefixes: dict[str, str] = {}
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.is_word("BASE") and i + 1 < len(tokens) and tokens[i + 1].kind == "iri":
            base = _resolve(tokens[i + 1].text[1:-1], base)
            i += 2
        elif token.is_word("PREFIX") and i + 2 < len(tokens) and tokens[i + 1].kind == "pname" \
                and tokens[i + 2].kind == "iri":
            prefixes[tokens[i + 1].text.rstrip(":")] = _resolve(tokens[i + 2].text[1:-1], base)
            i += 3
        else:
            break
    return prefixes, base, i


def _resolve(iri: str, base: str | None) -> str | None:
    if "://" in iri or iri.startswith("urn:"):
        return iri
    return urljoin(base, iri) if base else None


def _top_level_limit(tokens: list[Token]) -> Token | None:
    for i, token in enumerate(tokens[:-1]):
        if token.depth == 0 and token.is_word("LIMIT") and tokens[i + 1].kind == "number":
            return tokens[i + 1]
    return None


def _trailing_values(tokens: list[Token]) -> int | None:
    """A VALUES at depth 0 after the WHERE clause is the query's trailing ValuesClause."""
    seen_where = False
    for token in tokens:
        if token.depth == 0 and token.text == "{":
            seen_where = True
        elif seen_where and token.depth == 0 and token.is_word("VALUES"):
            return token.start
    return None
