"""Retries of partner requests: urllib3's Retry, bent to a harvest run.

What urllib3 does already: which failures and statuses to retry, exponential backoff, Retry-After
(capped by `retry_after_max`). What is added here: every retry is reported (one log line per
attempt), the sleeps go through the Fetcher (tests pass a recorder; a sleep that would end past the
run's deadline is refused instead of slept), the first retry already waits, and a Retry-After that
is not a number or a date means "use the backoff", not an exception out of urllib3.
"""

from __future__ import annotations

from urllib3.exceptions import InvalidHeader, MaxRetryError
from urllib3.util.retry import Retry

RETRIED_STATUSES = frozenset([429, *range(500, 600)])


class PartnerRetry(Retry):
    """Retry with two hooks shared by every copy urllib3 makes: `pause(seconds)` and `on_retry(...)`."""

    pause = None     # callable(seconds) -> None; may raise to stop the retries
    on_retry = None  # callable(method, url, response, error, final: bool) -> None; final: no retry left

    @classmethod
    def for_run(cls, retries: int, *, backoff: float, max_retry_after: float, pause, on_retry) -> PartnerRetry:
        retry = cls(total=retries, redirect=False, status_forcelist=RETRIED_STATUSES, allowed_methods=None,
                    backoff_factor=backoff, backoff_max=max(backoff, 1.0) * 2 ** max(retries, 0),
                    retry_after_max=max_retry_after, raise_on_status=False, respect_retry_after_header=True)
        retry.pause, retry.on_retry = pause, on_retry
        return retry

    def new(self, **kw) -> PartnerRetry:
        retry = super().new(**kw)
        retry.pause, retry.on_retry = self.pause, self.on_retry
        return retry

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):
        try:
            retry = super().increment(method, url, response, error, _pool, _stacktrace)
        except MaxRetryError:
            if self.on_retry:
                self.on_retry(method, url, response, error, True)
            raise
        if self.on_retry:
            self.on_retry(method, url, response, error, False)
        return retry

    def get_backoff_time(self) -> float:
        """backoff, 2 × backoff, 4 × backoff… from the first retry (urllib3 retries the first at once)."""
        return min(self.backoff_max, self.backoff_factor * 2 ** max(len(self.history) - 1, 0))

    def get_retry_after(self, response) -> float | None:
        try:
            return super().get_retry_after(response)
        except InvalidHeader:
            return None

    def sleep_for_retry(self, response) -> bool:
        seconds = self.get_retry_after(response)
        if seconds is None:
            return False
        self._pause(seconds)
        return True

    def _sleep_backoff(self) -> None:
        self._pause(self.get_backoff_time())

    def _pause(self, seconds: float) -> None:
        if self.pause:
            self.pause(seconds)
