"""Helper processes of the web process: `python -m <module> FD [args]`, talking over a socket pair.

A fresh interpreter, not multiprocessing: never fork a threaded server holding RocksDB or open
connections, and never re-import the caller's __main__ (spawn does), which may be any script
embedding the node. A process group of its own (Ctrl-C in a terminal is the server's to handle),
but not a session of its own: with autogroup scheduling a new session would make nice values
meaningless against the web process.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from multiprocessing.connection import Connection

from node import errors
from node.errors import QueryError, StoreError

# the errors a helper may report, by class name (a reply carries the name, not the object)
_REPORTED = {cls.__name__: cls for cls in (errors.QueryError, errors.QueryRefused, errors.QueryTimeout,
                                           errors.StoreError, errors.NotAcceptable)}


def spawn(module: str, *args: str) -> tuple[subprocess.Popen, Connection]:
    """The process and our end of its connection; StoreError when it cannot be started."""
    try:
        ours, theirs = socket.socketpair()
        with theirs:
            process = subprocess.Popen([sys.executable, "-m", module, str(theirs.fileno()), *args],
                                       pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, process_group=0)
        return process, Connection(os.dup(ours.detach()))
    except OSError as err:
        raise StoreError(f"cannot start a helper process ({module}): {err}") from None


def stop(process: subprocess.Popen, conn: Connection) -> None:
    try:
        conn.close()
    except OSError:
        pass
    if process.poll() is None:
        process.kill()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass


def answer_jobs(conn: Connection, handle) -> None:
    """In the helper: `handle(*job)` for each job until the web process closes the connection; its
    result is sent as ("ok", *result), a NodeError as ("error", class name, message)."""
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply = ("ok", *handle(*job))
        except errors.NodeError as err:
            reply = ("error", type(err).__name__, err.message)
        conn.send(reply)


def result_of(reply) -> tuple:
    """In the web process: a helper's reply as its result, or its error raised again."""
    status, *rest = reply
    if status == "ok":
        return tuple(rest)
    name, message = rest
    raise _REPORTED.get(name, QueryError)(message)
