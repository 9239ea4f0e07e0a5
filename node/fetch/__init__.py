"""The one HTTP client for partners (client.py), the transport under it with the address guard (guard.py)
and the socket deadlines (deadline.py), and the origins a source may reach (origins.py)."""

from node.fetch.client import MAX_REDIRECTS, Fetcher
from node.fetch.errors import AddressNotAllowed, HostNotAllowed, PartnerStatusError, RunTimeLimit
from node.fetch.responses import FetchResult, redact_url, with_query
from node.fetch.deadline import Deadlines
from node.fetch.guard import AddressRefused, GuardedAdapter, refused_address_reason

__all__ = ["MAX_REDIRECTS", "AddressNotAllowed", "AddressRefused", "Deadlines", "FetchResult", "Fetcher",
           "GuardedAdapter", "HostNotAllowed", "PartnerStatusError", "RunTimeLimit", "redact_url",
           "refused_address_reason", "with_query"]
