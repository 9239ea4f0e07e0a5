"""One harvest of a source at a time, whoever starts it (the scheduler, the API, a command via the server,
`ehds-node harvest` in another process on a shared remote store)."""

from __future__ import annotations

import threading
from contextlib import contextmanager

from node.errors import Conflict

RUN_LEASE_SECONDS = 120.0  # a crashed process's run blocks its source this long at most (renewed while running)
# (a run that finds the lease taken retries for 2 s: two runs that raced both withdraw, then one wins)


class RunLocks:
    """A lock per source name; a second run of the same source is refused, not queued. In this process
    a threading lock; across processes sharing a remote store, a lease kept in the store
    (node.store.remote_lease), renewed while the run lasts."""

    def __init__(self):
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def run(self, ctx, source, **options):
        from node.harvest import run_harvest

        with self._in_this_process(source.name), _across_processes(ctx, source.name):
            return run_harvest(ctx, source, **options)

    @contextmanager
    def _in_this_process(self, name: str):
        with self._guard:
            lock = self._locks.setdefault(name, threading.Lock())
        if not lock.acquire(blocking=False):
            raise Conflict(f"a harvest of '{name}' is already running")
        try:
            yield
        finally:
            lock.release()


@contextmanager
def _across_processes(ctx, name: str):
    try:
        lease = ctx.store.lease(f"harvest/{name}", seconds=RUN_LEASE_SECONDS, wait=2.0, renew=True)
        lease.__enter__()
    except Conflict:
        raise Conflict(f"a harvest of '{name}' is already running in another process (or one that stopped "
                       f"without releasing its lease in the store, which then lapses within {RUN_LEASE_SECONDS:g} s)") from None
    try:
        yield
    finally:
        lease.__exit__(None, None, None)
