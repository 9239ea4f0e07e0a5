"""`ehds-node serve` as a real process on a free port, for tests that need the whole stack."""

from __future__ import annotations

import contextlib
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import requests

START_TIMEOUT = 60.0


@dataclass
class RunningNode:
    process: subprocess.Popen
    root: str  # http://127.0.0.1:<port>/ — also the node's base URL, so its IRIs dereference here
    log: object  # a temporary file with the server's stderr (a pipe could fill up and block it)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20.0) -> tuple[int, str]:
        """Send `sig`, wait for the process to end; returns (return code, stderr)."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"ehds-node serve did not stop within {timeout} s of signal {sig}") from None
        self.log.seek(0)
        return self.process.returncode, self.log.read().decode(errors="replace")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_node(data_dir: Path, *extra: str) -> RunningNode:
    """Start `python -m node serve` on a free port and wait until /catalog answers."""
    port = free_port()
    root = f"http://127.0.0.1:{port}/"
    command = [sys.executable, "-m", "node", "serve", "--data", str(data_dir), "--host", "127.0.0.1",
               "--port", str(port), "--base-url", root, *extra]
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log)
    node = RunningNode(process, root, log)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"ehds-node serve exited with {process.returncode}: {node.stop()[1]}")
        with contextlib.suppress(requests.ConnectionError):
            requests.head(root + "catalog", timeout=5)
            return node
        time.sleep(0.1)
    node.stop(signal.SIGKILL)
    raise AssertionError(f"ehds-node serve did not answer on {root} within {START_TIMEOUT} s")


@contextlib.contextmanager
def running_node(data_dir: Path, *extra: str):
    node = start_node(data_dir, *extra)
    try:
        yield node
    finally:
        if node.process.poll() is None:
            node.stop(signal.SIGKILL)
        node.log.close()
