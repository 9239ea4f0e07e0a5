"""Where the running `ehds-node serve` listens, for CLI commands on the same data directory.

The embedded store admits one writer: while `serve` holds it, `harvest` and `backup` ask the server to do
the work (with the API token) instead of opening the store themselves.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

SERVER_FILE = "server.json"


def write_server_file(data_dir: Path, url: str) -> Path:
    """Tell CLI commands on the same data directory where the running server listens."""
    path = Path(data_dir) / SERVER_FILE
    path.write_text(json.dumps({"url": url, "pid": os.getpid()}))
    return path


def read_server_file(data_dir: Path) -> dict | None:
    """The running server's {"url", "pid"}, or None when no live server wrote one."""
    try:
        server = json.loads((Path(data_dir) / SERVER_FILE).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    return server if _alive(server.get("pid")) else None


def _alive(pid) -> bool:
    try:
        os.kill(int(pid), 0)
        return True
    except (OSError, TypeError, ValueError):
        return False
