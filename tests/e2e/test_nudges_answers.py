"""Answering nudges and what they skip or fail: day-30 decisions, /deal checkin, closed deals,
unreachable users, poisoned rows, Slack errors, the operator command, replayed events."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot import ids
from bot.flows.hooks import emit
from storage.db import session_scope
from storage.models import Deal, DealEvent, Nudge
from tests.support.bot import bot_env, run_cli
from tests.support.factories import hook_context
from tests.support.nudges import deal, new_deal, nudge_dms, rows, start_world

T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)  # Mon 09:00 Shanghai, Sun 20:00 New York
DAY1_NY = "2026-11-03T15:00:00Z"  # Tue 10:00 New York (23:00 in Shanghai: quiet there)


@pytest.fixture
def world(make_bot, sandbox, db_url):
    bot, slack, engine = start_world(make_bot, sandbox, db_url, T0.replace(hour=0))
    yield bot, slack, engine
    engine.dispose()


def run_at(bot, at: str) -> dict:  # noqa: ANN001
    bot.set_clock(at)
    return bot.run_due()


def test_day_30_recommends_drop_without_progress_and_keep_starts_a_new_cycle(world, sandbox):
    bot, slack, engine = world
    deal_id = new_deal(engine, owner_id="U0REP2", now=T0, grade="B")
    run_at(bot, "2026-12-02T15:00:00Z")  # day 30 (day 1 and 15 went out too, unanswered)
    n30, msg = next((n, m) for n, m in nudge_dms(sandbox, engine, "U0REP2") if n.kind == "followup_30")
    shown = str(msg.blocks)
    assert "recommendation: *drop*" in shown and ids.ACT_DROP_OPEN in shown and ids.ACT_NUDGE_KEEP in shown
    assert slack.click("U0REP2", msg, ids.ACT_NUDGE_KEEP).status == 200
    d = deal(engine, deal_id)
    assert d.followup_cycle == 1 and d.followup_t0 > T0
    assert rows(engine, deal_id=deal_id, kind="followup_30", cycle=0)[0].answered_at is not None
    assert {n.kind for n in rows(engine, deal_id=deal_id, cycle=1)} == {
        "followup_1",
        "followup_15",
        "followup_30",
    }
    updated = next(m for m in sandbox.state.dm("U0REP2") if m.ts == msg.ts)
    assert updated.text.startswith("✓ Kept") and not any(b["type"] == "actions" for b in updated.blocks)


def test_day_30_downgrade_lowers_the_grade_with_its_cause_and_keeps_it_in_the_funnel(world, sandbox):
    bot, slack, engine = world
    deal_id = new_deal(engine, owner_id="U0REP1", now=T0, grade="A")
    run_at(bot, "2026-11-03T01:00:00Z")  # day 1: check in with progress
    _, day1 = nudge_dms(sandbox, engine, "U0REP1")[0]
    slack.click("U0REP1", day1, ids.ACT_CHECKIN_OPEN)
    slack.submit("U0REP1", {"done": "Demo for the owner", "progress": "yes", "progress_text": "Shortlisted"})
    run_at(bot, "2026-12-02T01:00:00Z")
    _, msg = next((n, m) for n, m in nudge_dms(sandbox, engine, "U0REP1") if n.kind == "followup_30")
    assert "建议：*保持*" in str(msg.blocks)  # progress was recorded: keep
    assert slack.click("U0REP1", msg, ids.ACT_NUDGE_DOWNGRADE).status == 200
    d = deal(engine, deal_id)
    assert (d.grade, d.contact_level, d.followup_cycle) == ("B", "normal", 1)  # issue 11: stays in the funnel
    with session_scope(engine) as s:
        ev = s.exec(select(DealEvent).where(DealEvent.deal_id == deal_id, DealEvent.kind == "grade")).one()
    assert (ev.from_value, ev.to_value, ev.actor_id) == ("A", "B", "U0REP1") and "day-30" in ev.reason
    assert next(m for m in sandbox.state.dm("U0REP1") if m.ts == msg.ts).text.startswith("✓ 已降级")


def test_deal_checkin_command_opens_the_modal_and_refuses_bad_input_kindly(world, sandbox):
    _, slack, engine = world
    deal_id = new_deal(engine, owner_id="U0REP2", now=T0, account="Boston Harbor")
    assert "Which deal?" in slack.command("U0REP2", "/deal", "checkin").json["text"]
    assert (
        slack.command("U0REP2", "/deal", "checkin Nowhere Inc")
        .json["text"]
        .startswith("I couldn't find that")
    )
    assert (
        slack.command("U0REP1", "/deal", "checkin Boston").json["text"].startswith("没有找到")
    )  # not theirs
    slack.command("U0REP2", "/deal", "checkin boston")
    modal = sandbox.state.open_modal("U0REP2")
    assert modal["callback_id"] == ids.VIEW_CHECKIN and "Boston Harbor" in str(modal["blocks"])
    reply = slack.submit("U0REP2", {"done": "  ", "next_date": "2026-10-01"})
    assert set(reply.json["errors"]) == {"done", "next_date"}
    assert "Tell me what was done" in reply.json["errors"]["done"]
    assert sandbox.state.open_modal("U0REP2") is not None  # still open, nothing stored
    reply = slack.submit("U0REP2", {"done": "Called the buyer", "progress": "no", "next_step": "Site visit",
                                    "next_date": "2026-11-20"})  # fmt: skip
    assert reply.status == 200 and sandbox.state.open_modal("U0REP2") is None
    d = deal(engine, deal_id)
    assert (d.next_step, str(d.next_step_date)) == ("Site visit", "2026-11-20")
    assert sandbox.state.dm("U0REP2")[-1].text.startswith("✓ Check-in saved")


def test_a_deal_closed_before_its_nudge_is_skipped(world, sandbox):
    bot, _, engine = world
    won = new_deal(engine, owner_id="U0REP2", now=T0, account="Closed Co")
    live = new_deal(engine, owner_id="U0REP2", now=T0, account="Live Co")
    with session_scope(engine) as s:  # what the pipeline's "won" does
        d = s.get(Deal, won)
        d.status, d.closed_at = "won", T0
        emit(s, "status_changed", d, hook_context(T0, "U0REP2"))
    run_at(bot, DAY1_NY)
    assert [n.deal_id for n, _ in nudge_dms(sandbox, engine, "U0REP2")] == [live]
    skipped = rows(engine, deal_id=won, kind="followup_1")[0]
    assert (skipped.status, skipped.reason, skipped.slack_ts) == ("skipped", "deal_won", None)


def test_unreachable_user_fails_with_the_reason_and_others_still_get_theirs(world, sandbox):
    bot, _, engine = world
    gone = new_deal(engine, owner_id="U0REP2", now=T0)
    ok = new_deal(engine, owner_id="U0REP1", now=T0)
    sandbox.state.unreachable_users.add("U0REP2")
    run_at(bot, "2026-11-03T01:00:00Z")  # Tue 09:00 Shanghai
    run_at(bot, DAY1_NY)  # Tue 10:00 New York
    row = rows(engine, deal_id=gone, kind="followup_1")[0]
    assert (row.status, row.reason, row.sent_at) == ("failed", "user_disabled", None)
    assert rows(engine, deal_id=ok, kind="followup_1")[0].status == "sent"
    run_at(bot, "2026-11-05T15:00:00Z")
    assert rows(engine, deal_id=gone, kind="followup_1")[0].status == "failed"  # never retried


def test_a_poisoned_row_and_slack_errors_never_stop_the_sweep(world, sandbox):
    bot, _, engine = world
    ids_ = [new_deal(engine, owner_id="U0REP2", now=T0, account=f"Co {i}") for i in range(4)]
    with session_scope(engine) as s:  # a row no code knows how to send
        s.add(Nudge(team_id="T0SANDBOX", deal_id=ids_[0], owner_id="U0REP2", kind="bogus", cycle=0,
                    due_at=T0, send_after=T0, available_at=T0, created_at=T0))  # fmt: skip
    sandbox.inject("chat.postMessage", 429, retry_after=1, times=1)  # waited out in the same run
    sandbox.inject("chat.postMessage", 503, times=1, every=3)  # one 5xx: retried later with backoff
    result = run_at(bot, DAY1_NY)["jobs"]["nudges"]
    assert result.get("failed") == 1 and result.get("retry") == 1 and result.get("sent") == 3
    bogus = rows(engine, kind="bogus")[0]
    assert bogus.status == "failed" and "bogus" in bogus.reason
    retried = [n for n in rows(engine, kind="followup_1") if n.status == "pending"]
    assert len(retried) == 1 and retried[0].attempts == 1 and "503" in retried[0].reason
    run_at(bot, "2026-11-03T15:10:00Z")  # after the backoff: reconciled (not there), then sent once
    assert sorted(n.status for n in rows(engine, kind="followup_1")) == ["sent"] * 4
    assert len(nudge_dms(sandbox, engine, "U0REP2")) == 4
    assert len(sandbox.state.calls_to("conversations.history")) == 1


def test_replayed_created_events_never_double_a_nudge(world):
    _, _, engine = world
    deal_id = new_deal(engine, owner_id="U0REP1", now=T0, expected_close=datetime(2027, 3, 31).date())
    for _ in range(3):
        with session_scope(engine) as s:
            emit(s, "created", s.get(Deal, deal_id), hook_context(T0, "U0REP1"))
    kinds = sorted(n.kind for n in rows(engine, deal_id=deal_id))
    assert kinds == sorted(["followup_1", "followup_15", "followup_30", "qualification_incomplete", "stall",
                            "close_date_passed"])  # fmt: skip


def test_operator_command_runs_the_same_sweep_once_per_instant(make_bot, sandbox, db_url):
    bot, _, engine = start_world(make_bot, sandbox, db_url, T0.replace(hour=0))
    new_deal(engine, owner_id="U0REP1", now=T0)
    env = bot_env(sandbox, db_url)
    env.pop("DEALBOT_DEV_CLOCK")
    early = run_cli("jobs", "run-due", "--at", "2026-11-02T20:00:00Z", env=env)  # Tue 04:00 Shanghai
    assert early.returncode == 0, early.stderr
    assert len(nudge_dms(sandbox, engine, "U0REP1")) == 0
    for _ in range(2):
        done = run_cli("jobs", "run-due", "--at", "2026-11-03T02:00:00+00:00", env=env)
        assert done.returncode == 0, done.stderr
    assert "nudges:" in done.stdout
    assert [n.kind for n, _ in nudge_dms(sandbox, engine, "U0REP1")] == ["followup_1"]
    row = rows(engine, kind="followup_1")[0]
    assert row.sent_at == datetime(2026, 11, 3, 2, 0, tzinfo=UTC)  # the --at instant is "now"
    engine.dispose()


def test_day_30_drop_opens_the_pipelines_dialog_and_closes_the_nudge(world, sandbox):
    bot, slack, engine = world
    deal_id = new_deal(engine, owner_id="U0REP2", now=T0, account="Going Nowhere")
    run_at(bot, "2026-12-02T15:00:00Z")
    _, msg = next((n, m) for n, m in nudge_dms(sandbox, engine, "U0REP2") if n.kind == "followup_30")
    assert slack.click("U0REP2", msg, ids.ACT_DROP_OPEN).status == 200
    modal = sandbox.state.open_modal("U0REP2")
    assert modal["callback_id"] == ids.VIEW_DROP
    assert slack.submit("U0REP2", {"reason": "No budget this year"}).status == 200
    assert deal(engine, deal_id).status == "dropped"
    n30 = rows(engine, deal_id=deal_id, kind="followup_30")[0]
    assert n30.status == "answered" and n30.answered_at is not None  # the drop answered it: never overdue
    run_at(bot, "2026-12-03T15:00:00Z")  # no reminder for a dropped deal
    assert len([n for n, _ in nudge_dms(sandbox, engine, "U0REP2") if n.kind == "followup_30"]) == 1
