"""Hard deadlines on partner sockets: per response and per run.

A socket read timeout alone never stops a partner that sends one byte a second (each byte restarts
the timer), whether it drips the status line, the headers or the body. So every read on a partner
socket waits at most min(read timeout, time left before the deadline), and a read after the
deadline fails at once as a socket timeout. The deadline of a response starts when its request is
sent (connect, headers and body included) and never lies past the run's own deadline.
"""

from __future__ import annotations

import io
import socket
import time


class Deadlines:
    """Shared by one transport: the per-response budget, the run's end, and which one last fired."""

    def __init__(self, response_seconds: float | None = None, run_ends_at: float | None = None):
        self.response_seconds = response_seconds   # None: no per-response deadline
        self.run_ends_at = run_ends_at             # time.monotonic() value, None: no run deadline
        self.expired: str | None = None            # "response" or "run", set when a read was cut

    def response_deadline(self) -> float | None:
        ends = [t for t in (self.run_ends_at,) if t is not None]
        if self.response_seconds is not None:
            ends.append(time.monotonic() + self.response_seconds)
        return min(ends) if ends else None

    def run_over(self) -> bool:
        return self.run_ends_at is not None and time.monotonic() >= self.run_ends_at


class ResponseClock:
    """The deadline of the request in flight on one connection (restarted by each request)."""

    def __init__(self, deadlines: Deadlines):
        self.deadlines = deadlines
        self.ends_at: float | None = None

    def start(self) -> None:
        self.ends_at = self.deadlines.response_deadline()
        self.deadlines.expired = None

    def read_timeout(self, timeout: float | None) -> float | None:
        """The timeout for the next read; raises socket.timeout once the deadline has passed."""
        if self.ends_at is None:
            return timeout
        left = self.ends_at - time.monotonic()
        if left <= 0:
            self.timed_out()
            raise socket.timeout("response deadline passed")
        return left if timeout is None else min(timeout, left)

    def timed_out(self) -> None:
        """A read timed out: record whether a deadline (not the plain read timeout) was the cause."""
        if self.ends_at is not None and time.monotonic() >= self.ends_at:
            self.deadlines.expired = "run" if self.deadlines.run_over() else "response"


class DeadlineSocket:
    """A connected (plain or TLS) socket whose reads obey a ResponseClock; all else is delegated."""

    def __init__(self, sock, clock: ResponseClock):
        self._sock = sock
        self._clock = clock
        self._timeout = sock.gettimeout()
        self._io_refs = 0      # open read files; like socket.socket, close() waits for them
        self._closed = False

    def settimeout(self, value) -> None:
        self._timeout = value
        self._sock.settimeout(value)

    def gettimeout(self):
        return self._timeout

    def recv_into(self, buffer, nbytes: int = 0, flags: int = 0) -> int:
        return self._read(self._sock.recv_into, buffer, nbytes, flags)

    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        return self._read(self._sock.recv, bufsize, flags)

    def _read(self, read, *args):
        self._sock.settimeout(self._clock.read_timeout(self._timeout))
        try:
            return read(*args)
        except socket.timeout:
            self._clock.timed_out()
            raise

    def makefile(self, mode: str = "rb", buffering: int | None = None, **_ignored):
        if mode not in ("r", "rb"):
            raise ValueError("DeadlineSocket only makes read files (http.client reads responses with them)")
        self._io_refs += 1
        return io.BufferedReader(socket.SocketIO(self, "rb"), buffering or io.DEFAULT_BUFFER_SIZE)

    def _decref_socketios(self) -> None:
        """SocketIO calls this on close (http.client closes the connection before the body is read)."""
        self._io_refs = max(0, self._io_refs - 1)
        if self._closed and not self._io_refs:
            self._sock.close()

    def close(self) -> None:
        self._closed = True
        if not self._io_refs:
            self._sock.close()

    def __getattr__(self, name):
        return getattr(self._sock, name)
