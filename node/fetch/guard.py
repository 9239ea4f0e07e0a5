"""The partner transport: the address guard and the socket deadlines, inside urllib3's connections.

Partners may resolve to loopback or private addresses (by mistake or to reach internal hosts). The
check runs inside urllib3's connection, on the address actually connected to, so DNS rebinding
cannot slip past it. The same connections read through a DeadlineSocket (deadline.py), so a
response that drips is cut at its deadline, and no request starts once the run's time is up.
"""

from __future__ import annotations

import ipaddress
import socket

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.poolmanager import PoolManager

from node.fetch.deadline import Deadlines, DeadlineSocket, ResponseClock


class AddressRefused(Exception):
    """Raised inside urllib3; deliberately not an OSError so it is neither retried nor wrapped."""


class RunTimeUp(Exception):
    """A request about to start after the run's deadline; like AddressRefused, never retried nor wrapped."""


def refused_address_reason(address: str) -> str | None:
    """Why this IP may not be contacted without allow_private_network, or None if it is public."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    for reason in ("loopback", "link_local", "multicast", "unspecified", "reserved", "private"):
        if getattr(ip, f"is_{reason}"):
            return reason.replace("_", "-")
    return None if ip.is_global else "not globally routable"


class _GuardedConnectionMixin:
    """Resolve once, check every address, connect to the checked one (no second lookup); read under
    the deadlines of the transport."""

    allow_private_network = False
    deadlines = Deadlines()  # replaced by the pool with its transport's own

    def request(self, *args, **kwargs):
        if self.deadlines.run_over():
            self.deadlines.expired = "run"
            raise RunTimeUp("the run's time limit has passed")
        self._response_clock().start()
        return super().request(*args, **kwargs)

    def connect(self):
        super().connect()
        self.sock = DeadlineSocket(self.sock, self._response_clock())

    def _response_clock(self) -> ResponseClock:
        clock = self.__dict__.get("_clock")
        if clock is None or clock.deadlines is not self.deadlines:
            clock = self.__dict__["_clock"] = ResponseClock(self.deadlines)
        return clock

    def _new_conn(self):
        try:
            infos = socket.getaddrinfo(self._dns_host, self.port, type=socket.SOCK_STREAM)
        except socket.gaierror:
            return super()._new_conn()  # let urllib3 report the resolution failure its usual way
        addresses = [info[4][0] for info in infos]
        if not self.allow_private_network:
            for address in addresses:
                reason = refused_address_reason(address)
                if reason:
                    raise AddressRefused(f"host '{self.host}' resolves to {address} ({reason})")
        original_host = self._dns_host
        self._dns_host = addresses[0]
        try:
            return super()._new_conn()
        finally:
            self._dns_host = original_host


class _GuardedHTTPConnection(_GuardedConnectionMixin, HTTPConnection):
    pass


class _GuardedHTTPSConnection(_GuardedConnectionMixin, HTTPSConnection):
    pass


def _pool_class(base, connection_class):
    class GuardedPool(base):
        ConnectionCls = connection_class
        allow_private_network = False
        deadlines = Deadlines()

        def _new_conn(self):
            connection = super()._new_conn()
            connection.allow_private_network = self.allow_private_network
            connection.deadlines = self.deadlines
            return connection

    return GuardedPool


_GuardedHTTPPool = _pool_class(HTTPConnectionPool, _GuardedHTTPConnection)
_GuardedHTTPSPool = _pool_class(HTTPSConnectionPool, _GuardedHTTPSConnection)


class _GuardedPoolManager(PoolManager):
    def __init__(self, allow_private_network: bool, deadlines: Deadlines, **kwargs):
        super().__init__(**kwargs)
        self.allow_private_network = allow_private_network
        self.deadlines = deadlines
        self.pool_classes_by_scheme = {"http": _GuardedHTTPPool, "https": _GuardedHTTPSPool}

    def _new_pool(self, scheme, host, port, request_context=None):
        pool = super()._new_pool(scheme, host, port, request_context)
        pool.allow_private_network = self.allow_private_network
        pool.deadlines = self.deadlines
        return pool


class GuardedAdapter(HTTPAdapter):
    """A requests transport whose every new connection passes the address guard, and whose every read
    obeys `deadlines` (none by default: then only the requests' own timeouts apply); `retries` is
    urllib3's (a count or a Retry, see retry.py)."""

    def __init__(self, allow_private_network: bool, deadlines: Deadlines | None = None, retries=0):
        self.allow_private_network = allow_private_network
        self.deadlines = deadlines or Deadlines()
        super().__init__(max_retries=retries)

    def init_poolmanager(self, connections, maxsize, block=False, **pool_kwargs):
        self.poolmanager = _GuardedPoolManager(
            self.allow_private_network, self.deadlines, num_pools=connections, maxsize=maxsize, block=block,
            **pool_kwargs)

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        raise AddressRefused("proxies are not supported for partner fetches")

