"""Periods in the team's time zone: quota periods (quarter / month / year) and digest weeks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.flows.errors import BadInput


@dataclass(frozen=True)
class Period:
    key: str  # 2027-Q1 | 2027-03 | 2027
    start: date  # inclusive
    end: date  # exclusive

    def instants(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        return local_midnight(self.start, zone), local_midnight(self.end, zone)


def local_midnight(d: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(d, time(0), tzinfo=zone).astimezone(UTC)


def _add_months(d: date, months: int) -> date:
    m = d.month - 1 + months
    return date(d.year + m // 12, m % 12 + 1, 1)


def period_of(day: date, kind: str) -> Period:
    """The quota period of ``kind`` that contains ``day``."""
    if kind == "month":
        start = date(day.year, day.month, 1)
        return Period(f"{day.year}-{day.month:02d}", start, _add_months(start, 1))
    if kind == "year":
        return Period(str(day.year), date(day.year, 1, 1), date(day.year + 1, 1, 1))
    q = (day.month - 1) // 3
    start = date(day.year, q * 3 + 1, 1)
    return Period(f"{day.year}-Q{q + 1}", start, _add_months(start, 3))


_PATTERNS = {
    "quarter": re.compile(r"^(\d{4})\s*-?\s*Q([1-4])$", re.I),
    "month": re.compile(r"^(\d{4})-(\d{1,2})$"),
    "year": re.compile(r"^(\d{4})$"),
}
EXAMPLES = {"quarter": "2027-Q1", "month": "2027-03", "year": "2027"}


def parse_period(text: str, kind: str) -> Period:
    """``2027-Q1`` / ``2027-03`` / ``2027`` per the team's quota period; BadInput otherwise."""
    m = _PATTERNS.get(kind, _PATTERNS["quarter"]).match((text or "").strip())
    if not m:
        raise BadInput("funnel.quota.bad_period", example=EXAMPLES.get(kind, "2027-Q1"))
    year = int(m.group(1))
    if not 2000 <= year <= 2100:
        raise BadInput("funnel.quota.bad_period", example=EXAMPLES.get(kind, "2027-Q1"))
    if kind == "month":
        month = int(m.group(2))
        if not 1 <= month <= 12:
            raise BadInput("funnel.quota.bad_period", example=EXAMPLES["month"])
        return period_of(date(year, month, 1), "month")
    if kind == "year":
        return period_of(date(year, 1, 1), "year")
    return period_of(date(year, (int(m.group(2)) - 1) * 3 + 1, 1), "quarter")


def week_start(now: datetime, zone: ZoneInfo) -> datetime:
    """Monday 00:00 team time of the week that contains ``now`` (as UTC)."""
    local = now.astimezone(zone).date()
    return local_midnight(local - timedelta(days=local.weekday()), zone)


def latest_due(now: datetime, zone: ZoneInfo, weekday: int, at: time) -> tuple[datetime, datetime]:
    """The latest digest due instant at or before ``now``, and its week (Monday 00:00 team time)."""
    monday = week_start(now, zone).astimezone(zone).date()
    for back in (0, 7, 14):
        week = monday - timedelta(days=back)
        due = datetime.combine(week + timedelta(days=weekday), at, tzinfo=zone).astimezone(UTC)
        if due <= now:
            return due, local_midnight(week, zone)
    raise AssertionError("unreachable: a due instant lies within two weeks")


def working_day_before(now: datetime, zone: ZoneInfo, work_days: frozenset[int]) -> datetime:
    """The instant one working day before ``now`` (non-working days are skipped)."""
    t = now - timedelta(days=1)
    for _ in range(7):
        if t.astimezone(zone).weekday() in work_days:
            break
        t -= timedelta(days=1)
    return t
