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
from node.store.worker_process import answer_jobs


def worker_main(conn) -> None:
    """Answer jobs until the server closes the connection."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server handles Ctrl-C and stops us
    opened: dict[str, ox.Store] = {}  # the checkpoint last read (a new one replaces it)

    def run(snapshot: str, job) -> tuple:
        try:
            if snapshot not in opened:
                opened.clear()
                opened[snapshot] = ox.Store.read_only(snapshot)
            result = execute(opened[snapshot], job)
        except (OSError, RuntimeError) as err:
            raise errors.StoreError(f"store read failed: {err}") from None
        return result.body, result.media_type, result.kind

    answer_jobs(conn, run)


if __name__ == "__main__":
    if len(sys.argv) > 2:
        os.nice(int(sys.argv[2]))  # below the web process, which serves pages and writes
    worker_main(Connection(int(sys.argv[1])))
