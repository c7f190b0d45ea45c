"""Working time in the rep's zone: quiet hours, weekends, vacations, DST (pure functions)."""

from datetime import UTC, date, datetime, time

from bot.flows.followups.worktime import WorkTime

HOURS = (time(9, 0), time(18, 0))
WEEKDAYS = frozenset(range(5))


def wt(tz: str, vacations=()) -> WorkTime:
    return WorkTime(tz=tz, hours=HOURS, days=WEEKDAYS, vacations=tuple(vacations))


def test_inside_working_hours_is_kept():
    at = datetime(2026, 11, 3, 3, 0, tzinfo=UTC)  # Tue 11:00 Shanghai
    assert wt("Asia/Shanghai").next_slot(at) == at


def test_night_moves_to_the_next_morning_in_the_reps_zone():
    at = datetime(2026, 11, 3, 15, 0, tzinfo=UTC)  # Tue 23:00 Shanghai, Tue 10:00 New York
    assert wt("Asia/Shanghai").next_slot(at) == datetime(2026, 11, 4, 1, 0, tzinfo=UTC)  # Wed 09:00 CST
    assert wt("America/New_York").next_slot(at) == at


def test_weekend_moves_to_monday():
    sat = datetime(2026, 11, 7, 4, 0, tzinfo=UTC)  # Sat 12:00 Shanghai
    assert wt("Asia/Shanghai").next_slot(sat) == datetime(2026, 11, 9, 1, 0, tzinfo=UTC)


def test_vacation_days_are_skipped():
    at = datetime(2026, 11, 3, 3, 0, tzinfo=UTC)  # Tue
    away = wt("Asia/Shanghai", [(date(2026, 11, 3), date(2026, 11, 10))])
    assert away.next_slot(at) == datetime(2026, 11, 11, 1, 0, tzinfo=UTC)  # Wed 11 Nov 09:00


def test_one_working_day_later_skips_the_weekend():
    fri = datetime(2026, 11, 6, 15, 30, tzinfo=UTC)  # Fri 10:30 New York
    assert wt("America/New_York").after_working_day(fri) == datetime(2026, 11, 9, 15, 30, tzinfo=UTC)


def test_wall_clock_days_across_dst():
    # 09:30 New York on 30 Oct (EDT, UTC-4); 14 days later it is EST (UTC-5): still 09:30 local
    t0 = datetime(2026, 10, 30, 13, 30, tzinfo=UTC)
    assert wt("America/New_York").after_days(t0, 14) == datetime(2026, 11, 13, 14, 30, tzinfo=UTC)


def test_no_working_day_at_all_never_hangs():
    never = WorkTime(tz="UTC", hours=HOURS, days=frozenset())
    at = datetime(2026, 11, 3, 3, 0, tzinfo=UTC)
    assert never.next_slot(at) == at
