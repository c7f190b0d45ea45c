"""Admission control for /slack/events: at most N requests run at once per process (N matched to the
cores, ``Settings.web_threads``: more threads only fight over the GIL), a bounded queue waits for them,
and a request is shed with 503 + Retry-After when the queue is full or when it has waited so long that
Slack's 3-second deadline is at risk. Slack retries a shed event; nothing was claimed or run for it."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

import anyio
import anyio.to_thread

from bot.config import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")
LOG_EVERY = 5.0  # seconds between two "shedding" log lines


class Admission:
    def __init__(self, concurrency: int, queue: int, max_wait: float, retry_after: int = 1) -> None:
        self._slots = anyio.CapacityLimiter(concurrency)
        self.queue, self.max_wait, self.retry_after = queue, max_wait, retry_after
        self.waiting = 0
        self._shed, self._logged_at = 0, 0.0

    @classmethod
    def from_settings(cls, settings: Settings) -> Admission:
        return cls(settings.web_threads, settings.dealbot_web_queue, settings.dealbot_web_queue_seconds)

    async def run(self, fn: Callable[..., T], *args: Any) -> T | None:  # noqa: ANN401
        """``fn(*args)`` in a request thread once a slot is free; None when the request is shed."""
        if self.waiting >= self.queue:
            return self._shed_one("the queue is full")
        queued = time.monotonic()
        self.waiting += 1
        try:
            await self._slots.acquire()
        finally:
            self.waiting -= 1
        try:
            if time.monotonic() - queued > self.max_wait:
                return self._shed_one("it waited too long")
            return await anyio.to_thread.run_sync(fn, *args)
        finally:
            self._slots.release()

    def _shed_one(self, why: str) -> None:
        self._shed += 1
        now = time.monotonic()
        if now - self._logged_at >= LOG_EVERY:
            log.warning("overloaded: shed %d request(s) with 503 (last because %s)", self._shed, why)
            self._shed, self._logged_at = 0, now
        return None
