"""Scheduled harvests inside `ehds-node serve`: a daemon thread that runs each source when due.

A schedule is "every 30m", "every 6h", "every 1d", "hourly" or "daily". From cron, run
`ehds-node harvest --all` instead (it asks the running server when the store is in use).
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timezone

from node.config_checks import schedule_seconds
from node.errors import NodeError

log = logging.getLogger("ehds.schedule")
interval_seconds = schedule_seconds  # one parser, checked with every source (node.config_checks)
MAX_BACKOFF = 86400  # consecutive failures double the wait, up to a day (or the interval, if longer)


def due(source, last_started: str | None, now: float, failures: int = 0) -> bool:
    """Due when the interval has passed since the last run; after `failures` failed runs in a row
    (a crashed run counts: it becomes a failed report at the next start) the interval doubles each time."""
    if not source.schedule:
        return False
    if not last_started:
        return True
    started = datetime.fromisoformat(last_started.replace("Z", "+00:00")).replace(tzinfo=timezone.utc)
    interval = interval_seconds(source.schedule)
    wait = interval if failures <= 1 else min(interval * 2 ** min(failures - 1, 20), max(interval, MAX_BACKOFF))
    return now - started.timestamp() >= wait


def failures_in_a_row(runs: list[dict]) -> int:
    """How many of the newest runs (newest first) failed, up to the last one that did not."""
    count = 0
    for run in runs:
        if run.get("status") != "failed":
            break
        count += 1
    return count


def start_scheduler(locks, ctx, *, tick: float = 30.0) -> threading.Thread | None:
    """Run each scheduled source when due, through `locks` (node.harvest.locks.RunLocks) so that a run
    started from the API at the same time is refused, not doubled."""
    scheduled = [s for s in ctx.settings.sources if s.schedule]
    for source in scheduled:
        interval_seconds(source.schedule)  # fail at start-up on a bad schedule, not hours later
    if not scheduled:
        return None
    thread = threading.Thread(target=_loop, args=(locks, ctx, scheduled, tick), name="harvest-scheduler", daemon=True)
    thread.start()
    return thread


def _loop(locks, ctx, sources, tick: float) -> None:
    from node.harvest import read_reports

    while True:
        for source in sources:
            runs = read_reports(ctx.settings.data_dir, source.name, limit=16)
            if due(source, runs[0]["started"] if runs else None, time.time(), failures_in_a_row(runs)):
                try:
                    locks.run(ctx, source)
                except NodeError as err:
                    log.warning("scheduled harvest of %s not run: %s", source.name, err.message)
                except Exception:  # noqa: BLE001 — the scheduler thread must outlive one bad run
                    log.exception("scheduled harvest of %s failed", source.name)
        time.sleep(tick)
