"""What answers or skips a nudge: a closed deal, a replayed event, the day-30 decision (keep starts a
new cycle, downgrade lowers grade and contact with its cause)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from bot import ids
from bot.flows.followups.answers import CheckinForm
from storage.models import Deal, DealEvent
from tests.support.factories import T0  # Mon 09:00 Shanghai, Sun 20:00 New York
from tests.support.flows import sent, utc

DAY1_NY = utc(2026, 11, 3, 15)  # Tue 10:00 New York (23:00 in Shanghai: quiet there)


@pytest.fixture
def reps(world):
    world.meet("U0REP1", "U0REP2", now=T0.replace(hour=0))
    return world


def test_a_deal_closed_before_its_nudge_is_skipped(reps):
    world = reps
    won = world.new_deal(owner_id="U0REP2", now=T0, account="Closed Co")
    live = world.new_deal(owner_id="U0REP2", now=T0, account="Live Co")
    with world.session() as s:  # what the pipeline's "won" does
        d = s.get(Deal, won)
        d.status, d.closed_at = "won", T0
        world.emit(s, "status_changed", d, now=T0, actor_id="U0REP2")
    world.run_sweep(DAY1_NY)
    assert [n.deal_id for n, _ in sent(world, "U0REP2")] == [live]
    skipped = world.nudges(deal_id=won, kind="followup_1")[0]
    assert (skipped.status, skipped.reason, skipped.slack_ts) == ("skipped", "deal_won", None)


def test_replayed_created_events_never_double_a_nudge(reps):
    world = reps
    deal_id = world.new_deal(  # not yet qualified: qualification_incomplete is planned only while it is not
        owner_id="U0REP1", now=T0, interviewed=False, expected_close=date(2027, 3, 31)
    )
    for _ in range(3):
        with world.session() as s:
            world.emit(s, "created", s.get(Deal, deal_id), now=T0, actor_id="U0REP1")
    kinds = sorted(n.kind for n in world.nudges(deal_id=deal_id))
    assert kinds == sorted(["followup_1", "followup_15", "followup_30", "qualification_incomplete", "stall",
                            "close_date_passed"])  # fmt: skip


def test_day_30_recommends_drop_without_progress_and_keep_starts_a_new_cycle(reps):
    world = reps
    deal_id = world.new_deal(owner_id="U0REP2", now=T0, grade="B")
    at = utc(2026, 12, 2, 15)
    world.run_sweep(at)  # day 30 (day 1 and 15 went out too, unanswered)
    n30, msg = next((n, m) for n, m in sent(world, "U0REP2", "followup_30"))
    shown = str(msg.blocks)
    assert "recommendation: *drop*" in shown and ids.ACT_DROP_OPEN in shown and ids.ACT_NUDGE_KEEP in shown
    with world.session() as s:
        world.keep(s, world.actor(s, "U0REP2", now=at), n30.id, now=at)
    d = world.deal(deal_id)
    assert d.followup_cycle == 1 and d.followup_t0 == at and d.followup_t0 > T0
    assert world.nudges(deal_id=deal_id, kind="followup_30", cycle=0)[0].answered_at == at
    assert {n.kind for n in world.nudges(deal_id=deal_id, cycle=1)} == {
        "followup_1",
        "followup_15",
        "followup_30",
    }


def test_day_30_downgrade_lowers_grade_and_contact_with_its_cause(reps):
    world = reps
    deal_id = world.new_deal(owner_id="U0REP1", now=T0, grade="A")
    day1 = utc(2026, 11, 3, 1)
    world.run_sweep(day1)  # day 1: check in with progress
    with world.session() as s:
        form = CheckinForm(done_text="Demo for the owner", progress=True, progress_text="Shortlisted")
        world.checkin(s, world.actor(s, "U0REP1", now=day1), deal_id, form, now=day1)
    at = utc(2026, 12, 2, 1)
    world.run_sweep(at)
    n30, msg = next((n, m) for n, m in sent(world, "U0REP1", "followup_30"))
    assert "建议：*保持*" in str(msg.blocks)  # progress was recorded: keep
    with world.session() as s:
        world.downgrade(s, world.actor(s, "U0REP1", now=at), n30.id, now=at)
    d = world.deal(deal_id)
    assert (d.grade, d.contact_level, d.followup_cycle) == (
        "B",
        "normal",
        1,
    )  # issue 11: a downgrade stays in the funnel
    with world.session() as s:
        ev = s.exec(select(DealEvent).where(DealEvent.deal_id == deal_id, DealEvent.kind == "grade")).one()
    assert (ev.from_value, ev.to_value, ev.actor_id) == ("A", "B", "U0REP1") and "day-30" in ev.reason
