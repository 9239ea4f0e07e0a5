"""Public queries run in worker processes, so a query can be stopped.

pyoxigraph has no timeout or cancellation, and a thread cannot be killed: a query that plans
or aggregates for minutes before its first row would hold a server thread (and a core) until
done, and a few thousand nested brackets crash the process. So each public query goes to a
worker process; past the deadline the worker is killed and a fresh one takes its place later.

Workers read a RocksDB checkpoint of the store (`Store.backup`: hard links, ~0.1 s), never the
live store, whose concurrent writes make a read-only open undefined. A new checkpoint is taken
when a query arrives after a write (the store's `generation` changed), so a query always sees
every write that finished before it; checkpoints no worker uses any more are deleted.

Clients share the workers fairly (node.store.fairness): a query first takes a place from the
admission, which answers 429 to a client over its share. Workers run at a lower CPU priority than
the web process, so pages stay responsive; a query still running after DEMOTE_AFTER seconds drops
to the lowest priority (quick queries of other clients go first) and its worker is retired after
it, since a process cannot raise its priority again.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from node.errors import QueryError, QueryTimeout, StoreError
from node.store import worker_process
from node.store.base import QueryResult
from node.store.fairness import Admission, FairnessPolicy
from node.store.query_exec import QueryJob

WORKER_NICE = 5        # below the web process: pages and writes never wait for query CPU
DEMOTE_AFTER = 1.0     # seconds; a query running longer yields the CPU to everyone else
_LOWEST_PRIORITY = 19


@dataclass(eq=False)
class _Worker:
    process: object
    conn: object
    snapshot: Path | None = None
    demoted: bool = False


@dataclass
class _Snapshots:
    root: Path
    current: Path | None = None
    generation: int = -1
    serial: int = 0
    stale: bool = False  # a checkpoint may have lost its last user: look for ones to delete
    lock: threading.Lock = field(default_factory=threading.Lock)


class QueryRunner:
    """A pool of at most `policy.workers` query worker processes over checkpoints of `store`."""

    def __init__(self, store, store_path: Path, generation: Callable[[], int], policy: FairnessPolicy):
        self._store = store
        self._generation = generation
        self._size = policy.workers
        self._admission = Admission(policy)
        self._snapshots = _Snapshots(store_path.with_name(store_path.name + ".snapshots"))
        shutil.rmtree(self._snapshots.root, ignore_errors=True)  # leftovers of a crashed run
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._starting = 0
        self._cond = threading.Condition()
        self._closed = False

    def run(self, job: QueryJob, timeout: float, client: str = "local") -> QueryResult:
        """Run `job` for `client` (see node.store.fairness.client_identity) within `timeout` seconds."""
        with self._admission.slot(client, timeout):
            return self._run(job, timeout)

    def refusal(self, client: str, timeout: float):
        """The 429 `client` is due now (node.store.fairness.Admission.refusal), or None."""
        return self._admission.refusal(client, timeout)

    def _run(self, job: QueryJob, timeout: float) -> QueryResult:
        deadline = time.monotonic() + timeout
        worker = self._acquire(deadline)
        try:
            snapshot = self._snapshot_for(worker)
            worker.conn.send((str(snapshot), job))
            if not self._answered(worker, deadline):
                self._discard(worker)
                worker = None
                raise QueryTimeout(f"the query ran longer than {timeout:g} s, this endpoint's limit; "
                                   "narrow it (a more selective pattern, LIMIT) and try again")
            reply = worker.conn.recv()
        except (EOFError, OSError):
            self._discard(worker)
            worker = None
            raise QueryError("the query engine failed on this query (it stopped while evaluating it); "
                             "simplify the query") from None
        finally:
            if worker is not None:
                (self._discard if worker.demoted else self._release)(worker)
        return _answer(reply)

    @staticmethod
    def _answered(worker: _Worker, deadline: float) -> bool:
        """Wait for the reply until the deadline; past DEMOTE_AFTER, at the lowest CPU priority."""
        if worker.conn.poll(max(0.0, min(DEMOTE_AFTER, deadline - time.monotonic()))):
            return True
        try:
            os.setpriority(os.PRIO_PROCESS, worker.process.pid, _LOWEST_PRIORITY)
            worker.demoted = True
        except OSError:
            pass  # already gone: the poll below says so
        return worker.conn.poll(max(0.0, deadline - time.monotonic()))

    # -- workers ------------------------------------------------------------------------------

    def _acquire(self, deadline: float) -> _Worker:
        with self._cond:
            while True:
                if self._closed:
                    raise StoreError("the node is shutting down")
                if self._idle:
                    worker = self._idle.pop()
                    self._busy.add(worker)
                    return worker
                if len(self._busy) + self._starting < self._size:
                    self._starting += 1
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise QueryTimeout(f"all {self._size} query workers stayed busy until the time limit; "
                                       "retry in a moment")
                self._cond.wait(remaining)
        return self._start_worker()

    def _start_worker(self) -> _Worker:
        try:
            worker = _Worker(*worker_process.spawn("node.store.query_worker", str(WORKER_NICE)))
        finally:
            with self._cond:
                self._starting -= 1
        with self._cond:
            self._busy.add(worker)
        return worker

    def _release(self, worker: _Worker) -> None:
        with self._cond:
            self._busy.discard(worker)
            if self._closed:
                _stop(worker)
            else:
                self._idle.append(worker)
            self._cond.notify()
        self._collect_snapshots()

    def _discard(self, worker: _Worker) -> None:
        _stop(worker)
        with self._cond:
            self._busy.discard(worker)
            self._cond.notify()
        self._snapshots.stale = True
        self._collect_snapshots()

    # -- snapshots ------------------------------------------------------------------------------

    def _snapshot_for(self, worker: _Worker) -> Path:
        """The checkpoint for this query, marked as the worker's before any cleanup can see it."""
        snaps = self._snapshots
        with snaps.lock:
            generation = self._generation()
            if snaps.current is None or snaps.generation != generation:
                snaps.serial += 1
                path = snaps.root / f"{generation}-{snaps.serial}"
                snaps.root.mkdir(parents=True, exist_ok=True)
                try:
                    self._store.backup(str(path))
                except (OSError, RuntimeError) as err:
                    raise StoreError(f"cannot take a read snapshot of the store: {err}") from None
                snaps.current, snaps.generation = path, generation
            if worker.snapshot != snaps.current:
                worker.snapshot, snaps.stale = snaps.current, True
            return snaps.current

    def _collect_snapshots(self) -> None:
        """Delete checkpoints no worker uses. Only after a worker moved to a newer checkpoint or was
        dropped (nothing else frees one): the directory scan is not paid on every query."""
        snaps = self._snapshots
        with snaps.lock, self._cond:
            if not snaps.stale:
                return
            in_use = {w.snapshot for w in (*self._idle, *self._busy)} | {snaps.current}
            snaps.stale = False
            if not snaps.root.is_dir():
                return
            for path in snaps.root.iterdir():
                if path not in in_use:
                    shutil.rmtree(path, ignore_errors=True)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            workers, self._idle = self._idle, []
        for worker in workers:
            _stop(worker)
        shutil.rmtree(self._snapshots.root, ignore_errors=True)


def _stop(worker: _Worker) -> None:
    worker_process.stop(worker.process, worker.conn)


def _answer(reply) -> QueryResult:
    return QueryResult(*worker_process.result_of(reply))
