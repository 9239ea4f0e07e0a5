"""OAI-PMH 2.0 response documents, built with ElementTree (values are text, never markup)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from urllib.parse import urlsplit

from node.errors import NotFound
from node.oai.listing import Item
from node.oai.metadata import DC, OAI_DC, dcat_ap_xml, oai_dc_element

OAI = "http://www.openarchives.org/OAI/2.0/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
ET.register_namespace("", OAI)
ET.register_namespace("xsi", XSI)
ET.register_namespace("oai_dc", OAI_DC)
ET.register_namespace("dc", DC)


def q(name: str) -> str:
    return f"{{{OAI}}}{name}"


def envelope(base_url: str, verb: str | None, args: dict[str, str]) -> tuple[ET.Element, ET.Element]:
    """The OAI-PMH root with responseDate and request; args only when the request was valid."""
    root = ET.Element(q("OAI-PMH"), {f"{{{XSI}}}schemaLocation":
                                     f"{OAI} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"})
    ET.SubElement(root, q("responseDate")).text = now()
    request = ET.SubElement(root, q("request"), ({"verb": verb, **args} if verb else {}))
    request.text = base_url
    return root, request


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def error(root: ET.Element, code: str, message: str) -> None:
    ET.SubElement(root, q("error"), {"code": code}).text = message


def oai_identifier(base_url: str, record_id: str) -> str:
    return f"oai:{urlsplit(base_url).hostname}:{record_id}"


def header(parent: ET.Element, base_url: str, item: Item, sets: list[str]) -> None:
    head = ET.SubElement(parent, q("header"), {"status": "deleted"} if item.deleted else {})
    ET.SubElement(head, q("identifier")).text = oai_identifier(base_url, item.record_id)
    ET.SubElement(head, q("datestamp")).text = item.datestamp
    for spec in sets:
        ET.SubElement(head, q("setSpec")).text = spec


# A record's RDF/XML is written into the response as it is: in the tree it stands as this empty element,
# which serialise() replaces (its text cannot come from a value: ElementTree escapes every '<' in text
# and attributes, so the marker's bytes only ever come from these elements).
_RAW_NS = "urn:ehds-node:oai-raw"
ET.register_namespace("oairaw", _RAW_NS)
_RAW_MARK = b"<oairaw:metadata />"
_RAW_XMLNS = f' xmlns:oairaw="{_RAW_NS}"'.encode()


def record(parent: ET.Element, ctx, item: Item, prefix: str, sets: list[str], raw: list[str]) -> None:
    """A record; dcat_ap metadata is appended to `raw` (in document order) for serialise()."""
    element = ET.SubElement(parent, q("record"))
    try:
        content = None if item.deleted else (dcat_ap_xml(ctx, item.record_id) if prefix == "dcat_ap"
                                             else oai_dc_element(ctx, item.record_id))
    except NotFound:  # deleted since the listing was read: it is a deleted record now
        item = Item(item.datestamp, item.record_id, item.graph, item.dataset, True)
        content = None
    header(element, ctx.settings.base_url, item, sets)
    if content is None:
        return
    metadata = ET.SubElement(element, q("metadata"))
    if isinstance(content, str):
        ET.SubElement(metadata, f"{{{_RAW_NS}}}metadata")
        raw.append(content)
    else:
        metadata.append(content)


def resumption(parent: ET.Element, token: str, size: int, cursor: int) -> None:
    ET.SubElement(parent, q("resumptionToken"), {"completeListSize": str(size), "cursor": str(cursor)}).text = token


# Characters XML 1.0 cannot carry (ElementTree escapes markup but writes these as they are): an echoed
# argument or a literal holding one would make the whole response unreadable.
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(value):
    return _NOT_XML.sub("\ufffd", value) if value else value


def serialise(root: ET.Element, raw: list[str] = ()) -> bytes:
    """The document, with each raw metadata chunk in place of its marker element."""
    for element in root.iter():
        element.text, element.tail = _xml_text(element.text), _xml_text(element.tail)
        for name, value in element.attrib.items():
            element.attrib[name] = _xml_text(value)
    document = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    if not raw:
        return document
    parts = document.replace(_RAW_XMLNS, b"", 1).split(_RAW_MARK)
    if len(parts) != len(raw) + 1:
        raise RuntimeError("OAI response: the raw metadata chunks and their markers do not match")
    chunks = [_xml_text(chunk).encode("utf-8") for chunk in raw]
    return b"".join(part + chunk for part, chunk in zip(parts, chunks)) + parts[-1]
