"""Bounds on one validation: the web validator's time and results (settings validate_seconds and
validate_max_results); the CLI, writes and harvests validate without them.

Time is checked between steps (a batch of triples indexed, a chunk split, a result placed). Results are
bounded inside the engine too: one engine run holds ~12 KB per result, and a single record can have
hundreds of thousands (a dataset with 220,000 blank distributions, 10 MB of Turtle, took 18 GB and two
minutes in one run); with max_results the run stops early (0.07 s for the first 1,000 of 120,000).
"""

from __future__ import annotations

import math
import time
from typing import Iterable, Iterator

from node.errors import TooManyResults, ValidationTimeout

RUN_RESULTS = 20_000  # results of one engine run (a chunk of 100 records gives ~1,000; a broken one a few thousand)
HINT = "validate it with `ehds-node validate FILE`, which has no limit"


class Budget:
    def __init__(self, seconds: float = math.inf, results: int | None = None):
        self.seconds, self.results = seconds, results
        self.at = time.monotonic() + seconds
        self.used = 0

    def check(self) -> None:
        if time.monotonic() > self.at:
            raise ValidationTimeout(f"validation took longer than {self.seconds:g} s, this validator's limit; {HINT}")

    def checked(self, items: Iterable, every: int = 1) -> Iterator:
        for count, item in enumerate(items):
            if count % every == 0:
                self.check()
            yield item

    def run_cap(self) -> int | None:
        """The most results one engine run may give (None: no limit)."""
        return None if self.results is None else min(self.results, RUN_RESULTS)

    def ran(self, engine_results: int, cap: int | None) -> None:
        """After an engine run asked for at most cap + 1 results: more than cap is over the limit."""
        if cap is not None and engine_results > cap:
            raise self._over() if cap == self.results else TooManyResults(
                f"one part of the document (a record, or up to 100) gives more than {cap:,} results, this "
                f"validator's limit; {HINT}")

    def spent(self, results: list) -> list:
        """The results of a run, counted (by the one thread reading them)."""
        self.used += len(results)
        if self.results is not None and self.used > self.results:
            raise self._over()
        return results

    def _over(self) -> TooManyResults:
        return TooManyResults(f"the document gives more than {self.results:,} results, this validator's limit; {HINT}")


UNLIMITED = Budget()
