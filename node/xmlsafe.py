"""Untrusted XML read by expat and written again without its DTD, before Oxigraph sees it.

Expat (the XML parser Python ships) reads the document as XML 1.0 defines it — entities,
attributes, CDATA, encodings, well-formedness — so nothing here guesses at syntax. While it reads,
this module refuses what could make the document explode or hang:
- external entities, parameter entities and unparsed entities (nothing outside the document is read);
- internal entities whose value holds markup or other entity references (expansion would nest),
  more than `max_entities` of them, or whose value is more than `max_entity_ratio` times longer than
  a reference to it: `<!ENTITY owl "http://www.w3.org/2002/07/owl#">` (30 bytes for `&owl;`, 5)
  is what Protégé writes and passes; a billion laughs cannot be written under these rules;
- elements nested deeper than `max_depth` (RDF/XML's parseType="Resource" nesting is quadratic);
- text runs over the literal limit, and documents that take longer than the time limit;
- truncated or malformed documents (expat's own errors, with line and column).
What comes out is the same elements, attributes and text with every entity already expanded and no
DOCTYPE: Oxigraph's RDF/XML parser then has no entity to expand.
"""

from __future__ import annotations

import time
from io import BytesIO
from xml.parsers import expat
from xml.sax.saxutils import escape, quoteattr

from node.errors import ParseError, PayloadTooLarge
from node.rdflimits import ParseLimits


class _Refused(Exception):
    def __init__(self, error: ParseError):
        self.error = error


class _Rewriter:
    def __init__(self, limits: ParseLimits, where: str, input_size: int):
        self.limits, self.where = limits, where
        self.out = BytesIO()
        self.depth = 0
        self.text_run = 0
        self.entities = 0
        self.max_output = 4 * input_size + 1_000_000
        self.deadline = time.monotonic() + limits.max_seconds
        self.elements = 0

    def refuse(self, message: str, too_large: bool = False):
        kind = PayloadTooLarge if too_large else ParseError
        raise _Refused(kind(f"{self.where}: {message}"))

    def write(self, text: str) -> None:
        self.out.write(text.encode("utf-8"))
        if self.out.tell() > self.max_output:
            self.refuse("its entities expand to far more than the document itself; refused", too_large=True)

    # -- DTD ------------------------------------------------------------------------------------

    def entity_declared(self, name, is_parameter, value, base, system_id, public_id, notation):
        if is_parameter:
            self.refuse(f"parameter entity %{name}; is refused (RDF/XML needs none)")
        if value is None:
            self.refuse(f"external or unparsed entity &{name}; is refused: nothing outside the document is read")
        self.entities += 1
        if self.entities > self.limits.max_entities:
            self.refuse(f"more than {self.limits.max_entities} entity declarations are refused")
        if "&" in value or "<" in value:
            self.refuse(f"entity &{name}; is refused: it refers to other entities or holds markup; only "
                        "plain values (namespace abbreviations) are accepted")
        if len(value) > self.limits.max_entity_ratio * (len(name) + 2):
            self.refuse(f"entity &{name}; is refused: its {len(value)} characters are more than "
                        f"{self.limits.max_entity_ratio} times a reference to it; only short abbreviations are accepted")

    def external_reference(self, context, base, system_id, public_id):
        self.refuse(f"external entity {system_id or public_id} is refused: nothing outside the document is read")

    def skipped(self, name, is_parameter):
        self.refuse(f"entity &{name}; is not declared in the document")

    # -- content ------------------------------------------------------------------------------

    def start(self, name: str, attributes: list[str]) -> None:
        self.depth += 1
        if self.depth > self.limits.max_depth:
            self.refuse(f"XML elements nested more than {self.limits.max_depth} deep are refused")
        self.elements += 1
        if self.elements % 1024 == 0 and time.monotonic() > self.deadline:
            self.refuse(f"reading it took longer than {self.limits.max_seconds:g} s; send smaller documents")
        pairs = "".join(f" {attributes[i]}={quoteattr(attributes[i + 1])}" for i in range(0, len(attributes), 2))
        self.text_run = 0
        self.write(f"<{name}{pairs}>")

    def end(self, name: str) -> None:
        self.depth -= 1
        self.text_run = 0
        self.write(f"</{name}>")

    def text(self, data: str) -> None:
        self.text_run += len(data)
        if self.text_run > self.limits.max_literal_bytes:
            self.refuse(f"a text of more than {self.limits.max_literal_bytes:,} characters is over the "
                        "limit per literal", too_large=True)
        self.write(escape(data))


def entity_free_xml(data: bytes, limits: ParseLimits, where: str) -> bytes:
    """The document re-written without DTD or entity references, or a ParseError/PayloadTooLarge."""
    rewriter = _Rewriter(limits, where, len(data))
    parser = expat.ParserCreate()
    parser.ordered_attributes = True
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.EntityDeclHandler = rewriter.entity_declared
    parser.ExternalEntityRefHandler = rewriter.external_reference
    parser.SkippedEntityHandler = rewriter.skipped
    parser.StartElementHandler = rewriter.start
    parser.EndElementHandler = rewriter.end
    parser.CharacterDataHandler = rewriter.text
    rewriter.write('<?xml version="1.0" encoding="utf-8"?>\n')
    try:
        parser.Parse(data, True)
    except _Refused as refused:
        raise refused.error from None
    except expat.ExpatError as err:
        raise ParseError(f"{where}: not well-formed XML: {expat.ErrorString(err.code)} "
                         f"at line {err.lineno}, column {err.offset + 1}") from None
    except RecursionError:
        raise ParseError(f"{where}: XML nested far deeper than the {limits.max_depth} levels accepted") from None
    return rewriter.out.getvalue()
