"""The other nudge kinds (SPEC §6): qualification incomplete, stall, milestone due, close date passed —
each sent when its reason holds, skipped at claim time when it went away."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot import ids
from bot.flows.hooks import emit
from storage.db import session_scope
from storage.models import Deal, Interview, Milestone
from tests.support.factories import hook_context
from tests.support.nudges import new_deal, nudge_dms, rows, start_world

T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)  # Mon 09:00 Shanghai (U0REP1)


@pytest.fixture
def world(make_bot, sandbox, db_url):
    bot, slack, engine = start_world(make_bot, sandbox, db_url, T0.replace(hour=0), users=("U0REP1",))
    yield bot, slack, engine
    engine.dispose()


def run_at(bot, at: str) -> dict:  # noqa: ANN001
    bot.set_clock(at)
    return bot.run_due()


def sent(sandbox, engine, kind: str) -> list:  # noqa: ANN001
    return [(n, m) for n, m in nudge_dms(sandbox, engine, "U0REP1") if n.kind == kind]


def test_qualification_incomplete_a_day_after_registration_unless_the_interview_finished(world, sandbox):
    bot, _, engine = world
    pending = new_deal(engine, owner_id="U0REP1", now=T0, interviewed=False, account="Not Asked")
    done = new_deal(engine, owner_id="U0REP1", now=T0, interviewed=False, account="Asked")
    with session_scope(engine) as s:  # what the interview does when it ends
        s.add(Interview(team_id="T0SANDBOX", deal_id=done, rep_id="U0REP1", status="done", started_at=T0,
                        finished_at=T0))  # fmt: skip
        emit(s, "interview_finished", s.get(Deal, done), hook_context(T0, "U0REP1"))
    # skipped in the same transaction, so no deal card or App Home lists a reminder that no longer applies
    assert [r.status for r in rows(engine, deal_id=done, kind="qualification_incomplete")] == ["skipped"]
    assert [r.status for r in rows(engine, deal_id=pending, kind="qualification_incomplete")] == ["pending"]
    run_at(bot, "2026-11-03T01:00:00Z")
    ((n, msg),) = sent(sandbox, engine, "qualification_incomplete")
    assert (
        n.deal_id == pending
        and ids.ACT_QUALIFY_START in str(msg.blocks)
        and "客户审核" in msg.blocks[0]["text"]["text"]
    )
    skipped = rows(engine, deal_id=done, kind="qualification_incomplete")[0]
    assert (skipped.status, skipped.reason) == ("skipped", "interview_finished")


def test_stall_after_the_stage_duration_and_replanned_when_the_stage_changes(world, sandbox):
    bot, _, engine = world
    stuck = new_deal(engine, owner_id="U0REP1", now=T0, account="Stuck")
    moved = new_deal(engine, owner_id="U0REP1", now=T0, account="Moved")
    moved_at = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)
    with session_scope(engine) as s:  # what the pipeline's advance does
        d = s.get(Deal, moved)
        d.stage, d.stage_entered_at = "relationships", moved_at
        emit(
            s,
            "stage_changed",
            d,
            hook_context(moved_at, "U0REP1"),
            from_stage="qualify",
            to_stage="relationships",
        )
    run_at(bot, "2026-11-16T01:00:00Z")  # 14 days (the qualify stage's duration) after T0
    stalls = sent(sandbox, engine, "stall")
    assert [n.deal_id for n, _ in stalls] == [stuck]
    assert ids.ACT_MILESTONE_OPEN in str(stalls[0][1].blocks)
    old, new = rows(engine, deal_id=moved, kind="stall")
    assert (old.status, old.reason) == ("skipped", "stage_changed")
    assert new.status == "pending" and new.due_at == datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # +14 days


def test_milestone_due_and_close_date_passed(world, sandbox):
    bot, _, engine = world
    tender = new_deal(engine, owner_id="U0REP1", now=T0, account="Tender Co", tender_date=date(2026, 11, 12))
    recorded = new_deal(
        engine, owner_id="U0REP1", now=T0, account="Recorded Co", tender_date=date(2026, 11, 12)
    )
    late = new_deal(engine, owner_id="U0REP1", now=T0, account="Late Co", expected_close=date(2026, 11, 4))
    with session_scope(engine) as s:
        s.add(Milestone(team_id="T0SANDBOX", deal_id=recorded, stage="qualify", what="graded B", met_on=T0.date(),
                        recorded_by="U0REP1", recorded_at=T0))  # fmt: skip
    run_at(bot, "2026-11-04T01:00:00Z")  # Wed: not yet 7 days before the tender, close date is today
    assert sent(sandbox, engine, "milestone_due") == [] and sent(sandbox, engine, "close_date_passed") == []
    run_at(bot, "2026-11-05T01:00:00Z")  # Thu 09:00: the tender is 7 days away; the close date passed
    ((n, msg),) = sent(sandbox, engine, "milestone_due")
    assert n.deal_id == tender and "投标日期" in msg.blocks[0]["text"]["text"]
    assert rows(engine, deal_id=recorded, kind="milestone_due")[0].reason == "milestone_recorded"
    ((n, msg),) = sent(sandbox, engine, "close_date_passed")
    assert n.deal_id == late and "2026年11月4日" in msg.blocks[0]["text"]["text"]
    with session_scope(engine) as s:  # the rep moves the date: the open nudge is answered, a new one planned
        d = s.get(Deal, late)
        d.expected_close = date(2027, 1, 15)
        emit(s, "dates_changed", d, hook_context(datetime(2026, 11, 5, 2, 0, tzinfo=UTC), "U0REP1"))
    old, new = rows(engine, deal_id=late, kind="close_date_passed")
    assert old.status == "answered" and new.status == "pending" and new.cycle == 20270115
