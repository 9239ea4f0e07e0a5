"""/validate by URL: the document is fetched through the node's guarded client (node.fetch), never plain
requests, and only from the origins of `validate_url_origins`. Same body cap as an upload (max_body_bytes),
one attempt, `validate_url_timeout` for connecting, between reads and for the whole response. Every refusal
is a 4xx error page in the reader's language saying what went wrong and with which address.
"""

from __future__ import annotations

from flask_babel import gettext as _

from node.config import Settings, SourceConfig
from node.errors import (DocumentUnavailable, FetchRefused, Forbidden, NodeError, ParseError, PayloadTooLarge,
                         UnsupportedMediaType)
from node.fetch import AddressNotAllowed, Fetcher, HostNotAllowed, redact_url
from node.fetch.origins import format_origin, origin_of
from node.rdfio import RDF_MEDIA_TYPES, syntax_for_media_type, syntax_for_suffix
from node.validation.inputs import Document

MAX_URL_CHARS = 2000
ACCEPT = "text/turtle, application/ld+json;q=0.9, application/rdf+xml;q=0.8, application/n-triples;q=0.7"
_UNTYPED = (None, "", "text/plain", "application/octet-stream")


def fetch_document(url: str, settings: Settings, media_type: str = "") -> Document:
    """The document at `url`, or a NodeError (4xx) naming the URL and the reason."""
    url = url.strip()
    if len(url) > MAX_URL_CHARS:
        raise ParseError(_("The address is longer than %(max)d characters.", max=MAX_URL_CHARS))
    try:
        origin = origin_of(url)  # urlsplit's own checks too (a broken IPv6 host, a port over 65535)
    except ValueError:
        raise ParseError(_("%(url)s cannot be fetched: give an http or https address with a host name.",
                           url=url)) from None
    shown = redact_url(url)
    allowed = _allowed_origins(settings)
    if origin not in allowed:
        raise Forbidden(_("%(url)s: this node's validator does not fetch from %(origin)s. It fetches only from: "
                          "%(allowed)s (setting validate_url_origins). Download the file and upload it instead.",
                          url=shown, origin=format_origin(origin),
                          allowed=", ".join(sorted(format_origin(o) for o in allowed)) or _("no origin")))
    result = _get(url, shown, settings)
    return Document(shown, data=result.body, media_type=_media_type(result, url, shown, media_type),
                    base_iri=result.final_url)


def _allowed_origins(settings: Settings) -> set:
    allowed = set()
    for entry in settings.validate_url_origins:
        try:
            allowed.add(origin_of(entry))
        except ValueError:
            continue  # a malformed entry allows nothing
    return allowed


def _get(url: str, shown: str, settings: Settings):
    seconds = settings.validate_url_timeout
    source = SourceConfig(name="web-validator", kind="dcat", url=url, retries=0, timeout=seconds,
                          response_timeout=seconds, max_run_seconds=seconds, max_pages=1,
                          allowed_origins=tuple(settings.validate_url_origins),
                          allow_private_network=settings.validate_url_allow_private_network,
                          max_page_bytes=settings.max_body_bytes, max_run_bytes=settings.max_body_bytes)
    try:
        with Fetcher(source, backoff=0) as fetcher:
            return fetcher.get(url, accept=ACCEPT)
    except AddressNotAllowed:
        raise Forbidden(_("%(url)s: the host's address is private, loopback or reserved; the validator does not "
                          "fetch from such addresses.", url=shown)) from None
    except HostNotAllowed:
        raise Forbidden(_("%(url)s: the server redirected to an origin the validator does not fetch from "
                          "(setting validate_url_origins).", url=shown)) from None
    except FetchRefused:  # the size caps: the fetcher refuses a body over max_page_bytes
        raise PayloadTooLarge(_("%(url)s: the document is larger than %(max)d bytes, the limit for the validator "
                                "(max_body_bytes).", url=shown, max=settings.max_body_bytes)) from None
    except NodeError:  # no answer, too slow, an error status: HarvestError and its kin
        raise DocumentUnavailable(_("%(url)s: the document could not be fetched: the server did not answer "
                                    "within %(seconds)s s, cut the connection, or answered with an error.",
                                    url=shown, seconds=_seconds(seconds))) from None


def _media_type(result, url: str, shown: str, chosen: str) -> str | None:
    """The syntax the reader chose, else the server's media type when it is RDF, else the file suffix."""
    if chosen:
        return chosen
    sent = (result.media_type or "").split(";")[0].strip().lower()
    try:
        syntax_for_media_type(sent)
        return sent
    except NodeError:
        pass
    suffix = url.split("?", 1)[0].rsplit(".", 1)[-1]
    if sent in _UNTYPED and syntax_for_suffix(suffix):
        return syntax_for_suffix(suffix).media_type
    raise UnsupportedMediaType(_("%(url)s: the server sent %(type)s, which is not RDF (%(rdf)s); choose the "
                                 "syntax in the form if the document is RDF all the same.", url=shown,
                                 type=sent or _("no media type"), rdf=", ".join(RDF_MEDIA_TYPES)))


def _seconds(value: float) -> str:
    return f"{value:g}"
