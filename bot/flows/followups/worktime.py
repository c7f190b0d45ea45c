"""A rep's working time: their Slack zone, the team's work hours and days, their vacation dates.

Everything is computed in the rep's local time with zoneinfo (wall-clock arithmetic, so 09:00 stays
09:00 across DST) and handed back as UTC. Pure functions; the caller loads the inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MAX_LOOKAHEAD_DAYS = 800  # a vacation or a day set can never trap the search


@dataclass(frozen=True)
class WorkTime:
    tz: str
    hours: tuple[time, time]
    days: frozenset[int]  # 0 = Monday
    vacations: tuple[tuple[date, date], ...] = field(default=())  # inclusive ranges, local dates

    @property
    def zone(self) -> ZoneInfo:
        return zone_or_utc(self.tz)

    def is_work_day(self, d: date) -> bool:
        return d.weekday() in self.days and not any(a <= d <= b for a, b in self.vacations)

    def local(self, at: datetime) -> datetime:
        return at.astimezone(self.zone)

    def next_slot(self, at: datetime) -> datetime:
        """``at`` if it falls in working time, else the start of the rep's next working slot (UTC)."""
        start, end = self.hours
        local = self.local(at)
        d = local.date()
        for _ in range(MAX_LOOKAHEAD_DAYS):
            if self.is_work_day(d):
                if local.date() == d and start <= local.time() < end:
                    return at.astimezone(UTC)
                if local.date() < d or local.time() < start:
                    return datetime.combine(d, start, tzinfo=self.zone).astimezone(UTC)
            d += timedelta(days=1)
        return at.astimezone(UTC)  # no working day at all: never hold a nudge forever

    def after_days(self, at: datetime, days: int) -> datetime:
        """``days`` calendar days after ``at`` at the same local wall time, then the next slot."""
        local = self.local(at)
        target = datetime.combine(local.date() + timedelta(days=days), local.time(), tzinfo=self.zone)
        return self.next_slot(target)

    def after_working_day(self, at: datetime) -> datetime:
        """One working day after ``at``: the same local time (to the minute) on the next working day."""
        local = self.local(at).replace(second=0, microsecond=0)
        d = local.date() + timedelta(days=1)
        for _ in range(MAX_LOOKAHEAD_DAYS):
            if self.is_work_day(d):
                break
            d += timedelta(days=1)
        return self.next_slot(datetime.combine(d, local.time(), tzinfo=self.zone))

    def start_of_day(self, d: date) -> datetime:
        """The first working slot on or after local date ``d``."""
        return self.next_slot(datetime.combine(d, time(0, 0), tzinfo=self.zone))


def zone_or_utc(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")
