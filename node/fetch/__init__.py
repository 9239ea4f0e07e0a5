"""The one HTTP client for partners (client.py) and the address guard under it (guard.py)."""

from node.fetch.client import (
    MAX_REDIRECTS,
    Fetcher,
    FetchResult,
    HostNotAllowed,
    PartnerStatusError,
    redact_url,
    with_query,
)
from node.fetch.guard import AddressRefused, GuardedAdapter, refused_address_reason

__all__ = ["MAX_REDIRECTS", "AddressRefused", "FetchResult", "Fetcher", "GuardedAdapter", "HostNotAllowed",
           "PartnerStatusError", "redact_url", "refused_address_reason", "with_query"]
