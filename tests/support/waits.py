from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_for(
    fn: Callable[[], T], *, timeout: float = 10, interval: float = 0.05, what: str = "condition"
) -> T:
    """Poll until ``fn()`` is truthy (for work that happens after the ack, e.g. lazy listeners)."""
    deadline = time.monotonic() + timeout
    while True:
        value = fn()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(interval)
