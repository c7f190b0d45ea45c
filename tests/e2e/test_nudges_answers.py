"""Answering nudges through Slack and what the sweep fails on: the DM buttons (check-in, day-30 keep,
downgrade, drop), /deal checkin, unreachable users, poisoned rows, Slack errors, the operator command.
The rules behind them (recommendation, new cycle, skipped when closed, replayed events): tests/flows."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot import ids
from storage.db import session_scope
from storage.models import DealEvent, Nudge
from tests.support.bot import bot_env, run_cli
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


def test_day_30_buttons_and_a_check_in_from_the_dm_settle_their_messages(world, sandbox):
    """The buttons of the nudge DMs go the real way (the rules of each act: tests/flows)."""
    bot, slack, engine = world
    deal_id = new_deal(engine, owner_id="U0REP1", now=T0, grade="A")
    kept_id = new_deal(engine, owner_id="U0REP2", now=T0, grade="B")
    run_at(bot, "2026-11-03T01:00:00Z")  # day 1: check in with progress, through the button and the modal
    _, day1 = nudge_dms(sandbox, engine, "U0REP1")[0]
    reply = slack.click("U0REP1", day1, ids.ACT_CHECKIN_OPEN)
    modal = sandbox.state.open_modal("U0REP1")
    assert modal and modal["callback_id"] == ids.VIEW_CHECKIN, (reply, sandbox.state.calls[-3:])
    reply = slack.submit(
        "U0REP1", {"done": "Demo for the owner", "progress": "yes", "progress_text": "Shortlisted"}
    )
    assert reply.status == 200 and not (reply.json or {}).get("errors")
    # the check-in is stored and closed its nudge; the message was updated in place
    row = rows(engine, deal_id=deal_id, kind="followup_1")[0]
    assert row.status == "answered" and row.answered_at is not None and row.reminder_sent_at is None
    msg = next(m for n, m in nudge_dms(sandbox, engine, "U0REP1") if n.kind == "followup_1")
    assert msg.edited and "已跟进" in msg.text and not any(b["type"] == "actions" for b in msg.blocks)
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
    run_at(bot, "2026-12-02T15:00:00Z")  # day 30 in New York: keep
    _, msg = next((n, m) for n, m in nudge_dms(sandbox, engine, "U0REP2") if n.kind == "followup_30")
    assert slack.click("U0REP2", msg, ids.ACT_NUDGE_KEEP).status == 200
    d = deal(engine, kept_id)
    assert d.followup_cycle == 1 and d.followup_t0 > T0
    updated = next(m for m in sandbox.state.dm("U0REP2") if m.ts == msg.ts)
    assert updated.text.startswith("✓ Kept") and not any(b["type"] == "actions" for b in updated.blocks)


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
