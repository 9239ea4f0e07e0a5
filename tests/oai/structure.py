"""Strict structural checks of an OAI-PMH 2.0 response, element by element as OAI-PMH.xsd (2005-06-08)
defines it: order, cardinality, enumerations and the value patterns. The plain suite runs these; the
conformance run also validates against the official schema (tests/oai/test_schema.py).

`problems(xml)` returns what is wrong, [] for a valid response.
"""

from __future__ import annotations

from datetime import datetime

from lxml import etree

NS = "http://www.openarchives.org/OAI/2.0/"
VERBS = ("Identify", "ListMetadataFormats", "ListSets", "GetRecord", "ListIdentifiers", "ListRecords")
ERROR_CODES = ("cannotDisseminateFormat", "idDoesNotExist", "badArgument", "badVerb", "noMetadataFormats",
               "noRecordsMatch", "badResumptionToken", "noSetHierarchy")
_UNRESERVED = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!~*'()")


class Invalid(Exception):
    pass


def problems(xml: bytes) -> list[str]:
    try:
        root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
        _response(root)
    except (Invalid, etree.XMLSyntaxError) as err:
        return [str(err)]
    return []


def _children(element, names: list[tuple[str, int, int | None]]) -> list[list]:
    """The element's children grouped by the (name, min, max) sequence; Invalid on anything else."""
    kids = [k for k in element if not isinstance(k, etree._Comment)]
    if (element.text or "").strip() and names:
        raise Invalid(f"{_local(element)} has text between its elements")
    groups, position = [], 0
    for name, low, high in names:
        group = []
        while position < len(kids) and kids[position].tag == f"{{{NS}}}{name}":
            group.append(kids[position])
            position += 1
        if len(group) < low or (high is not None and len(group) > high):
            raise Invalid(f"{_local(element)}: {len(group)} <{name}> (expected {low}..{high or 'n'})")
        groups.append(group)
    if position != len(kids):
        raise Invalid(f"{_local(element)}: unexpected <{_local(kids[position])}> at position {position + 1}")
    return groups


def _local(element) -> str:
    return etree.QName(element).localname


def _response(root) -> None:
    if root.tag != f"{{{NS}}}OAI-PMH":
        raise Invalid(f"root is {root.tag}, not OAI-PMH")
    kids = list(root)
    if len(kids) < 3:
        raise Invalid("OAI-PMH needs responseDate, request and a verb element or errors")
    date, request, *rest = kids
    _expect(date, "responseDate")
    _datetime(date.text, "responseDate", utc_only=False)
    _expect(request, "request")
    _request(request)
    if all(k.tag == f"{{{NS}}}error" for k in rest):
        for element in rest:
            _error(element)
        return
    if len(rest) != 1 or _local(rest[0]) not in VERBS or etree.QName(rest[0]).namespace != NS:
        raise Invalid(f"after request: {[_local(k) for k in rest]} is not one verb element or errors")
    _VERB_CHECKS[_local(rest[0])](rest[0])


def _expect(element, name: str) -> None:
    if element.tag != f"{{{NS}}}{name}":
        raise Invalid(f"expected <{name}>, found <{element.tag}>")


def _request(request) -> None:
    allowed = {"verb", "identifier", "metadataPrefix", "from", "until", "set", "resumptionToken"}
    if set(request.attrib) - allowed:
        raise Invalid(f"request has attributes {sorted(set(request.attrib) - allowed)}")
    if "verb" in request.attrib and request.get("verb") not in VERBS:
        raise Invalid(f"request verb {request.get('verb')!r}")
    for name in ("from", "until"):
        if name in request.attrib:
            _utc(request.get(name), name)
    if "metadataPrefix" in request.attrib:
        _unreserved(request.get("metadataPrefix"), "request metadataPrefix")
    if "set" in request.attrib:
        _set_spec(request.get("set"), "request set")
    _uri(request.text, "request base URL")
    if len(request):
        raise Invalid("request has child elements")


def _error(element) -> None:
    if element.get("code") not in ERROR_CODES or set(element.attrib) != {"code"} or len(element):
        raise Invalid(f"error element {dict(element.attrib)}")


def _identify(element) -> None:
    groups = _children(element, [("repositoryName", 1, 1), ("baseURL", 1, 1), ("protocolVersion", 1, 1),
                                 ("adminEmail", 1, None), ("earliestDatestamp", 1, 1), ("deletedRecord", 1, 1),
                                 ("granularity", 1, 1), ("compression", 0, None), ("description", 0, None)])
    _uri(groups[1][0].text, "baseURL")
    if groups[2][0].text != "2.0":
        raise Invalid("protocolVersion is not 2.0")
    for email in groups[3]:
        local, at, domain = (email.text or "").partition("@")
        if not (local and at and "." in domain.strip(".") and not any(c.isspace() for c in email.text)):
            raise Invalid(f"adminEmail {email.text!r}")
    _utc(groups[4][0].text, "earliestDatestamp")
    if groups[5][0].text not in ("no", "persistent", "transient"):
        raise Invalid(f"deletedRecord {groups[5][0].text!r}")
    if groups[6][0].text not in ("YYYY-MM-DD", "YYYY-MM-DDThh:mm:ssZ"):
        raise Invalid(f"granularity {groups[6][0].text!r}")


def _list_metadata_formats(element) -> None:
    for fmt in _children(element, [("metadataFormat", 1, None)])[0]:
        prefix, schema, namespace = _children(fmt, [("metadataPrefix", 1, 1), ("schema", 1, 1),
                                                     ("metadataNamespace", 1, 1)])
        _unreserved(prefix[0].text, "metadataPrefix")
        _uri(schema[0].text, "schema")
        _uri(namespace[0].text, "metadataNamespace")


def _list_sets(element) -> None:
    sets, token = _children(element, [("set", 1, None), ("resumptionToken", 0, 1)])
    for entry in sets:
        spec, name, _ = _children(entry, [("setSpec", 1, 1), ("setName", 1, 1), ("setDescription", 0, None)])
        _set_spec(spec[0].text, "setSpec")
        if not (name[0].text or "").strip():
            raise Invalid("empty setName")
    _token(token)


def _get_record(element) -> None:
    _record(_children(element, [("record", 1, 1)])[0][0])


def _list_identifiers(element) -> None:
    found, token = _children(element, [("header", 1, None), ("resumptionToken", 0, 1)])
    for header in found:
        _header(header)
    _token(token)


def _list_records(element) -> None:
    found, token = _children(element, [("record", 1, None), ("resumptionToken", 0, 1)])
    for record in found:
        _record(record)
    _token(token)


def _record(record) -> None:
    header, metadata, _about = _children(record, [("header", 1, 1), ("metadata", 0, 1), ("about", 0, None)])
    _header(header[0])
    deleted = header[0].get("status") == "deleted"
    if deleted == bool(metadata):
        raise Invalid("a deleted record has metadata, or a live one has none")
    for element in metadata:
        content = list(element)
        if len(content) != 1 or etree.QName(content[0]).namespace in (NS, None) or (element.text or "").strip():
            raise Invalid("metadata must hold exactly one element of another namespace")


def _header(header) -> None:
    if set(header.attrib) - {"status"} or header.get("status", "deleted") != "deleted":
        raise Invalid(f"header attributes {dict(header.attrib)}")
    identifier, datestamp, specs = _children(header, [("identifier", 1, 1), ("datestamp", 1, 1),
                                                      ("setSpec", 0, None)])
    _uri(identifier[0].text, "identifier")
    _utc(datestamp[0].text, "datestamp")
    for spec in specs:
        _set_spec(spec.text, "setSpec")


def _token(tokens: list) -> None:
    for token in tokens:
        if set(token.attrib) - {"expirationDate", "completeListSize", "cursor"} or len(token):
            raise Invalid(f"resumptionToken attributes {dict(token.attrib)}")
        if "completeListSize" in token.attrib and not _integer(token.get("completeListSize"), 1):
            raise Invalid("completeListSize is not a positive integer")
        if "cursor" in token.attrib and not _integer(token.get("cursor"), 0):
            raise Invalid("cursor is not a non-negative integer")
        if "expirationDate" in token.attrib:
            _datetime(token.get("expirationDate"), "expirationDate", utc_only=False)


def _integer(text: str, low: int) -> bool:
    return text.isdigit() and int(text) >= low


def _utc(text: str | None, what: str) -> None:
    """UTCdatetimeType: an xs:date, or an xs:dateTime in UTC ending in Z."""
    text = text or ""
    try:
        if len(text) == 10:
            datetime.strptime(text, "%Y-%m-%d")
            return
        if text.endswith("Z"):
            _datetime(text, what, utc_only=True)
            return
    except ValueError:
        pass
    raise Invalid(f"{what} {text!r} is not a UTC date or date-time")


def _datetime(text: str | None, what: str, *, utc_only: bool) -> None:
    try:
        parsed = datetime.fromisoformat((text or "").replace("Z", "+00:00"))
    except ValueError:
        raise Invalid(f"{what} {text!r} is not a date-time") from None
    if "T" not in (text or "") or (utc_only and parsed.utcoffset().total_seconds() != 0):
        raise Invalid(f"{what} {text!r} is not a UTC date-time")


def _unreserved(text: str | None, what: str) -> None:
    if not text or not set(text) <= _UNRESERVED:
        raise Invalid(f"{what} {text!r} has characters outside the unreserved set")


def _set_spec(text: str | None, what: str) -> None:
    for part in (text or "").split(":"):
        _unreserved(part, what)


def _uri(text: str | None, what: str) -> None:
    text = text or ""
    scheme, colon, rest = text.partition(":")
    if not (colon and scheme[:1].isalpha() and rest) or any(c.isspace() for c in text):
        raise Invalid(f"{what} {text!r} is not an absolute URI")


_VERB_CHECKS = {"Identify": _identify, "ListMetadataFormats": _list_metadata_formats, "ListSets": _list_sets,
                "GetRecord": _get_record, "ListIdentifiers": _list_identifiers, "ListRecords": _list_records}
