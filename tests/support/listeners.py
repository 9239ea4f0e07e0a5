"""A TCP listener on loopback that counts the connections it receives: the witness of the SSRF tests."""

from __future__ import annotations

import select
import socket
import threading


class CountingListener:
    """Accepts, counts and at once closes whatever connects to 127.0.0.1:<port>.

    Closing at once matters: a client that connected must get an answer (a reset), not wait forever
    on a socket nobody reads. `connections()` first drains what the kernel completed but the
    background thread has not taken yet, so a count read right after a connect() is exact."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(128)
        self.socket.setblocking(False)
        self.port = self.socket.getsockname()[1]
        self._count = 0
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def connections(self) -> int:
        self._drain()
        return self._count

    def close(self) -> None:
        self._closed.set()
        self._thread.join(timeout=5)
        self.socket.close()

    def _serve(self) -> None:
        while not self._closed.is_set():
            readable, _, _ = select.select([self.socket], [], [], 0.05)
            if readable:
                self._drain()

    def _drain(self) -> None:
        with self._lock:
            while True:
                try:
                    connection, _ = self.socket.accept()
                except (BlockingIOError, OSError):
                    return
                connection.close()
                self._count += 1
