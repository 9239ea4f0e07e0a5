"""Scheduled harvests inside `ehds-node serve`: a daemon thread that runs each source when due.

A schedule is "every 30m", "every 6h", "every 1d", "hourly" or "daily". From cron, run
`ehds-node harvest --all` instead (it asks the running server when the store is in use).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from datetime import datetime, timezone

from node.errors import ConfigError, NodeError

log = logging.getLogger("ehds.schedule")
_UNITS = {"m": 60, "h": 3600, "d": 86400}
_NAMED = {"hourly": 3600, "daily": 86400}


def interval_seconds(schedule: str) -> int:
    text = schedule.strip().lower()
    if text in _NAMED:
        return _NAMED[text]
    match = re.fullmatch(r"every\s+(\d+)\s*([mhd])", text)
    if not match or int(match.group(1)) == 0:
        raise ConfigError(f"schedule '{schedule}': use 'every 30m', 'every 6h', 'every 1d', 'hourly' or 'daily'")
    return int(match.group(1)) * _UNITS[match.group(2)]


def due(source, last_started: str | None, now: float) -> bool:
    if not source.schedule:
        return False
    if not last_started:
        return True
    started = datetime.fromisoformat(last_started.replace("Z", "+00:00")).replace(tzinfo=timezone.utc)
    return now - started.timestamp() >= interval_seconds(source.schedule)


def start_scheduler(app, ctx, *, tick: float = 30.0) -> threading.Thread | None:
    scheduled = [s for s in ctx.settings.sources if s.schedule]
    for source in scheduled:
        interval_seconds(source.schedule)  # fail at start-up on a bad schedule, not hours later
    if not scheduled:
        return None
    thread = threading.Thread(target=_loop, args=(app, ctx, scheduled, tick), name="harvest-scheduler", daemon=True)
    thread.start()
    return thread


def _loop(app, ctx, sources, tick: float) -> None:
    from node.harvest import read_reports
    from node.web.harvest import run_locked

    while True:
        for source in sources:
            runs = read_reports(ctx.settings.data_dir, source.name, limit=1)
            if due(source, runs[0]["started"] if runs else None, time.time()):
                try:
                    run_locked(app, ctx, source)
                except NodeError as err:
                    log.warning("scheduled harvest of %s not run: %s", source.name, err.message)
        time.sleep(tick)
