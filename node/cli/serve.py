"""`ehds-node serve`: run the node (waitress, threaded); `--workers N` on a remote store (gunicorn)."""

from __future__ import annotations

import logging
import signal
import socket
import threading
import time

from node.cli import common_node_options, settings_from_args
from node.cli.serve_workers import check_workers, run_workers
from node.errors import ConfigError

log = logging.getLogger("ehds.serve")


def register(subparsers) -> None:
    parser = subparsers.add_parser("serve", help="serve the catalogue, SPARQL endpoint and API over HTTP")
    common_node_options(parser)
    parser.add_argument("--host", help="interface to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default 8080)")
    parser.add_argument("--empty", action="store_true", help="a new store starts without the bundled HDH records")
    parser.add_argument("--threads", type=int,
                        help="web server threads (default 16; more than sparql_workers + sparql_queue)")
    parser.add_argument("--workers", type=int, default=1,
                        help="web worker processes (default 1; more need store = \"sparql\", see docs/deployment.md)")
    parser.set_defaults(handler=run)


def run(args) -> int:
    import waitress

    from node.context import open_node
    from node.harvest.schedule import start_scheduler
    from node.web.app import create_app
    from node.server_file import write_server_file
    from node.web.harvest import run_locks

    extra = {"host": args.host, "port": args.port, "threads": args.threads}
    if args.empty:
        extra["load_bundled_catalogue"] = False
    settings = settings_from_args(args, seeds_new_store=True, **extra)
    workers = getattr(args, "workers", 1)
    check_workers(settings, workers)
    listener = _bind(settings.host, settings.port)  # before the store is opened or anything says "serving"
    if workers > 1:
        listener.close()  # the port is free: gunicorn binds it in its master process
        open_node(settings).close()  # once before forking: the server answers, a new store is seeded once
        return run_workers(settings, workers)
    context = open_node(settings)
    app = create_app(context=context)
    server = waitress.create_server(app, sockets=[listener], threads=settings.threads, ident="ehds-node")
    quiet_waitress_queue()
    server_file = write_server_file(settings.data_dir, f"http://{_local_host(settings.host)}:{settings.port}/")
    start_scheduler(run_locks(app), context)
    threading.Thread(target=warm_up, args=(context, app), name="warm-up", daemon=True).start()
    log.info("ehds-node serving %s on http://%s:%d/ (data: %s; %d threads, %d SPARQL workers)", settings.base_url,
             settings.host, settings.port, settings.data_dir, settings.threads, settings.sparql_workers)
    signal.signal(signal.SIGTERM, _stop)  # service managers stop with SIGTERM: close the store cleanly
    try:
        server.run()
    finally:
        server_file.unlink(missing_ok=True)
        context.close()
    return 0


class AtMostEvery(logging.Filter):
    """Lets one record through per `seconds`. waitress warns "Task queue depth is N" for every request
    queued behind busy threads: under load, a line per request in the operator's log; one a minute
    says the same."""

    def __init__(self, seconds: float = 60.0):
        super().__init__()
        self.seconds, self._last = seconds, float("-inf")
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        with self._lock:
            now = time.monotonic()
            if now - self._last < self.seconds:
                return False
            self._last = now
            return True


def quiet_waitress_queue() -> None:
    queue_log = logging.getLogger("waitress.queue")
    if not any(isinstance(f, AtMostEvery) for f in queue_log.filters):
        queue_log.addFilter(AtMostEvery())


def warm_up(context, app) -> None:
    """What the first readers would otherwise wait for: the catalogue's order and facet counts, the
    validators a dataset page uses (its report and quality score: ~0.9 s to build, seconds under load,
    while every dataset page of that process waits), then the OAI-PMH listing."""
    from node.quality.compliance import health_validator
    from node.store.remote import RemoteStore
    from node.web import oai

    if isinstance(context.store, RemoteStore):
        context.store.plans.warm_up()  # the first /sparql query does not wait for a planning process
    context.index.warm_up()
    _ = context.validator
    health_validator()
    oai.warm_up(app)


def _bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound now: a busy port or an unknown host is one clear line, exit 2."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
        listener = socket.socket(family, kind, proto)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
    except socket.gaierror as err:
        raise ConfigError(f"cannot listen on {host}:{port}: {err.strerror or err}; check --host") from None
    except OSError as err:
        raise ConfigError(f"cannot listen on {host}:{port}: {err.strerror or err}; is another server using it? "
                          "choose another with --port") from None
    return listener


def _stop(signum, frame):
    log.info("ehds-node stopping (signal %d)", signum)
    raise SystemExit(0)


def _local_host(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
