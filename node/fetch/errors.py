"""The fetch errors callers tell apart by class (never by message): all HarvestErrors naming source and URL."""

from __future__ import annotations

from node.errors import FetchRefused, HarvestError


class PartnerStatusError(HarvestError):
    """The partner answered with an error status (after retries); `status` says which."""

    def __init__(self, message: str, *, status: int, source: str | None = None, url: str | None = None):
        super().__init__(message, source=source, url=url)
        self.status = status


class HostNotAllowed(FetchRefused):
    """A URL outside the source's origins (scheme, host and port; see origins.py), or not http/https."""


class AddressNotAllowed(FetchRefused):
    """The host resolves to a loopback/private/... address; `reason` says which, without the config hint."""

    def __init__(self, message: str, *, reason: str, source: str | None = None, url: str | None = None):
        super().__init__(message, source=source, url=url)
        self.reason = reason


class RunTimeLimit(HarvestError):
    """The run has used up max_run_seconds: this fetch (and every later one) is refused."""
