"""Hostile partners for the abuse tests: a drip that records how far it got, a server that hangs up."""

from __future__ import annotations

import socket
import threading
import time

from tests.harvesters.partner_server import Reply

DRIP_SECONDS = 60  # how long a drip would last if nobody cut it

HEAD_WITHOUT_LENGTH = b"HTTP/1.0 200 OK\r\nContent-Type: text/turtle\r\n\r\n"
HEAD_WITH_LENGTH = b"HTTP/1.1 200 OK\r\nContent-Type: text/turtle\r\nContent-Length: 100000\r\n\r\n"
HEAD_CHUNKED = b"HTTP/1.1 200 OK\r\nContent-Type: text/turtle\r\nTransfer-Encoding: chunked\r\n\r\n"


class Drip:
    """Bytes one per second, recording how far it got: the partner's own view of the exchange."""

    def __init__(self, head: bytes, byte: bytes = b" ", seconds: int = DRIP_SECONDS, drip_head: bool = False):
        self.head, self.byte, self.seconds, self.drip_head = head, byte, seconds, drip_head
        self.sent = 0
        self.finished = False
        self.hung_up = threading.Event()

    def __iter__(self):
        try:
            if self.drip_head:
                for byte in self.head:
                    yield bytes([byte])
                    self.sent += 1
                    time.sleep(1)
            else:
                yield self.head
            for _ in range(self.seconds):
                yield self.byte
                self.sent += 1
                time.sleep(1)
            self.finished = True
        except GeneratorExit:  # the server stopped writing: the client hung up
            self.hung_up.set()
            raise


def dripping_reply(drip: Drip) -> Reply:
    return Reply(raw=iter(drip))  # the server closes it when a write fails: the drip records the hang-up


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class HangUpServer:
    """Accepts a connection, reads the request, and closes without answering (a server dying mid-run)."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            with connection:
                connection.recv(65536)

    def close(self):
        self.sock.close()
