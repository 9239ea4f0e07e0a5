"""A per-client request-rate limit, applied to every route before routing.

The query workers' shares (node.store.fairness) bound what a client's SPARQL costs, but a client
that ignores Retry-After still makes the web process answer each request it sends. This token
bucket, per client (the same identity as the query shares: address, IPv6 /64, or known token),
lets a client send `rate` requests per second with bursts of `burst`; past that it is answered
429 at once, before Flask. A refused request also takes a token, down to `max_delay` seconds of
debt: a client that keeps hammering while refused is refused for longer (its Retry-After grows up
to `max_delay`) instead of getting a fresh allowance every second.

The table is bounded: at most `clients` entries, least recently seen first out, and an entry whose
bucket has filled up again (it carries nothing a new entry would not) is dropped as soon as it is
the oldest. An evicted client starts again with a full bucket.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable

from node.errors import ConfigError


@dataclass(frozen=True)
class RatePolicy:
    """Built from Settings' request_* fields; rate 0 turns the limit off."""

    rate: float = 20.0
    burst: float = 100.0
    max_delay: float = 60.0
    clients: int = 10_000

    def __post_init__(self):
        for name, value in (("request_rate", self.rate), ("request_burst", self.burst),
                            ("request_max_delay", self.max_delay)):
            if not (value >= 0 and math.isfinite(value)):
                raise ConfigError(f"{name} must be a non-negative number, got {value!r}")
        if self.rate > 0 and (self.burst < 1 or self.max_delay <= 0):
            raise ConfigError("request_burst must be at least 1 and request_max_delay positive when request_rate is set")
        if self.clients < 1:
            raise ConfigError(f"request_rate_clients must be at least 1, got {self.clients!r}")

    @classmethod
    def from_settings(cls, settings) -> RatePolicy:
        return cls(rate=settings.request_rate, burst=settings.request_burst,
                   max_delay=settings.request_max_delay, clients=settings.request_rate_clients)


@dataclass(frozen=True)
class Refusal:
    retry_after: int   # whole seconds until the client's next request would be answered
    first: bool        # the first refusal since the client was last answered (log only these)


class _Bucket:
    __slots__ = ("tokens", "seen", "refused")

    def __init__(self, tokens: float, seen: float):
        self.tokens, self.seen, self.refused = tokens, seen, False


class RequestRate:
    """Token buckets per client, bounded in number. Thread-safe; O(1) per request (amortised)."""

    def __init__(self, policy: RatePolicy, clock: Callable[[], float] = time.monotonic):
        self.policy = policy
        self._clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def clients(self) -> int:
        """Clients remembered now."""
        return len(self._buckets)

    def check(self, client: str) -> Refusal | None:
        """Take one token for a request of `client`: None if it may go on, else the refusal."""
        policy = self.policy
        if policy.rate <= 0:
            return None
        now = self._clock()
        with self._lock:
            bucket = self._buckets.pop(client, None) or _Bucket(policy.burst, now)
            self._drop_idle(now)  # after taking this client out: it is never evicted to make room for itself
            self._buckets[client] = bucket  # most recently seen last
            bucket.tokens = min(policy.burst, bucket.tokens + (now - bucket.seen) * policy.rate) - 1
            bucket.seen = now
            if bucket.tokens >= 0:
                bucket.refused = False
                return None
            bucket.tokens = max(bucket.tokens, -policy.max_delay * policy.rate)  # bounded debt
            first, bucket.refused = not bucket.refused, True
            return Refusal(max(1, math.ceil(-bucket.tokens / policy.rate)), first)

    def _drop_idle(self, now: float) -> None:
        """Drop the oldest entries that are full again, then the oldest at all while over the cap."""
        policy, buckets = self.policy, self._buckets
        while buckets:
            oldest = next(iter(buckets.values()))
            if oldest.tokens + (now - oldest.seen) * policy.rate < policy.burst and len(buckets) < policy.clients:
                return
            buckets.popitem(last=False)
