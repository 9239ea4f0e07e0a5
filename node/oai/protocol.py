"""OAI-PMH 2.0 requests: verbs, their arguments, dates and stateless resumption tokens.

A token is base64url JSON of the verb, the request's arguments plus the (datestamp, record id) of the last item
sent; the next page is the items after that key in (datestamp, id) order, read fresh. So an item that
does not change during a harvest is sent exactly once; a record created or updated during the harvest
gets a later datestamp and comes (again, in its new version) at the end; a deletion likewise.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime

from node.store.naming import is_iri

VERBS = {
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), {"resumptionToken"}),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
}
FORMATS = {
    "dcat_ap": ("https://semiceu.github.io/DCAT-AP/releases/3.0.0/", "http://www.w3.org/ns/dcat#"),
    "oai_dc": ("http://www.openarchives.org/OAI/2.0/oai_dc.xsd", "http://www.openarchives.org/OAI/2.0/oai_dc/"),
}


class OaiError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def parse_request(pairs: list[tuple[str, str]]) -> tuple[str, dict[str, str]]:
    """The verb and its arguments; badVerb / badArgument as the specification says."""
    verbs = [value for key, value in pairs if key == "verb"]
    if len(verbs) != 1 or verbs[0] not in VERBS:
        raise OaiError("badVerb", "verb is missing, repeated or not an OAI-PMH verb" if len(verbs) != 1
                       else f"'{verbs[0][:100]}' is not an OAI-PMH verb")
    verb = verbs[0]
    args: dict[str, str] = {}
    for key, value in pairs:
        if key == "verb":
            continue
        if key in args:
            raise OaiError("badArgument", f"argument '{key[:100]}' is repeated")
        args[key] = value
    required, optional = VERBS[verb]
    if "resumptionToken" in args:
        if set(args) != {"resumptionToken"}:
            raise OaiError("badArgument", "resumptionToken is an exclusive argument")
        return verb, args
    unknown = set(args) - required - optional
    if unknown:
        raise OaiError("badArgument", f"illegal argument(s) for {verb}: {', '.join(sorted(k[:100] for k in unknown))}")
    missing = required - set(args)
    if missing:
        raise OaiError("badArgument", f"missing argument(s) for {verb}: {', '.join(sorted(missing))}")
    _check_syntax(args)
    return verb, args


# The protocol's syntax for argument values (OAI-PMH 2.0 §3.4 and the schema's types): a value outside it
# is badArgument ("values for arguments have an illegal syntax"), never echoed in <request>.
_PREFIX_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!~*'()")


def _check_syntax(args: dict[str, str]) -> None:
    if "metadataPrefix" in args and not is_spec_name(args["metadataPrefix"]):
        raise OaiError("badArgument", f"metadataPrefix '{args['metadataPrefix'][:100]}' has an illegal syntax")
    if "set" in args and not is_set_spec(args["set"]):
        raise OaiError("badArgument", f"set '{args['set'][:100]}' is not a setSpec (name[:name]...)")
    if "identifier" in args and not is_iri(args["identifier"]):  # oai:host:id is one too
        raise OaiError("badArgument", f"identifier '{args['identifier'][:100]}' is not a URI")


def is_spec_name(value: str) -> bool:
    """A metadataPrefix, or one name of a setSpec: unreserved characters of RFC 2396 only."""
    return bool(value) and set(value) <= _PREFIX_CHARS


def is_set_spec(value: str) -> bool:
    """setSpec: colon-separated names, each of the unreserved characters of RFC 2396."""
    return all(is_spec_name(part) for part in value.split(":"))




def date_bounds(args: dict[str, str]) -> tuple[str, str]:
    """from/until as inclusive datestamp bounds ('' when absent); badArgument when malformed."""
    low, high = args.get("from", ""), args.get("until", "")
    for name, value in (("from", low), ("until", high)):
        if value and not (_valid(value, _as_date) or _valid(value, _as_datetime)):
            raise OaiError("badArgument", f"'{name}' must be YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ, got '{value[:60]}'")
    if low and high and len(low) != len(high):
        raise OaiError("badArgument", "'from' and 'until' must have the same granularity")
    if low and high and low > high:
        raise OaiError("badArgument", "'from' is after 'until'")
    if len(low) == 10:
        low += "T00:00:00Z"
    if len(high) == 10:
        high += "T23:59:59Z"
    return low, high


def _valid(value: str, canonical) -> bool:
    """The value as the datetime parser reads it, written back in the protocol's form, is the value:
    strptime alone accepts non-ASCII digits and unpadded fields, which compare wrongly as strings."""
    try:
        return canonical(value) == value
    except ValueError:
        return False


def _as_date(value: str) -> str:
    return datetime.strptime(value, "%Y-%m-%d").date().isoformat()


def _as_datetime(value: str) -> str:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").isoformat() + "Z"


def encode_token(verb: str, args: dict[str, str], after: tuple[str, str]) -> str:
    state = {"v": verb, "a": {k: v for k, v in args.items() if k != "resumptionToken"}, "k": list(after)}
    return base64.urlsafe_b64encode(json.dumps(state, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_token(token: str, verb: str) -> tuple[dict[str, str], tuple[str, str]]:
    """The original arguments and the key of the last item sent; badResumptionToken otherwise."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        state = json.loads(raw)
        args, key = state["a"], state["k"]
        if state.get("v") != verb:
            raise ValueError("issued for another verb")
        if not (isinstance(args, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in args.items())
                and isinstance(key, list) and len(key) == 2 and all(isinstance(p, str) for p in key)):
            raise ValueError("shape")
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError, RecursionError):
        raise OaiError("badResumptionToken", "the resumptionToken is not one this repository issued") from None
    try:
        _, checked = parse_request([("verb", verb), *args.items()])
        date_bounds(checked)
    except OaiError:
        raise OaiError("badResumptionToken", "the resumptionToken is not one this repository issued") from None
    return args, (key[0], key[1])
