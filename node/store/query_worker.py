"""A query worker process: `python -m node.store.query_worker FD [NICE]` (started by query_runner).

Reads (checkpoint path, QueryJob) from the socket FD, answers ("ok", body, media type, kind) or
("error", NodeError class name, message). It only ever opens checkpoints, read-only.
"""

from __future__ import annotations

import os
import signal
import sys
from multiprocessing.connection import Connection

import pyoxigraph as ox

from node import errors
from node.store.query_exec import execute


def worker_main(conn) -> None:
    """Answer jobs until the server closes the connection."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server handles Ctrl-C and stops us
    store, opened = None, None
    while True:
        try:
            snapshot, job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if snapshot != opened:
                store, opened = None, None
                store, opened = ox.Store.read_only(snapshot), snapshot
            result = execute(store, job)
            reply = ("ok", result.body, result.media_type, result.kind)
        except errors.NodeError as err:
            reply = ("error", type(err).__name__, err.message)
        except (OSError, RuntimeError) as err:
            reply = ("error", "StoreError", f"store read failed: {err}")
        conn.send(reply)


if __name__ == "__main__":
    if len(sys.argv) > 2:
        os.nice(int(sys.argv[2]))  # below the web process, which serves pages and writes
    worker_main(Connection(int(sys.argv[1])))
