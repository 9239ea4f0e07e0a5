"""One response of /oai for every verb (and its variants) and every error case the repository can give.

noMetadataFormats and noSetHierarchy never apply here: every record has both formats, and the
repository has sets. Deletes one record (so deleted headers appear): call it on a node of its own.
"""

from __future__ import annotations

from lxml import etree

from tests.conftest import API_TOKEN

OAI = "{http://www.openarchives.org/OAI/2.0/}"


def responses(client, node) -> list[tuple[str, bytes]]:
    object.__setattr__(node.settings, "oai_page_size", 3)  # several pages: first, middle and last tokens
    found: list[tuple[str, bytes]] = []

    def get(name: str, query, method: str = "GET") -> etree._Element:
        response = client.post("/oai", data=query) if method == "POST" else client.get("/oai", query_string=query)
        assert response.status_code == 200 and response.mimetype == "text/xml", (name, response.status_code)
        found.append((name, response.data))
        return etree.fromstring(response.data)

    first = get("ListIdentifiers", {"verb": "ListIdentifiers", "metadataPrefix": "dcat_ap"})
    identifier = first.findtext(f"{OAI}ListIdentifiers/{OAI}header/{OAI}identifier")
    token = first.findtext(f"{OAI}ListIdentifiers/{OAI}resumptionToken")
    assert client.delete("/datasets/" + identifier.rpartition(":")[2],
                         headers={"Authorization": f"Bearer {API_TOKEN}"}).status_code in (200, 204)
    _verbs(get, identifier, token)
    _errors(get, identifier, token)
    return found


def _verbs(get, deleted: str, token: str) -> None:
    get("Identify", {"verb": "Identify"})
    get("Identify (POST)", {"verb": "Identify"}, "POST")
    get("ListMetadataFormats", {"verb": "ListMetadataFormats"})
    live = get("ListIdentifiers (oai_dc)", {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"})
    alive = live.findtext(f"{OAI}ListIdentifiers/{OAI}header/{OAI}identifier")
    get("ListMetadataFormats of a record", {"verb": "ListMetadataFormats", "identifier": alive})
    get("ListSets", {"verb": "ListSets"})
    for prefix in ("dcat_ap", "oai_dc"):
        get(f"GetRecord {prefix}", {"verb": "GetRecord", "metadataPrefix": prefix, "identifier": alive})
        get(f"GetRecord {prefix} of a deleted record", {"verb": "GetRecord", "metadataPrefix": prefix,
                                                        "identifier": deleted})
        _walk(get, "ListRecords", prefix)
    _walk(get, "ListIdentifiers", "dcat_ap")
    get("ListIdentifiers by an old token", {"verb": "ListIdentifiers", "resumptionToken": token})
    get("ListRecords (POST)", {"verb": "ListRecords", "metadataPrefix": "dcat_ap"}, "POST")
    for name, extra in (("day granularity", {"from": "2000-01-01", "until": "2999-12-31"}),
                        ("second granularity", {"from": "2000-01-01T00:00:00Z", "until": "2999-12-31T23:59:59Z"}),
                        ("set local", {"set": "local"})):
        get(f"ListIdentifiers, {name}", {"verb": "ListIdentifiers", "metadataPrefix": "dcat_ap", **extra})
    sets = get("ListSets again", {"verb": "ListSets"})
    for spec in {s.text.partition(":")[0]: s.text for s in sets.iter(f"{OAI}setSpec")}.values():
        get(f"ListRecords, set {spec}", {"verb": "ListRecords", "metadataPrefix": "dcat_ap", "set": spec})


def _walk(get, verb: str, prefix: str) -> None:
    """Every page of a list, following the tokens (the last page carries an empty token)."""
    root = get(f"{verb} {prefix} page 1", {"verb": verb, "metadataPrefix": prefix})
    page = 1
    while (token := root.findtext(f"{OAI}{verb}/{OAI}resumptionToken")):
        page += 1
        root = get(f"{verb} {prefix} page {page}", {"verb": verb, "resumptionToken": token})


_ERRORS = [
    ("badVerb: none", {}),
    ("badVerb: unknown", {"verb": "Frobnicate"}),
    ("badVerb: repeated", [("verb", "Identify"), ("verb", "Identify")]),
    ("badArgument: illegal", {"verb": "Identify", "metadataPrefix": "dcat_ap"}),
    ("badArgument: missing", {"verb": "ListRecords"}),
    ("badArgument: repeated", [("verb", "ListRecords"), ("metadataPrefix", "dcat_ap"), ("metadataPrefix", "oai_dc")]),
    ("badArgument: bad from", {"verb": "ListRecords", "metadataPrefix": "dcat_ap", "from": "2020-02-30"}),
    ("badArgument: from with offset", {"verb": "ListRecords", "metadataPrefix": "dcat_ap",
                                       "from": "2020-01-01T00:00:00+01:00"}),
    ("badArgument: mixed granularity", {"verb": "ListRecords", "metadataPrefix": "dcat_ap", "from": "2020-01-01",
                                        "until": "2021-01-01T00:00:00Z"}),
    ("badArgument: from after until", {"verb": "ListRecords", "metadataPrefix": "dcat_ap", "from": "2021-01-01",
                                       "until": "2020-01-01"}),
    ("badArgument: prefix syntax", {"verb": "ListRecords", "metadataPrefix": "dcat ap"}),
    ("badArgument: set syntax", {"verb": "ListRecords", "metadataPrefix": "dcat_ap", "set": "a b"}),
    ("badArgument: unknown set", {"verb": "ListRecords", "metadataPrefix": "dcat_ap", "set": "source:nope"}),
    ("badArgument: identifier syntax", {"verb": "GetRecord", "metadataPrefix": "dcat_ap", "identifier": "not a uri"}),
    ("badArgument: token and more", {"verb": "ListRecords", "metadataPrefix": "dcat_ap", "resumptionToken": "x"}),
    ("badArgument: control character", {"verb": "GetRecord", "metadataPrefix": "dcat_ap", "identifier": "a\x01b"}),
    ("cannotDisseminateFormat: ListRecords", {"verb": "ListRecords", "metadataPrefix": "marc21"}),
    ("cannotDisseminateFormat: ListIdentifiers", {"verb": "ListIdentifiers", "metadataPrefix": "marc21"}),
    ("idDoesNotExist: GetRecord", {"verb": "GetRecord", "metadataPrefix": "dcat_ap", "identifier": "oai:x:y"}),
    ("idDoesNotExist: ListMetadataFormats", {"verb": "ListMetadataFormats", "identifier": "oai:localhost:none"}),
    ("noRecordsMatch", {"verb": "ListRecords", "metadataPrefix": "dcat_ap", "from": "2999-01-01"}),
    ("badResumptionToken: garbage", {"verb": "ListRecords", "resumptionToken": "garbage!!"}),
    ("badResumptionToken: ListSets", {"verb": "ListSets", "resumptionToken": "x"}),
]


def _errors(get, identifier: str, token: str) -> None:
    for name, query in _ERRORS:
        get(name, query)
    get("cannotDisseminateFormat: GetRecord", {"verb": "GetRecord", "metadataPrefix": "marc21",
                                               "identifier": identifier})
    get("badResumptionToken: another verb's", {"verb": "ListRecords", "resumptionToken": token})


def error_code(xml: bytes) -> str | None:
    errors = etree.fromstring(xml).findall(f"{OAI}error")
    return errors[0].get("code") if errors else None
