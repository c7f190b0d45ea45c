"""Weekends, vacations and zone changes move when a nudge goes out (SPEC §5, §12): planned in the rep's
working time, re-derived when their zone or vacation dates change."""

from __future__ import annotations

from datetime import date

import pytest

from tests.support.factories import T0  # Mon 2 Nov 2026, 09:00 Shanghai, Sun 20:00 New York
from tests.support.flows import sent, utc


@pytest.fixture
def reps(world):
    world.meet("U0REP1", "U0REP2", now=T0.replace(hour=0))
    return world


def kinds(world, user):  # noqa: ANN001, ANN201
    return [n.kind for n, _ in sent(world, user)]


def test_a_day_one_that_falls_on_a_weekend_waits_for_monday(reps):
    world = reps
    deal_id = world.new_deal(owner_id="U0REP1", now=utc(2026, 11, 6, 1))  # Fri 09:00 Shanghai
    world.run_sweep(utc(2026, 11, 7, 4))  # Sat 12:00 Shanghai
    assert kinds(world, "U0REP1") == []
    (row,) = world.nudges(deal_id=deal_id, kind="followup_1")
    assert row.send_after == utc(2026, 11, 9, 1)  # Mon 09:00 Shanghai, stored UTC
    world.run_sweep(utc(2026, 11, 9, 1))
    assert kinds(world, "U0REP1") == ["followup_1"]


def test_vacation_dates_shift_pending_nudges_past_them(reps):
    world = reps
    deal_id = world.new_deal(owner_id="U0REP2", now=T0)  # NY: day 1 due Tue 3 Nov 09:00 EST
    asked_at = T0.replace(hour=0)
    with world.session() as s:
        world.set_away(s, world.actor(s, "U0REP2"), date(2026, 11, 3), date(2026, 11, 5), now=asked_at)
    (row,) = world.nudges(deal_id=deal_id, kind="followup_1")
    assert row.send_after == utc(2026, 11, 6, 14)  # Fri 09:00 EST
    with world.session() as s:
        listed = world.list_away(s, world.actor(s, "U0REP2"), now=asked_at)
        assert [(v.starts_on, v.ends_on) for v in listed] == [(date(2026, 11, 3), date(2026, 11, 5))]
    world.run_sweep(utc(2026, 11, 3, 15))
    assert kinds(world, "U0REP2") == []
    world.run_sweep(utc(2026, 11, 6, 14))
    assert kinds(world, "U0REP2") == ["followup_1"]
    with world.session() as s:  # it is over
        assert world.list_away(s, world.actor(s, "U0REP2"), now=utc(2026, 11, 6, 14)) == []


def test_a_zone_change_in_slack_moves_pending_nudges(reps):
    world = reps
    deal_id = world.new_deal(owner_id="U0REP2", now=T0)
    (row,) = world.nudges(deal_id=deal_id, kind="followup_1")
    assert row.send_after == utc(2026, 11, 3, 14)  # 09:00 New York
    with world.session() as s:  # what the user_change event does
        world.user_changed(s, world.profile("U0REP2") | {"tz": "Asia/Tokyo"}, now=T0)
    (row,) = world.nudges(deal_id=deal_id, kind="followup_1")
    assert row.send_after == utc(2026, 11, 3, 1)  # Tue 10:00 Tokyo: inside its hours
