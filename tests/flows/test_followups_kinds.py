"""The other nudge kinds (SPEC §6): qualification incomplete, stall, milestone due, close date passed —
each sent when its reason holds, skipped at claim time when it went away (the sweep, DMs recorded)."""

from __future__ import annotations

from datetime import date

import pytest

from bot import ids
from storage.models import Deal, Interview, Milestone
from tests.support.factories import T0  # Mon 2 Nov 2026, 09:00 Shanghai (U0REP1)
from tests.support.flows import sent, utc


@pytest.fixture
def rep1(world):
    world.meet("U0REP1", now=T0.replace(hour=0))
    return world


def test_qualification_incomplete_a_day_after_registration_unless_the_interview_finished(rep1):
    world = rep1
    pending = world.new_deal(owner_id="U0REP1", now=T0, interviewed=False, account="Not Asked")
    done = world.new_deal(owner_id="U0REP1", now=T0, interviewed=False, account="Asked")
    with world.session() as s:  # what the interview does when it ends
        s.add(Interview(team_id="T0SANDBOX", deal_id=done, rep_id="U0REP1", status="done", started_at=T0,
                        finished_at=T0))  # fmt: skip
        world.emit(s, "interview_finished", s.get(Deal, done), now=T0, actor_id="U0REP1")
    # skipped in the same transaction, so no deal card or App Home lists a reminder that no longer applies
    assert [r.status for r in world.nudges(deal_id=done, kind="qualification_incomplete")] == ["skipped"]
    assert [r.status for r in world.nudges(deal_id=pending, kind="qualification_incomplete")] == ["pending"]
    world.run_sweep(utc(2026, 11, 3, 1))
    ((n, msg),) = sent(world, "U0REP1", "qualification_incomplete")
    assert (
        n.deal_id == pending
        and ids.ACT_QUALIFY_START in str(msg.blocks)
        and "客户审核" in msg.blocks[0]["text"]["text"]
    )
    skipped = world.nudges(deal_id=done, kind="qualification_incomplete")[0]
    assert (skipped.status, skipped.reason) == ("skipped", "interview_finished")


def test_stall_after_the_stage_duration_and_replanned_when_the_stage_changes(rep1):
    world = rep1
    stuck = world.new_deal(owner_id="U0REP1", now=T0, account="Stuck")
    moved = world.new_deal(owner_id="U0REP1", now=T0, account="Moved")
    moved_at = utc(2026, 11, 10, 2)
    with world.session() as s:  # what the pipeline's advance does
        d = s.get(Deal, moved)
        d.stage, d.stage_entered_at = "relationships", moved_at
        world.emit(s, "stage_changed", d, now=moved_at, actor_id="U0REP1", from_stage="qualify",
                   to_stage="relationships")  # fmt: skip
    world.run_sweep(utc(2026, 11, 16, 1))  # 14 days (the qualify stage's duration) after T0
    stalls = sent(world, "U0REP1", "stall")
    assert [n.deal_id for n, _ in stalls] == [stuck]
    assert ids.ACT_MILESTONE_OPEN in str(stalls[0][1].blocks)
    old, new = world.nudges(deal_id=moved, kind="stall")
    assert (old.status, old.reason) == ("skipped", "stage_changed")
    assert new.status == "pending" and new.due_at == utc(2026, 11, 24, 2)  # +14 days


def test_milestone_due_and_close_date_passed(rep1):
    world = rep1
    tender = world.new_deal(owner_id="U0REP1", now=T0, account="Tender Co", tender_date=date(2026, 11, 12))
    recorded = world.new_deal(
        owner_id="U0REP1", now=T0, account="Recorded Co", tender_date=date(2026, 11, 12)
    )
    late = world.new_deal(owner_id="U0REP1", now=T0, account="Late Co", expected_close=date(2026, 11, 4))
    with world.session() as s:
        s.add(Milestone(team_id="T0SANDBOX", deal_id=recorded, stage="qualify", what="graded B", met_on=T0.date(),
                        recorded_by="U0REP1", recorded_at=T0))  # fmt: skip
    world.run_sweep(utc(2026, 11, 4, 1))  # Wed: not yet 7 days before the tender, close date is today
    assert sent(world, "U0REP1", "milestone_due") == [] and sent(world, "U0REP1", "close_date_passed") == []
    world.run_sweep(utc(2026, 11, 5, 1))  # Thu 09:00: the tender is 7 days away; the close date passed
    ((n, msg),) = sent(world, "U0REP1", "milestone_due")
    assert n.deal_id == tender and "投标日期" in msg.blocks[0]["text"]["text"]
    assert world.nudges(deal_id=recorded, kind="milestone_due")[0].reason == "milestone_recorded"
    ((n, msg),) = sent(world, "U0REP1", "close_date_passed")
    assert n.deal_id == late and "2026年11月4日" in msg.blocks[0]["text"]["text"]
    with world.session() as s:  # the rep moves the date: the open nudge is answered, a new one planned
        d = s.get(Deal, late)
        d.expected_close = date(2027, 1, 15)
        world.emit(s, "dates_changed", d, now=utc(2026, 11, 5, 2), actor_id="U0REP1")
    old, new = world.nudges(deal_id=late, kind="close_date_passed")
    assert old.status == "answered" and new.status == "pending" and new.cycle == 20270115
