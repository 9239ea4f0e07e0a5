"""Fair sharing of the public query workers between clients.

A SPARQL request that waits for a worker holds a web-server thread, and a query may run to the
time limit. Without limits two clients looping a slow query take every worker and every thread:
everyone else gets 503s and even catalogue pages wait. So each client (an address, an IPv6 /64, or
a known bearer token) gets a bounded share:

- at most `client_workers` of its queries run at once, and `client_queue` more may wait;
- each query waits for at most `queue_timeout` seconds; and a client's second and later queries
  wait only while fewer than `queue` queries wait in all (the rest get 429 at once), so heavy
  clients can never take the web server's threads from pages, dataset documents and writes. A
  client's first query is never refused for a full queue: a client that sends one query at a
  time (most do) is refused only for being over its budget or for waiting too long.
- a client that used more than `budget` worker-seconds in the last `window` seconds (queries that
  run to the time limit) waits until its usage falls back under the budget.

A client over its share is answered 429 with Retry-After; other clients are not affected. When the
queue is full, a waiting request of the client with the most requests in flight makes room for a
client with fewer. Free workers go first to the client with the fewest queries running, then to
the one that used the least time.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
import threading
import time
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from node.errors import ConfigError, TooManyRequests


@dataclass(frozen=True)
class FairnessPolicy:
    """The shares (see the module docstring); built from Settings' sparql_* fields."""

    workers: int = 6
    client_workers: int = 1
    client_queue: int = 4
    queue: int = 8
    queue_timeout: float = 2.0
    budget: float = 20.0
    window: float = 60.0

    def __post_init__(self):
        if self.workers < 1:
            raise ConfigError("sparql_workers must be at least 1")
        if not 1 <= self.client_workers <= self.workers:
            raise ConfigError(f"sparql_client_workers must be between 1 and sparql_workers ({self.workers})")
        if self.client_queue < 0 or self.queue < 0:
            raise ConfigError("sparql_client_queue and sparql_queue must not be negative")
        for name, value in (("sparql_queue_timeout", self.queue_timeout), ("sparql_client_budget", self.budget),
                            ("sparql_budget_window", self.window)):
            if not (value > 0 and math.isfinite(value)):
                raise ConfigError(f"{name} must be a positive number of seconds, got {value!r}")

    @classmethod
    def from_settings(cls, settings) -> FairnessPolicy:
        return cls(workers=settings.sparql_workers, client_workers=settings.sparql_client_workers,
                   client_queue=settings.sparql_client_queue, queue=settings.sparql_queue,
                   queue_timeout=settings.sparql_queue_timeout, budget=settings.sparql_client_budget,
                   window=settings.sparql_budget_window)


def client_identity(address: str | None, authorization: str | None, known_tokens: Iterable[str]) -> str:
    """Who a request counts for. A bearer token counts only when it is one we know (anyone can
    invent tokens, so unknown ones would be free new shares); the label holds a hash, never the
    token. IPv6 clients are grouped by /64, the block a single site usually holds."""
    token = _bearer(authorization)
    if token and any(hmac.compare_digest(token.encode(), known.encode()) for known in known_tokens if known):
        return "token:" + hashlib.sha256(token.encode()).hexdigest()[:12]
    try:
        ip = ipaddress.ip_address((address or "").split("%", 1)[0])
    except ValueError:
        return "address:unknown"
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.version == 6:
        return "address:" + str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return "address:" + str(ip)


def _bearer(authorization: str | None) -> str | None:
    scheme, _, credentials = (authorization or "").strip().partition(" ")
    return credentials.strip() or None if scheme.lower() == "bearer" else None


@dataclass(eq=False)
class _Waiter:
    client: str
    arrived: float
    started: float | None = None  # set when a worker is granted
    refused: TooManyRequests | None = None


@dataclass
class _Client:
    running: list[float] = field(default_factory=list)          # start times
    waiting: deque[_Waiter] = field(default_factory=deque)
    usage: deque[tuple[float, float]] = field(default_factory=deque)  # (finished at, worker-seconds)
    used: float = 0.0

    def in_flight(self) -> int:
        return len(self.running) + len(self.waiting)


class Admission:
    """Decides which query may take a worker, per FairnessPolicy. Thread-safe."""

    def __init__(self, policy: FairnessPolicy, clock: Callable[[], float] = time.monotonic):
        self.policy = policy
        self._clock = clock
        self._clients: dict[str, _Client] = {}
        self._running = 0
        self._waiting = 0
        self._next_sweep = 0.0
        self._cond = threading.Condition()

    @property
    def waiting(self) -> int:
        """Queries waiting for a worker now."""
        return self._waiting

    @property
    def clients(self) -> int:
        """Clients remembered now (running, waiting, or with usage in the window)."""
        return len(self._clients)

    @property
    def running(self) -> int:
        """Queries holding a worker now."""
        return self._running

    @contextmanager
    def slot(self, client: str, query_timeout: float) -> Iterator[None]:
        """Hold one of the workers' places for `client` while the block runs."""
        started = self._acquire(client, query_timeout)
        try:
            yield
        finally:
            self._release(client, started)

    def refusal(self, client: str, query_timeout: float) -> TooManyRequests | None:
        """The 429 `client` would get now for being over its share, without admitting anything: lets the
        web layer refuse a flood before it costs a routed request (None: let the request through)."""
        with self._cond:
            state = self._clients.get(client)
            if state is None:
                return None
            try:
                self._check_share(state, query_timeout)
            except TooManyRequests as refused:
                return refused
            return None

    def _acquire(self, client: str, query_timeout: float) -> float:
        with self._cond:
            self._sweep()
            state = self._clients.setdefault(client, _Client())
            try:
                self._check_share(state, query_timeout)
                if self._running < self.policy.workers and len(state.running) < self.policy.client_workers:
                    return self._start(state)
                waiter = self._enqueue(client, state)
            except TooManyRequests:
                self._forget_if_idle(client, state)
                raise
            return self._wait(waiter, state)

    def _check_share(self, state: _Client, query_timeout: float) -> None:
        now = self._clock()
        self._expire(state, now)
        policy = self.policy
        if state.used >= policy.budget:
            raise TooManyRequests(
                f"this client's queries used {state.used:.0f} s of query-worker time in the last {policy.window:g} s, "
                f"more than its share ({policy.budget:g} s); make the queries more selective (LIMIT, fewer joins) "
                "and retry later", retry_after=self._budget_frees_in(state, now))
        if state.in_flight() >= policy.client_workers + policy.client_queue:
            ends = min(start + query_timeout for start in state.running) if state.running else now + 1
            ends = min(ends, now + policy.window)
            raise TooManyRequests(
                f"this client already has {len(state.running)} quer{'y' if len(state.running) == 1 else 'ies'} "
                f"running and {len(state.waiting)} waiting, its share of the {policy.workers} query workers; "
                "send the next query when one has finished", retry_after=math.ceil(ends - now))

    def _budget_frees_in(self, state: _Client, now: float) -> int:
        used = state.used
        for finished, seconds in state.usage:
            used -= seconds
            if used < self.policy.budget:
                return math.ceil(finished + self.policy.window - now)
        return math.ceil(self.policy.window)

    def _enqueue(self, client: str, state: _Client) -> _Waiter:
        if (self._waiting >= self.policy.queue and not self._push_out_heavier_than(state.in_flight() + 1)
                and state.in_flight() > 0):
            raise TooManyRequests(f"all {self.policy.workers} query workers are busy and {self._waiting} queries are "
                                  "already waiting; retry in a moment", retry_after=1)
        waiter = _Waiter(client, self._clock())
        state.waiting.append(waiter)
        self._waiting += 1
        return waiter

    def _push_out_heavier_than(self, in_flight: int) -> bool:
        """Refuse the newest waiting request of the client with the most in flight, if that is more
        than the newcomer's client would have: a heavy client cannot keep lighter ones out."""
        heaviest = max((s for s in self._clients.values() if s.waiting), key=_Client.in_flight, default=None)
        if heaviest is None or heaviest.in_flight() <= in_flight:
            return False
        waiter = heaviest.waiting.pop()
        self._waiting -= 1
        waiter.refused = TooManyRequests("this client has more queries in flight than others waiting for a query "
                                         "worker; send fewer at once", retry_after=1)
        self._cond.notify_all()
        return True

    def _wait(self, waiter: _Waiter, state: _Client) -> float:
        deadline = waiter.arrived + self.policy.queue_timeout
        while waiter.started is None and waiter.refused is None:
            remaining = deadline - self._clock()
            if remaining <= 0:
                state.waiting.remove(waiter)
                self._waiting -= 1
                self._forget_if_idle(waiter.client, state)
                raise TooManyRequests(self._why_no_worker(state), retry_after=math.ceil(self.policy.queue_timeout))
            self._cond.wait(remaining)
        if waiter.refused is not None:
            self._forget_if_idle(waiter.client, state)
            raise waiter.refused
        return waiter.started

    def _why_no_worker(self, state: _Client) -> str:
        """The share that was exceeded: this client's own, or every worker's."""
        policy, waited = self.policy, f"within {self.policy.queue_timeout:g} s"
        if len(state.running) >= policy.client_workers:
            return (f"this client's query waited {waited} for one of its own to finish: a client runs at most "
                    f"{policy.client_workers} at once (its share of the {policy.workers} query workers); "
                    "send the next query when one has finished")
        return f"no query worker became free for this query {waited} (all {policy.workers} are busy); retry in a moment"

    def _start(self, state: _Client) -> float:
        started = self._clock()
        state.running.append(started)
        self._running += 1
        return started

    def _release(self, client: str, started: float) -> None:
        with self._cond:
            state = self._clients[client]
            state.running.remove(started)
            self._running -= 1
            now = self._clock()
            state.usage.append((now, now - started))
            state.used += now - started
            self._dispatch()
            self._forget_if_idle(client, state)

    def _dispatch(self) -> None:
        """Give free workers to waiting requests: fewest running first, then least used, then oldest."""
        while self._running < self.policy.workers:
            ready = [s for s in self._clients.values() if s.waiting and len(s.running) < self.policy.client_workers]
            if not ready:
                return
            state = min(ready, key=lambda s: (len(s.running), s.used, s.waiting[0].arrived))
            waiter = state.waiting.popleft()
            self._waiting -= 1
            waiter.started = self._start(state)
            self._cond.notify_all()

    def _expire(self, state: _Client, now: float) -> None:
        while state.usage and state.usage[0][0] <= now - self.policy.window:
            state.used -= state.usage.popleft()[1]
        if not state.usage:
            state.used = 0.0  # no float drift

    def _sweep(self) -> None:
        """Now and then, forget every client with nothing left to remember: clients seen once
        (one per address of a scan) would otherwise stay for good."""
        now = self._clock()
        if now < self._next_sweep:
            return
        self._next_sweep = now + self.policy.window / 4
        for client, state in list(self._clients.items()):
            self._forget_if_idle(client, state)

    def _forget_if_idle(self, client: str, state: _Client) -> None:
        """Drop a client's state once nothing of it is left to remember (bounds memory under many addresses)."""
        self._expire(state, self._clock())
        if not state.running and not state.waiting and not state.usage:
            self._clients.pop(client, None)
