"""A loaded server's log stays readable: waitress's "Task queue depth" warning, one per request queued
behind busy threads, reaches the operator at most once a minute."""

from __future__ import annotations

import logging

from waitress.task import ThreadedTaskDispatcher

from node.cli.serve import quiet_waitress_queue


def test_the_task_queue_warning_is_logged_once_for_a_burst(caplog):
    quiet_waitress_queue()
    quiet_waitress_queue()  # once is enough: a second call adds no second filter
    dispatcher = ThreadedTaskDispatcher()  # no threads: every task waits, as behind busy threads
    with caplog.at_level(logging.WARNING, logger="waitress.queue"):
        for _ in range(200):
            dispatcher.add_task(object())
    queued = [r for r in caplog.records if r.name == "waitress.queue"]
    assert len(queued) == 1 and "Task queue depth" in queued[0].getMessage()
