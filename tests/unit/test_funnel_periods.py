"""Quota periods, digest due times and quota amounts in the team's zone (pure functions)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bot.flows.errors import BadInput
from bot.flows.funnel.periods import latest_due, parse_period, period_of, week_start, working_day_before
from bot.flows.funnel.quota import parse_amount

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")


def test_quota_periods_contain_the_day():
    assert period_of(date(2026, 11, 23), "quarter") == parse_period("2026-Q4", "quarter")
    assert (period_of(date(2026, 11, 23), "quarter").start, period_of(date(2026, 11, 23), "quarter").end) == (
        date(2026, 10, 1),
        date(2027, 1, 1),
    )
    assert period_of(date(2026, 12, 31), "month").key == "2026-12"
    assert period_of(date(2026, 12, 31), "month").end == date(2027, 1, 1)
    assert period_of(date(2026, 2, 1), "year").key == "2026"
    assert parse_period("2027q1", "quarter").key == "2027-Q1"
    assert parse_period("2027-3", "month").key == "2027-03"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("2027-Q5", "quarter"),
        ("2027-03", "quarter"),
        ("2027-13", "month"),
        ("27", "year"),
        ("", "quarter"),
        ("1999", "year"),
    ],
)
def test_bad_periods_are_refused(text, kind):
    with pytest.raises(BadInput):
        parse_period(text, kind)


def test_the_latest_due_digest_is_in_the_team_zone():
    monday_0900_shanghai = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    assert latest_due(monday_0900_shanghai, SHANGHAI, 0, time(9)) == (
        monday_0900_shanghai,
        datetime(2026, 11, 22, 16, 0, tzinfo=UTC),
    )
    just_before = datetime(2026, 11, 23, 0, 59, tzinfo=UTC)
    assert latest_due(just_before, SHANGHAI, 0, time(9))[0] == datetime(2026, 11, 16, 1, 0, tzinfo=UTC)
    # a Wednesday 14:30 digest in New York, asked on Thursday: this week's Wednesday
    due, week = latest_due(datetime(2026, 11, 26, 12, tzinfo=UTC), NEW_YORK, 2, time(14, 30))
    assert due == datetime(2026, 11, 25, 19, 30, tzinfo=UTC)
    assert week == week_start(due, NEW_YORK) == datetime(2026, 11, 23, 5, 0, tzinfo=UTC)


def test_one_working_day_before_skips_the_weekend():
    monday = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    assert working_day_before(monday, SHANGHAI, frozenset(range(5))) == datetime(
        2026, 11, 20, 1, 0, tzinfo=UTC
    )
    wednesday = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
    assert working_day_before(wednesday, SHANGHAI, frozenset(range(5))) == datetime(
        2026, 11, 24, 1, 0, tzinfo=UTC
    )


def test_amounts_in_both_notations():
    assert parse_amount("5000000") == Decimal("5000000.00")
    assert parse_amount("5,000,000") == Decimal("5000000.00")
    assert parse_amount("500万") == Decimal("5000000.00")
    assert parse_amount("1.2亿") == Decimal("120000000.00")
    assert parse_amount("5M") == Decimal("5000000.00")
    for bad in ("", "abc", "-5", "0", "1e20", "NaN", "Infinity", "5,000万万", "'; drop table quota;--"):
        with pytest.raises(BadInput):
            parse_amount(bad)
