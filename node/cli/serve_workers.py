"""`ehds-node serve --workers N`: N web worker processes (gunicorn) on a remote store.

Each worker opens its own node (store connection, catalogue index, caches) after the fork and keeps
its caches current from the change log in the store (node.store.remote), so a write through one
worker is seen by the others within the store's poll interval. The embedded store admits one
process only, so it is refused there. Scheduled harvests run in one worker: the first to take the
scheduler lock (a file lock in data_dir, released when that worker ends).
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from pathlib import Path

from node.errors import ConfigError, QueryTimeout, StoreError

log = logging.getLogger("ehds.serve")
_SCHEDULER_LOCK = "scheduler.lock"
_RETRY_SECONDS = 2.0  # between two workers' attempts to open an unreachable store


_WORKERS_PER_CORE = 4  # every worker is a process with its own caches: more only share the same cores


def check_workers(settings, workers: int) -> None:
    if workers < 1:
        raise ConfigError(f"--workers must be at least 1, got {workers}")
    cores = os.cpu_count() or 1
    if workers > _WORKERS_PER_CORE * cores:
        raise ConfigError(f"--workers {workers} is more than {_WORKERS_PER_CORE} per CPU core ({cores} here: at most "
                          f"{_WORKERS_PER_CORE * cores}); each worker is a process with its own caches and store "
                          "connections (docs/deployment.md, How many workers)")
    if workers > 1 and settings.store != "sparql":
        raise ConfigError(f"--workers {workers} needs a remote store (store = \"sparql\"): the embedded "
                          "Oxigraph store admits one process (one writer); serve it with one worker and "
                          "--threads, or move the catalogue to a SPARQL server (docs/deployment.md)")


def run_workers(settings, workers: int) -> int:
    from gunicorn.app.base import BaseApplication

    class NodeWorkers(BaseApplication):
        def load_config(self):
            for key, value in {"bind": [f"{settings.host}:{settings.port}"], "workers": workers,
                               "worker_class": "gthread", "threads": settings.threads,
                               "preload_app": False,  # each worker opens its own store connection
                               "proc_name": "ehds-node", "accesslog": None,
                               "control_socket_disable": True,  # no socket in $HOME; stop with SIGTERM
                               "loglevel": settings.log_level.lower()}.items():
                self.cfg.set(key, value)

        def load(self):
            return worker_app(settings)

    log.info("ehds-node serving %s on http://%s:%d/ with %d workers on the SPARQL store %s",
             settings.base_url, settings.host, settings.port, workers, settings.store_query_url)
    NodeWorkers().run()
    return 0


def worker_app(settings):
    """One worker's app: its own node, its catalogue index and OAI-PMH listing warmed in the background
    (as `serve` does in one process: the first reader of each worker must not wait for them), and the
    harvest scheduler when this worker holds the lock."""
    from node.context import open_node
    from node.harvest.schedule import start_scheduler
    from node.web.app import create_app
    from node.web.harvest import run_locks

    context = _open_or_retry_later(open_node, settings)
    app = create_app(context=context)
    from node.cli.serve import warm_up

    threading.Thread(target=warm_up, args=(context, app), name="warm-up", daemon=True).start()
    if _take_scheduler_lock(Path(settings.data_dir)):
        start_scheduler(run_locks(app), context)
    return app


def _open_or_retry_later(open_node, settings):
    """The worker's node; when the store cannot be reached (it went away after `serve` started and this
    worker was started again), the worker ends after a pause and gunicorn starts another. An exception
    here would be a boot error, on which gunicorn stops every worker: the node would stay down after
    the store came back."""
    try:
        return open_node(settings)
    except (StoreError, QueryTimeout) as err:
        log.error("worker %d cannot open the store (%s); another worker tries again in %g s",
                  os.getpid(), err.message, _RETRY_SECONDS)
        time.sleep(_RETRY_SECONDS)
        raise SystemExit(1) from None


def _take_scheduler_lock(data_dir: Path) -> bool:
    data_dir.mkdir(parents=True, exist_ok=True)
    handle = open(data_dir / _SCHEDULER_LOCK, "a")  # kept open (and locked) for the worker's lifetime
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return False
    _held.append(handle)
    log.info("worker %d runs the harvest schedules", os.getpid())
    return True


_held: list = []
