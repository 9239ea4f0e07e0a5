"""Query workers that cannot reach the network.

With no SERVICE endpoint allow-listed (the default), a public query has no reason to open any
connection, so the worker process that runs it is sealed before its first query: a seccomp
filter makes every attempt to create an internet socket (AF_INET, AF_INET6, and io_uring, which
could create one without the socket call) fail with EACCES, whatever the query says and whatever
the guard in front of it understood. The worker's own channel to the server is a Unix socket pair
made before the seal, so it keeps working. The seal is one-way and lasts the process's life.
"""

from __future__ import annotations

import errno
import logging
import socket

log = logging.getLogger("ehds.sparql")
_sealed = False


def seal_network() -> bool:
    """Forbid internet sockets in this process from now on; False where seccomp is not available."""
    global _sealed
    if _sealed:
        return True
    try:
        import pyseccomp as seccomp

        rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
        for family in (socket.AF_INET, socket.AF_INET6):
            rules.add_rule(seccomp.ERRNO(errno.EACCES), "socket", seccomp.Arg(0, seccomp.EQ, family))
        rules.add_rule(seccomp.ERRNO(errno.EACCES), "io_uring_setup")
        rules.load()
    except (ImportError, OSError, RuntimeError, ValueError) as err:
        log.warning('{"event": "seal-failed", "reason": "%s"}', str(err).replace('"', "'"))
        return False
    _sealed = True
    return True
