"""A real HTTP server on 127.0.0.1 playing a partner catalogue, for harvester tests.

Routes map a path (with or without its query string) to a Reply or to a function of the Request.
Every request is recorded in `hits`. The server runs in a daemon thread and is shut down by the
fixture that started it; handler threads never outlive a test by more than their own delay.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Iterable
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str                 # path and query, as sent
    headers: dict
    body: bytes

    @property
    def query(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(urlsplit(self.path).query).items()}

    @property
    def form(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(self.body.decode()).items()}


@dataclass
class Reply:
    body: bytes = b""
    content_type: str | None = "text/turtle"
    status: int = 200
    headers: dict = field(default_factory=dict)
    delay: float = 0.0
    chunks: Iterable[bytes] | None = None   # streamed without Content-Length
    raw: Iterable[bytes] | None = None      # written as is: status line and headers included (a drip, a liar)


class PartnerServer:
    def __init__(self, host: str = "127.0.0.1"):
        self.routes: dict[str, Reply | Callable[[Request], Reply]] = {}
        self.hits: list[Request] = []
        self._server = ThreadingHTTPServer((host, 0), _handler_for(self))
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def serve(self, path: str, body: bytes | str = b"", **reply) -> str:
        self.routes[path] = Reply(body.encode() if isinstance(body, str) else body, **reply)
        return self.url(path)

    def handle(self, path: str, function: Callable[[Request], Reply]) -> str:
        self.routes[path] = function
        return self.url(path)

    def hits_for(self, path: str) -> int:
        return sum(1 for hit in self.hits if hit.path == path or urlsplit(hit.path).path == path)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def reply_for(self, request: Request) -> Reply:
        route = self.routes.get(request.path) or self.routes.get(urlsplit(request.path).path)
        if route is None:
            return Reply(b"not found", content_type="text/plain", status=404)
        return route(request) if callable(route) else route


def _handler_for(partner: PartnerServer):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self._answer(b"")

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            self._answer(self.rfile.read(length))

        def _answer(self, body: bytes):
            request = Request(self.command, self.path, dict(self.headers), body)
            partner.hits.append(request)
            reply = partner.reply_for(request)
            time.sleep(reply.delay)
            try:
                self._write(reply)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout or size cap): that is the point of some tests

        def _write(self, reply: Reply):
            if reply.raw is not None:
                pieces = iter(reply.raw)
                try:
                    for piece in pieces:
                        self.wfile.write(piece)
                        self.wfile.flush()
                finally:  # a generator learns that the client hung up (GeneratorExit)
                    getattr(pieces, "close", lambda: None)()
                return
            self.send_response(reply.status)
            if reply.content_type:
                self.send_header("Content-Type", reply.content_type)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if reply.chunks is None:
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)
                return
            self.end_headers()
            for chunk in reply.chunks:
                self.wfile.write(chunk)
                self.wfile.flush()

        def log_message(self, *args):
            pass

    return Handler
