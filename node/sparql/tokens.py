"""A SPARQL tokenizer for analysis only: it never decides what a query means, only where its
keywords, IRIs and brackets are, skipping strings, comments and IRIs the way the grammar does.

Oxigraph parses and runs the query; this tokenizer lets the endpoint refuse what it must not
run (updates, SERVICE to hosts outside the allow-list, pathological nesting) before that, in
microseconds, without a second full parser. Oxigraph does not expand \\u escapes outside
strings (checked in tests), so neither do we: `\\u0053ERVICE` is a syntax error, not a SERVICE.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Order matters: strings and IRIs before anything that could match inside them.
_TOKEN = re.compile(
    r"""
      (?P<ws>\s+)
    | (?P<comment>\#[^\n\r]*)
    | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                |'''(?:[^'\\]|\\.|'(?!''))*'''
                |"(?:[^"\\\n\r]|\\.)*"
                |'(?:[^'\\\n\r]|\\.)*')
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][\w\u00B7-\uFFFF]+)
    | (?P<pname>(?:[A-Za-z\u00C0-\uFFFF][\w.\-\u00B7-\uFFFF]*)?:(?:[\w:%\-\u00B7-\uFFFF]|\\.|\.(?=[\w:%\-]))*)
    | (?P<bnode>_:[\w\-.\u00B7-\uFFFF]*)
    | (?P<word>[A-Za-z][\w\-]*)
    | (?P<number>[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?))
    | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<punct>\^\^|\|\||&&|!=|<=|>=|.)
    """,
    re.X | re.S,
)
OPENING = "{(["
CLOSING = "})]"


@dataclass(frozen=True)
class Token:
    kind: str   # string | iri | var | pname | bnode | word | number | lang | punct
    text: str
    start: int
    end: int
    depth: int  # bracket depth ({, (, [) before this token

    def is_word(self, *words: str) -> bool:
        return self.kind == "word" and self.text.upper() in words


def tokenize(text: str) -> list[Token]:
    """Tokens without whitespace and comments, each with its bracket depth."""
    tokens: list[Token] = []
    depth = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind in ("ws", "comment"):
            continue
        value = match.group()
        if kind == "punct" and value in CLOSING:
            depth = max(0, depth - 1)
        tokens.append(Token(kind, value, match.start(), match.end(), depth))
        if kind == "punct" and value in OPENING:
            depth += 1
    return tokens


def max_depth(tokens: list[Token]) -> int:
    return max((t.depth + 1 for t in tokens if t.kind == "punct" and t.text in OPENING), default=0)
