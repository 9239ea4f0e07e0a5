"""What the web process keeps of its own work per store generation: rendered catalogue pages, a record's
validation report and score. Keys start with the store's generation, so any write makes every kept entry
unreachable (they leave as new ones come); the web process never serves what the store no longer says."""

from __future__ import annotations

import threading
from collections import OrderedDict


class Kept:
    """A least-recently-used map bounded in entries and, for byte values, in bytes (thread-safe)."""

    def __init__(self, max_entries: int, max_bytes: int | None = None):
        self._entries: OrderedDict = OrderedDict()
        self._max_entries, self._max_bytes, self._bytes = max_entries, max_bytes, 0
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key, value):
        """Keep `value` (a byte value over a quarter of the byte budget is returned, not kept)."""
        size = len(value) if self._max_bytes is not None else 0
        with self._lock:
            if key in self._entries or (self._max_bytes is not None and size > self._max_bytes // 4):
                return value
            self._entries[key] = value
            self._bytes += size
            while len(self._entries) > self._max_entries or (self._max_bytes is not None and self._bytes > self._max_bytes):
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= len(dropped) if self._max_bytes is not None else 0
        return value
