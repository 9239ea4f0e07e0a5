"""The six OAI-PMH verbs over the catalogue: one call answers one request with one XML document."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from node.catalog_index import LOCAL, origin
from node.oai import responses as R
from node.oai.listing import Item, Listing, page_bounds, set_specs
from node.oai.protocol import FORMATS, OaiError, date_bounds, decode_token, encode_token, parse_request

def answer(listing: Listing, pairs: list[tuple[str, str]]) -> bytes:
    """The response document to one request (its arguments as pairs, repeated ones kept)."""
    ctx = listing.ctx
    base = ctx.settings.base_url + "oai"
    try:
        verb, args = parse_request(pairs)
    except OaiError as err:
        root, _ = R.envelope(base, None, {})
        R.error(root, err.code, err.message)
        return R.serialise(root)
    root, request = R.envelope(base, verb, args)
    raw: list[str] = []  # records' RDF/XML, written as it is (responses.serialise)
    try:
        _VERBS[verb](listing, root, args, raw)
    except OaiError as err:
        for child in list(root)[2:]:
            root.remove(child)
        if err.code in ("badVerb", "badArgument"):  # the protocol: echo no arguments then
            request.attrib.clear()
        R.error(root, err.code, err.message)
        raw.clear()
    return R.serialise(root, raw)


def identify(listing: Listing, root, args, raw) -> None:
    ctx = listing.ctx
    settings = ctx.settings
    element = ET.SubElement(root, R.q("Identify"))
    items = listing.items()
    for name, value in (("repositoryName", settings.oai_repository_name or _catalog_title(ctx)),
                        ("baseURL", settings.base_url + "oai"), ("protocolVersion", "2.0"),
                        ("adminEmail", settings.oai_admin_email),
                        ("earliestDatestamp", items[0].datestamp if items else "1970-01-01T00:00:00Z"),
                        ("deletedRecord", "persistent"), ("granularity", "YYYY-MM-DDThh:mm:ssZ")):
        ET.SubElement(element, R.q(name)).text = value


def _catalog_title(ctx) -> str:
    catalog = ctx.settings.catalog
    titles = dict(catalog.title) if catalog else {}
    return titles.get("en") or next(iter(titles.values()), "") or "EHDS metadata node"


def list_metadata_formats(listing: Listing, root, args, raw) -> None:
    if "identifier" in args:
        _item_for(listing, args["identifier"])
    element = ET.SubElement(root, R.q("ListMetadataFormats"))
    for prefix, (schema, namespace) in FORMATS.items():
        fmt = ET.SubElement(element, R.q("metadataFormat"))
        ET.SubElement(fmt, R.q("metadataPrefix")).text = prefix
        ET.SubElement(fmt, R.q("schema")).text = schema
        ET.SubElement(fmt, R.q("metadataNamespace")).text = namespace


def list_sets(listing: Listing, root, args, raw) -> None:
    if "resumptionToken" in args:  # all sets fit on one page: no token is ever issued
        raise OaiError("badResumptionToken", "this repository issues no resumptionToken for ListSets")
    element = ET.SubElement(root, R.q("ListSets"))
    for spec, name in set_specs(listing.ctx):
        entry = ET.SubElement(element, R.q("set"))
        ET.SubElement(entry, R.q("setSpec")).text = spec
        ET.SubElement(entry, R.q("setName")).text = name


def get_record(listing: Listing, root, args, raw) -> None:
    _check_prefix(args["metadataPrefix"])
    item = _item_for(listing, args["identifier"])
    R.record(ET.SubElement(root, R.q("GetRecord")), listing.ctx, item, args["metadataPrefix"], _sets_of(item), raw)


def list_identifiers(listing: Listing, root, args, raw) -> None:
    _list(listing, root, args, raw, "ListIdentifiers")


def list_records(listing: Listing, root, args, raw) -> None:
    _list(listing, root, args, raw, "ListRecords")


def _list(listing: Listing, root, args, raw: list[str], verb: str) -> None:
    ctx = listing.ctx
    after = None
    if "resumptionToken" in args:
        args, after = decode_token(args["resumptionToken"], verb)
    _check_prefix(args["metadataPrefix"])
    low, high = date_bounds(args)
    items = listing.items(args.get("set"))
    if items is None:
        raise OaiError("badArgument", f"no set '{args['set'][:100]}' in this repository")
    first, start, end = page_bounds(items, low, high, after)
    page = items[start:min(end, start + ctx.settings.oai_page_size)]
    if not page:
        if after:
            raise OaiError("badResumptionToken", "the resumptionToken points past the end of the list")
        raise OaiError("noRecordsMatch", "no record matches these arguments")
    element = ET.SubElement(root, R.q(verb))
    for item in page:
        if verb == "ListRecords":
            R.record(element, ctx, item, args["metadataPrefix"], _sets_of(item), raw)
        else:
            R.header(element, ctx.settings.base_url, item, _sets_of(item))
    more = start + len(page) < end
    if after or more:
        last = page[-1]
        R.resumption(element, encode_token(verb, args, (last.datestamp, last.record_id)) if more else "",
                     end - first, start - first)


def _check_prefix(prefix: str) -> None:
    if prefix not in FORMATS:
        raise OaiError("cannotDisseminateFormat", f"metadataPrefix '{prefix[:100]}' is not one of {', '.join(FORMATS)}")


def _item_for(listing: Listing, identifier: str) -> Item:
    head = f"oai:{R.urlsplit(listing.ctx.settings.base_url).hostname}:"
    record_id = identifier[len(head):] if identifier.startswith(head) else None
    item = listing.item(record_id) if record_id else None
    if item is not None:
        return item
    raise OaiError("idDoesNotExist", f"no record '{identifier[:200]}' in this repository")


def _sets_of(item: Item) -> list[str]:
    where = origin(item.graph)
    return [LOCAL if where == LOCAL else f"source:{where}"]


_VERBS = {"Identify": identify, "ListMetadataFormats": list_metadata_formats, "ListSets": list_sets,
          "GetRecord": get_record, "ListIdentifiers": list_identifiers, "ListRecords": list_records}
