"""One harvest of a source at a time, whoever starts it (the scheduler, the API, a command via the server)."""

from __future__ import annotations

import threading

from node.errors import Conflict


class RunLocks:
    """A lock per source name; a second run of the same source is refused, not queued."""

    def __init__(self):
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def run(self, ctx, source, **options):
        from node.harvest import run_harvest

        with self._guard:
            lock = self._locks.setdefault(source.name, threading.Lock())
        if not lock.acquire(blocking=False):
            raise Conflict(f"a harvest of '{source.name}' is already running")
        try:
            return run_harvest(ctx, source, **options)
        finally:
            lock.release()
