"""/deal list (what needs attention first), /deal <words> with a pick list, the card's facts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot import ids
from storage.models import Nudge
from tests.support.pipeline import BotDb, all_text, last_to

REP = "U0REP2"


@pytest.fixture
def db(bot):
    d = BotDb(bot)
    yield d
    d.close()


def test_list_puts_what_needs_attention_first(slack, sandbox, db):
    now = datetime.now(UTC)
    db.add_deal(owner_id=REP, account="Fresh Co", now=now)
    stalled = db.add_deal(owner_id=REP, account="Stalled Co", now=now - timedelta(days=40))
    db.add_deal(owner_id="U0REP1", account="Not Mine Co", now=now - timedelta(days=90))
    overdue = db.add_deal(owner_id=REP, account="Overdue Co", now=now - timedelta(days=3))
    with db.session() as s:
        s.add(
            Nudge(
                team_id="T0SANDBOX",
                deal_id=overdue.id,
                owner_id=REP,
                kind="followup_1",
                due_at=now,
                send_after=now - timedelta(days=3),
                status="sent",
                reminder_sent_at=now - timedelta(days=2),
                created_at=now,
            )
        )
        s.commit()
    reply = slack.command(REP, "/deal", "list")
    text = all_text(reply.json["blocks"])
    assert text.index("Overdue Co") < text.index("Stalled Co") < text.index("Fresh Co")
    assert "Not Mine Co" not in text and "follow-up overdue" in text and "stalled" in text
    # the card of the overdue deal lists its open reminder
    slack.click(REP, last_to(sandbox, REP), ids.ACT_DEAL_OPEN, value=str(overdue.id))
    card = all_text(last_to(sandbox, REP).blocks)
    assert "Open reminders: day-1 follow-up" in card
    assert stalled.id != overdue.id


def test_an_ambiguous_name_gives_a_pick_list(slack, sandbox, db):
    db.add_deal(owner_id=REP, account="Wenzhou Hotel", title="Boilers")
    port = db.add_deal(owner_id=REP, account="Wenzhou Port", title="Cranes", amount=5_000_000)
    reply = slack.command(REP, "/deal", "wenzhou")
    assert "Several deals match" in reply.json["text"]
    pick = last_to(sandbox, REP)
    slack.click(REP, pick, ids.ACT_DEAL_OPEN, value=str(port.id))
    card = next(m for m in sandbox.state.messages if m.ts == pick.ts)  # the pick list became the card
    text = all_text(card.blocks)
    # issue 11: no milestone met yet = below the funnel at 0% (it was the stage's 10%)
    assert "Wenzhou Port — Cranes" in text and "Stage 1/6" in text
    assert "¥5,000,000 · Below the funnel · 0% — no milestone met yet" in text
    assert "Missing: decision-maker, gatekeeper, user, coach" in text
    # the advance pick list opens the dialog of the chosen deal
    slack.command(REP, "/deal", "advance wenzhou")
    slack.click(REP, last_to(sandbox, REP), ids.ACT_ADVANCE_OPEN, value=str(port.id))
    assert "Wenzhou Port" in all_text(sandbox.state.open_modal(REP))


def test_card_in_chinese_and_people_warnings_after_a_forced_stage_2(slack, sandbox, db):
    deal = db.add_deal(
        owner_id="U0REP1",
        account="温州酒店",
        title="锅炉",
        amount=3_000_000,
        stage="influence",
        earned_rung="qualify",  # qualified, then forced past stage 2's milestone
    )
    slack.command("U0REP1", "/deal", "温州")
    text = all_text(last_to(sandbox, "U0REP1").blocks)
    # issue 11: forced past a milestone keeps the last one met in order (10%), not the stage's 45%
    assert "阶段 3/6" in text and "¥300万 × 10% = *¥30万* （完成客户评估并定级 A–D；风险评估通过）" in text
    assert "已过建立关系阶段仍没有教练" in text and "尚未见过关键决策者" in text
    assert deal.id


def test_card_check_in_button_opens_the_follow_ups_check_in_and_the_card_shows_the_next_step(
    slack, sandbox, bot, db
):
    bot.set_clock("2026-11-23T02:00:00Z")
    deal = db.add_deal(owner_id=REP, account="Check In Co")
    slack.command(REP, "/deal", "check in co")
    slack.click(REP, last_to(sandbox, REP), ids.ACT_CHECKIN_OPEN)
    modal = sandbox.state.open_modal(REP)
    assert modal is not None and modal["callback_id"] == ids.VIEW_CHECKIN
    reply = slack.submit(
        REP,
        {
            "done": "called the GM",
            "progress": "yes",
            "progress_text": "budget approved",
            "next_step": "site visit",
            "next_date": "2026-12-02",
        },
    )
    assert reply.status == 200
    assert db.deal(deal.id).next_step == "site visit"
    slack.command(REP, "/deal", "check in co")
    assert "Next step: site visit, 2 Dec 2026" in all_text(last_to(sandbox, REP).blocks)
