"""Locks kept in a remote store, for processes that share it (web workers, a CLI harvest, other hosts).

A lease is a small graph `<base>graph/leases/<name>` holding its holders: `<lease> ehds:leaseHolder
<urn:uuid:…>` and `<holder> ehds:leaseUntil <epoch milliseconds>`. SPARQL has no compare-and-set
whose outcome the client is told, so taking a lease is the classic write-then-read protocol:

1. one update request: delete the expired holders, then add ourselves unless a live holder is
   there (INSERT … WHERE { FILTER NOT EXISTS { live holder } });
2. read the live holders back: the lease is ours only when we are the only one. Two processes that
   raced both wrote, so each sees the other, withdraws, and retries after a random pause.

Why two can never both hold it (needs only that a read sees every update committed before it, as
on a single Oxigraph or Virtuoso server): A holds only if its read R_A, made after its write W_A,
saw no B; so W_B committed after R_A, hence before R_B... which then sees A (A never withdraws a lease
it holds). The expiry keeps a crashed process from holding a lease for ever; it assumes the
processes' clocks agree to well under the lease's length (NTP), and a holder must finish or renew
before it expires.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from contextlib import contextmanager
from urllib.parse import quote

from node.errors import Conflict
from node.store.sparql_update import check_iri

_NS = "https://w3id.org/ehds-node/ns#"
_HOLDER = _NS + "leaseHolder"
_UNTIL = _NS + "leaseUntil"


def lease_graph(base_url: str, name: str) -> str:
    return check_iri(f"{base_url}graph/leases/{quote(name, safe='')}")


class Lease:
    """One named lease on `store` (a RemoteStore), held for `seconds` at a time."""

    def __init__(self, store, name: str, seconds: float):
        self.store = store
        self.name = name
        self.seconds = seconds
        self.graph = lease_graph(store.base_url, name)
        self.holder = f"urn:uuid:{uuid.uuid4()}"

    def try_take(self) -> bool:
        """One attempt (two requests): True when this process now holds the lease alone."""
        now = _now_ms()
        g, h = self.graph, self.holder
        live = f"GRAPH <{g}> {{ <{g}> <{_HOLDER}> ?other . ?other <{_UNTIL}> ?end FILTER(?end >= {now}) }}"
        self.store.control_update(
            f"DELETE {{ GRAPH <{g}> {{ <{g}> <{_HOLDER}> ?old . ?old <{_UNTIL}> ?was }} }} "
            f"WHERE {{ GRAPH <{g}> {{ <{g}> <{_HOLDER}> ?old . ?old <{_UNTIL}> ?was FILTER(?was < {now}) }} }} ;\n"
            f"INSERT {{ GRAPH <{g}> {{ <{g}> <{_HOLDER}> <{h}> . <{h}> <{_UNTIL}> {now + self._span_ms()} }} }} "
            f"WHERE {{ FILTER NOT EXISTS {{ {live} }} }}")
        holders = self.live_holders()
        if holders == {h}:
            return True
        if h in holders:
            self.release()  # raced another process: both withdraw, both retry later
        return False

    def take(self, wait: float) -> None:
        """Take the lease, retrying with random pauses for up to `wait` seconds; Conflict otherwise."""
        deadline = time.monotonic() + wait
        pause = 0.02
        while not self.try_take():
            if time.monotonic() + pause > deadline:
                raise Conflict(f"'{self.name}' is held by another process sharing the store")
            time.sleep(pause * (0.5 + random.random()))
            pause = min(pause * 2, 0.5)

    def live_holders(self) -> set[str]:
        now = _now_ms()
        rows = self.store.select(f"SELECT ?holder ?end WHERE {{ GRAPH <{self.graph}> {{ <{self.graph}> "
                                 f"<{_HOLDER}> ?holder . ?holder <{_UNTIL}> ?end }} }}")
        return {row["holder"].value for row in rows if _int(row.get("end")) >= now}

    def renew(self) -> bool:
        """Push the expiry forward; False when the lease was lost (it had expired and was taken)."""
        g, h = self.graph, self.holder
        self.store.control_update(f"DELETE {{ GRAPH <{g}> {{ <{h}> <{_UNTIL}> ?end }} }} "
                          f"INSERT {{ GRAPH <{g}> {{ <{h}> <{_UNTIL}> {_now_ms() + self._span_ms()} }} }} "
                          f"WHERE {{ GRAPH <{g}> {{ <{g}> <{_HOLDER}> <{h}> . <{h}> <{_UNTIL}> ?end }} }}")
        return self.live_holders() == {h}

    def release(self) -> None:
        g, h = self.graph, self.holder
        self.store.control_update(f"DELETE {{ GRAPH <{g}> {{ <{g}> <{_HOLDER}> <{h}> . <{h}> <{_UNTIL}> ?end }} }} "
                          f"WHERE {{ GRAPH <{g}> {{ <{h}> <{_UNTIL}> ?end }} }}")

    def _span_ms(self) -> int:
        return int(self.seconds * 1000)


@contextmanager
def held(store, name: str, *, seconds: float, wait: float = 0.0, renew: bool = False):
    """Hold lease `name` for the block. `renew`: a thread pushes the expiry forward every third of
    `seconds` (a long harvest run), so only a process that stopped loses it."""
    lease = Lease(store, name, seconds)
    lease.take(wait)
    stop = threading.Event()
    keeper = None
    if renew:
        keeper = threading.Thread(target=_keep, args=(lease, stop), name=f"lease-{name}", daemon=True)
        keeper.start()
    try:
        yield lease
    finally:
        stop.set()
        if keeper is not None:
            keeper.join()
        lease.release()


def _keep(lease: Lease, stop: threading.Event) -> None:
    import logging

    while not stop.wait(lease.seconds / 3):
        try:
            if not lease.renew():
                logging.getLogger("ehds.store.lease").warning("lease %r was lost (expired and taken)", lease.name)
                return
        except Exception as err:  # noqa: BLE001  (a failed renewal is retried; the expiry bounds the harm)
            logging.getLogger("ehds.store.lease").warning("renewing lease %r failed: %s", lease.name, err)


def _now_ms() -> int:
    return int(time.time() * 1000)


def _int(term) -> int:
    try:
        return int(term.value) if term is not None else -1
    except ValueError:
        return -1
