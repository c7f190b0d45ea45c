"""The one source of "now" (SPEC §11 Clock). Nothing else calls ``datetime.now()``."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still at one instant (``run-due --at``, unit tests)."""

    def __init__(self, at: datetime) -> None:
        self._at = as_utc(at)

    def now(self) -> datetime:
        return self._at

    def advance(self, delta: timedelta) -> None:
        self._at += delta

    def set(self, at: datetime) -> None:
        self._at = as_utc(at)


class MovableClock:
    """Wall time plus an offset that ``/dev/clock`` moves (sandbox and tests only)."""

    def __init__(self, base: Clock | None = None) -> None:
        self._base = base or SystemClock()
        self._offset = timedelta()
        self._lock = threading.Lock()

    def now(self) -> datetime:
        return self._base.now() + self._offset

    def advance(self, delta: timedelta) -> datetime:
        with self._lock:
            self._offset += delta
        return self.now()

    def set(self, at: datetime) -> datetime:
        with self._lock:
            self._offset = as_utc(at) - self._base.now()
        return self.now()


EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)  # the movable clock stays within this century
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
MAX_SHIFT = timedelta(days=3660)  # one move of the movable clock: at most about ten years


def move_clock(clock: MovableClock | FixedClock, data: dict) -> datetime:
    """``{"advance": "P15D"}`` or ``{"set": "<ISO-8601>"}`` (the dev clock's body); ValueError when it
    is neither, or would take the clock outside 2000–2099."""
    if "advance" in data:
        delta = parse_duration(str(data["advance"]))
        target = clock.now() + delta
    elif "set" in data:
        target = parse_instant(str(data["set"]))
    else:
        raise ValueError('give {"advance": "P15D"} or {"set": "<ISO-8601>"}')
    if not EARLIEST <= target < LATEST:
        raise ValueError(f"the clock stays between {EARLIEST.year} and {LATEST.year - 1}")
    if "advance" in data:
        clock.advance(delta)
    else:
        clock.set(target)
    return clock.now()


def as_utc(dt: datetime) -> datetime:
    if dt.tzinfo is None:
        raise ValueError("naive datetime: give a time zone or a UTC offset")
    return dt.astimezone(UTC)


def parse_instant(text: str) -> datetime:
    """An ISO-8601 instant; a bare date or naive time is refused (ambiguous zone)."""
    return as_utc(datetime.fromisoformat(text.strip().replace("Z", "+00:00")))


def parse_duration(text: str) -> timedelta:
    """ISO-8601 durations of days, hours, minutes, seconds (and weeks): P15D, PT2H, P1DT3H, P2W."""
    import re

    m = re.fullmatch(
        r"(-)?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?",
        text.strip().upper(),
    )
    if not m or text.strip().upper() in ("P", "PT", "-P"):
        raise ValueError(f"not an ISO-8601 duration: {text!r} (e.g. P15D, PT2H)")
    sign, w, d, h, mi, s = m.groups()
    if any(len(part) > 12 for part in (w, d, h, mi, s) if part):
        raise ValueError(f"duration too long: {text!r} (at most {MAX_SHIFT.days} days)")
    try:
        delta = timedelta(
            weeks=int(w or 0),
            days=int(d or 0),
            hours=int(h or 0),
            minutes=int(mi or 0),
            seconds=float(s or 0),
        )
    except OverflowError as e:
        raise ValueError(f"duration too long: {text!r} (at most {MAX_SHIFT.days} days)") from e
    if delta > MAX_SHIFT:
        raise ValueError(f"duration too long: {text!r} (at most {MAX_SHIFT.days} days)")
    return -delta if sign else delta
