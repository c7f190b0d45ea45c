"""Nothing falls asleep; where is the customer (issue 11, acceptance bullet 5) — through the sandbox over
signed HTTP: a held deal wakes on its new date; day 30 after a stage change but no check-in recommends
keep and says why; a downgrade survives a regrade with no new data; "won" from stage 3 needs a reason
and flags it; a customer's buying step ahead of ours is flagged with the milestones we have not met."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from bot import ids
from bot.flows import hooks
from bot.flows.qualification.grading import regrade
from storage.db import session_scope
from storage.models import Deal, Nudge, RedFlag
from storage.repo import interviews as iv_repo
from tests.support.factories import hook_context, make_deal
from tests.support.nudges import deal, new_deal, nudge_dms, rows, start_world
from tests.support.pipeline import all_text, last_to
from tests.support.waits import wait_for

T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)  # Mon 09:00 Shanghai, Sun 20:00 New York
REP = "U0REP2"  # New York, English
STRONG = {"icp_fit": "yes", "meets_needs": "yes", "budget_realistic": "realistic", "credit": "good",
          "edge_product": "ahead", "edge_price": "equal", "edge_service": "ahead", "relationship": "good",
          "entry_timing": "start", "further_business": "yes", "hard_constraint": "no"}  # fmt: skip


@pytest.fixture
def world(make_bot, sandbox, db_url):
    bot, slack, engine = start_world(make_bot, sandbox, db_url, T0.replace(hour=0))
    yield bot, slack, engine
    engine.dispose()


def run_at(bot, at: str) -> dict:  # noqa: ANN001
    bot.set_clock(at)
    return bot.run_due()


def dms_of(sandbox, engine, kind: str) -> list:  # noqa: ANN001
    return [(n, m) for n, m in nudge_dms(sandbox, engine, REP) if n.kind == kind]


def buttons(msg) -> list[str]:  # noqa: ANN001
    return [e["action_id"] for b in msg.blocks if b["type"] == "actions" for e in b["elements"]]


def test_a_held_deal_wakes_on_its_new_date_and_can_be_held_again_or_resumed(world, sandbox):
    bot, slack, engine = world
    deal_id = new_deal(engine, owner_id=REP, now=T0, account="Harbor Cranes")
    bot.set_clock("2026-11-02T15:00:00Z")
    slack.command(REP, "/deal", "hold harbor")
    assert slack.submit(REP, {"expected_close": "2027-01-15", "note": "Budget frozen"}).status == 200
    assert deal(engine, deal_id).status == "on_hold"

    run_at(bot, "2027-01-14T15:00:00Z")  # the day before: nothing wakes, and nothing else nags
    assert nudge_dms(sandbox, engine, REP) == []
    run_at(bot, "2027-01-15T15:00:00Z")  # Fri 10:00 New York, the new expected date
    ((wake, msg),) = dms_of(sandbox, engine, "hold_wake")
    assert (wake.cycle, wake.status) == (1, "sent")
    assert "*Back from hold* — Harbor Cranes — Boilers was put on hold until 15 Jan 2027" in all_text(
        msg.blocks
    )
    assert buttons(msg)[:4] == [ids.ACT_NUDGE_RESUME, ids.ACT_HOLD_OPEN, ids.ACT_LOST_OPEN, ids.ACT_DROP_OPEN]

    assert slack.click(REP, msg, ids.ACT_HOLD_OPEN).status == 200  # still on hold, to a new date
    assert sandbox.state.open_modal(REP)["callback_id"] == ids.VIEW_HOLD
    assert (
        slack.submit(REP, {"expected_close": "2027-03-01", "note": "Board meets in February"}).status == 200
    )
    d = deal(engine, deal_id)
    assert (d.status, d.expected_close) == ("on_hold", date(2027, 3, 1))
    first, second = rows(engine, deal_id=deal_id, kind="hold_wake")
    assert first.status == "answered" and (second.cycle, second.status) == (2, "pending")

    run_at(bot, "2027-03-01T15:00:00Z")
    _, again = dms_of(sandbox, engine, "hold_wake")[-1]
    assert slack.click(REP, again, ids.ACT_NUDGE_RESUME).status == 200
    d = deal(engine, deal_id)
    assert (d.status, d.followup_cycle) == ("open", 1)
    assert rows(engine, deal_id=deal_id, kind="hold_wake")[-1].status == "answered"
    assert {n.kind for n in rows(engine, deal_id=deal_id, cycle=1, status="pending")} >= {"followup_1"}
    updated = next(m for m in sandbox.state.dm(REP) if m.ts == again.ts)
    assert updated.text.startswith("✓ Resumed") and ids.ACT_NUDGE_RESUME not in str(updated.blocks)
    # issue 17: who answered and when, in Slack's date token with the rep's local time as its text
    assert "Answered by <@U0REP2>, <!date^" in all_text(updated.blocks) and "1 Mar 2027 10:00>" in all_text(
        updated.blocks
    )


def test_day_30_after_a_stage_change_but_no_check_in_recommends_keep_and_says_why(world, sandbox):
    bot, slack, engine = world
    deal_id = new_deal(engine, owner_id=REP, now=T0, account="Moved On Co")
    bot.set_clock("2026-11-03T15:00:00Z")
    slack.command(REP, "/deal", "advance moved on")
    assert slack.submit(REP, {"force_reason": "The customer asked for a site visit"}).status == 200
    assert deal(engine, deal_id).stage == "relationships"

    run_at(bot, "2026-12-02T15:00:00Z")  # day 30 (day 1 and 15 went out unanswered: no check-in)
    ((_, msg),) = dms_of(sandbox, engine, "followup_30")
    shown = all_text(msg.blocks)
    assert "My recommendation: *keep* — since day 1 (1 Nov 2026): 1 stage change(s)." in shown
    assert (
        "I looked at check-ins with progress, milestones and checkpoints, stage changes and people added"
        in shown
    )
    assert buttons(msg)[:4] == [
        ids.ACT_NUDGE_KEEP,
        ids.ACT_NUDGE_DOWNGRADE,
        ids.ACT_NUDGE_LOWER,
        ids.ACT_DROP_OPEN,
    ]
    keep = next(e for b in msg.blocks if b["type"] == "actions" for e in b["elements"]
                if e["action_id"] == ids.ACT_NUDGE_KEEP)  # fmt: skip
    assert keep.get("style") == "primary"


def _graded_deal(engine) -> int:  # noqa: ANN001
    """A registered deal with a finished interview graded A (19/20, closing within three months)."""
    with session_scope(engine) as s:
        d = make_deal(s, owner_id=REP, now=T0, account="Held Grade Co", expected_close=date(2027, 1, 31))
        iv = iv_repo.create_interview(s, team_id=d.team_id, deal_id=d.id, rep_id=REP, now=T0,
                                      question_set="default")  # fmt: skip
        for key, value in STRONG.items():
            iv_repo.add_answer(s, interview=iv, key=key, value=value, skipped=False, by=REP, at=T0)
        iv.status = "done"
        s.add(iv)
        regrade(s, d, hook_context(T0, REP), cause="interview finished")
        hooks.emit(s, "created", d, hook_context(T0, REP))
        return d.id


def test_a_downgrade_survives_a_regrade_with_no_new_data_and_the_card_says_why(world, sandbox):
    bot, slack, engine = world
    deal_id = _graded_deal(engine)
    assert deal(engine, deal_id).grade == "A"
    run_at(bot, "2026-12-02T15:00:00Z")
    ((_, msg),) = dms_of(sandbox, engine, "followup_30")
    assert slack.click(REP, msg, ids.ACT_NUDGE_DOWNGRADE).status == 200
    d = deal(engine, deal_id)
    assert (d.grade, d.contact_level, d.followup_cycle) == (
        "B",
        "normal",
        1,
    )  # one lower, still in the funnel

    later = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)
    with session_scope(engine) as s:  # a regrade with no new data (same answers, same expected close)
        held = s.get(Deal, deal_id)
        hooks.emit(s, "dates_changed", held, hook_context(later, REP), fields=["expected_close"])
        regrade(s, held, hook_context(later, REP), cause="interview finished again")
    assert deal(engine, deal_id).grade == "B"

    slack.command(REP, "/deal", "held grade")
    card = all_text(last_to(sandbox, REP).blocks)
    assert "*Grade B* · 19/20" in card
    assert (
        "Lowered by the rep at the day-30 review on 2 Dec 2026; held until the score or the expected close"
        in card
    )


def test_won_from_stage_3_needs_a_reason_and_flags_it(world, sandbox):
    bot, slack, engine = world
    with session_scope(engine) as s:
        deal_id = make_deal(s, owner_id=REP, now=T0, account="Early Pay Co", stage="influence").id
    bot.set_clock("2026-11-03T15:00:00Z")
    slack.command(REP, "/deal", "won early pay")
    modal = sandbox.state.open_modal(REP)
    assert modal["callback_id"] == ids.VIEW_WON and "force_reason" in [
        b.get("block_id") for b in modal["blocks"]
    ]
    reply = slack.submit(REP, {"amount": "1,000,000", "paid_on": "2026-11-03"})
    assert reply.json["response_action"] == "errors"
    assert (
        "only at Shape the criteria: marking it won skips milestones" in reply.json["errors"]["force_reason"]
    )
    assert deal(engine, deal_id).status == "open"

    reason = "Framework order paid up front"
    reply = slack.submit(REP, {"amount": "1,000,000", "paid_on": "2026-11-03", "force_reason": reason})
    assert reply.status == 200
    assert deal(engine, deal_id).status == "won"
    with session_scope(engine) as s:
        (flag,) = s.exec(select(RedFlag).where(RedFlag.deal_id == deal_id)).all()
        assert (flag.kind, flag.reason) == ("forced_advance", reason)
    assert f"Forced past a milestone: {reason}" in all_text(last_to(sandbox, REP).blocks)


def test_a_customer_step_ahead_of_ours_is_flagged_with_the_missing_milestones(world, sandbox):
    bot, slack, engine = world
    with session_scope(engine) as s:
        d = make_deal(s, owner_id=REP, now=T0, account="Ningxia Meters", stage="relationships", grade="B")
        deal_id, version = d.id, d.version
    bot.set_clock("2026-11-03T15:00:00Z")
    slack.command(REP, "/deal", "ningxia")
    card = last_to(sandbox, REP)
    shown = all_text(card.blocks)
    assert "Customer's buying step:* not recorded yet" in shown
    assert (
        "*To do in Map roles, build relationships:*\n☐ Find a coach\n☐ Map the buying organisation" in shown
    )

    choice = f"influence:{deal_id}:{version}"
    assert slack.click(REP, card, ids.ACT_CUSTOMER_STEP, selected=choice).status == 200
    assert deal(engine, deal_id).customer_step == "influence"
    ahead = (
        "The customer is already at _Purchasing criteria set_, ahead of us (stage 2). "
        "Not met: we have no coach; we have not met the key decision-maker."
    )
    card = wait_for(lambda: ahead in all_text(last_to(sandbox, REP).blocks) and last_to(sandbox, REP),
                    what="the card with the customer ahead")  # fmt: skip
    assert "*Customer's buying step:* 3. Purchasing criteria set" in all_text(card.blocks)

    slack.open_home(REP)
    home = all_text(sandbox.state.home_view(REP))
    assert "The customer is ahead of us" in home and ahead in home

    before = len(sandbox.state.ephemerals(REP))
    assert slack.command(REP, "/funnel", "").status == 200
    shown = wait_for(
        lambda: [m for m in sandbox.state.ephemerals(REP)[before:] if m.source == "response_url"],
        what="the funnel after the ack",
    )
    funnel = all_text(shown[-1].blocks)
    assert "Customer ahead of our stage (1): Ningxia Meters — Boilers" in funnel
    assert "the customer is at Purchasing criteria set; not met: we have no coach; we have not met" in funnel


def test_nothing_else_nags_a_held_deal(world, sandbox):
    bot, _, engine = world
    deal_id = new_deal(engine, owner_id=REP, now=T0, account="Quiet Co", expected_close=date(2026, 11, 20))
    with session_scope(engine) as s:
        from bot.flows.pipeline import outcomes
        from bot.flows.team.users import Actor

        actor = Actor(team_id="T0SANDBOX", user_id=REP, locale="en", tz="America/New_York")
        ctx = hook_context(T0, REP)
        outcomes.put_on_hold(s, actor, deal_id, version=None, now=T0, today=T0.date(), new_close=date(2027, 2, 1),
                             note=None, settings=ctx.settings, process=ctx.process)  # fmt: skip
    run_at(bot, "2026-12-30T15:00:00Z")
    assert nudge_dms(sandbox, engine, REP) == []
    with session_scope(engine) as s:
        pending = s.exec(select(Nudge).where(Nudge.deal_id == deal_id, Nudge.status == "pending")).all()
        assert [n.kind for n in pending] == ["hold_wake"]
