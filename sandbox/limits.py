"""Posting limits and fault injection: Fault (an injected 429/5xx), TokenBucket and PostingLimits
(Slack's per-channel and per-workspace chat.postMessage limits)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass
class Fault:
    method: str
    status: int
    retry_after: int | None = None
    times: int | None = 1  # None = forever
    every: int | None = None  # every Nth call of the method
    error: str | None = None
    seen: int = 0


class TokenBucket:
    """``rate`` tokens a second, bursts up to ``capacity``; ``take`` answers the wait when empty."""

    def __init__(self, rate: float, capacity: float) -> None:
        self.rate, self.capacity = rate, capacity
        self.tokens, self.at = capacity, time.monotonic()

    def take(self) -> float:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


@dataclass
class PostingLimits:
    """Slack's posting limits (chat.postMessage): ~1 message/s per channel and several hundred a
    minute per workspace, with bursts; ``time_scale`` speeds time up (100 = limits 100x higher)."""

    per_channel_per_second: float = 1.0
    per_workspace_per_minute: float = 600.0
    time_scale: float = 1.0
    buckets: dict = field(default_factory=dict)

    def check(self, team_id: str, channel: str) -> float:
        """0 when the post may go now, else the seconds to wait (the Retry-After)."""
        ch_rate = self.per_channel_per_second * self.time_scale
        ws_rate = self.per_workspace_per_minute / 60 * self.time_scale
        ch = self.buckets.setdefault(("ch", channel), TokenBucket(ch_rate, max(1.0, ch_rate)))
        ws = self.buckets.setdefault(("ws", team_id), TokenBucket(ws_rate, max(1.0, ws_rate)))
        wait = ch.take()
        if wait:
            return wait
        wait = ws.take()
        if wait:
            ch.tokens += 1  # not posted: give the channel its token back
        return wait
