"""Where deals stand: "my deals" ordered by what needs attention, the card's facts and its warnings
about people past the relationship gate (SPEC §2, §4)."""

from __future__ import annotations

from datetime import timedelta

from bot.blocks.deal_card import deal_card_message
from bot.blocks.deal_list import deal_list_message
from bot.i18n.glossary import punctuation_problems
from storage.models import Nudge
from tests.support.factories import make_deal
from tests.support.flows import utc
from tests.support.pipeline import all_text

REP = "U0REP2"
NOW = utc(2026, 11, 23, 2)


def test_list_puts_what_needs_attention_first(world):
    with world.session() as s:
        rep = world.actor(s, REP, now=NOW)
        fresh = make_deal(s, owner_id=REP, account="Fresh Co", now=NOW)
        stalled = make_deal(s, owner_id=REP, account="Stalled Co", now=NOW - timedelta(days=40))
        make_deal(s, owner_id="U0REP1", account="Not Mine Co", now=NOW - timedelta(days=90))
        overdue = make_deal(s, owner_id=REP, account="Overdue Co", now=NOW - timedelta(days=3))
        s.add(Nudge(team_id="T0SANDBOX", deal_id=overdue.id, owner_id=REP, kind="followup_1", due_at=NOW,
                    send_after=NOW - timedelta(days=3), status="sent", reminder_sent_at=NOW - timedelta(days=2),
                    created_at=NOW))  # fmt: skip
    with world.session() as s:
        mine = world.my_deals(s, rep, now=NOW)
        text = all_text(deal_list_message(mine, rep.locale)["blocks"])
        card = all_text(deal_card_message(world.card(s, rep, overdue.id, now=NOW), rep.locale)["blocks"])
    assert text.index("Overdue Co") < text.index("Stalled Co") < text.index("Fresh Co")
    assert "Not Mine Co" not in text and "follow-up overdue" in text and "stalled" in text
    assert [(x.id, x.attention) for x in mine] == [
        (overdue.id, ("overdue",)),
        (stalled.id, ("stalled",)),
        (fresh.id, ()),
    ]
    # the card of the overdue deal lists its open reminder
    assert "Open reminders: day-1 follow-up" in card


def test_card_in_chinese_and_people_warnings_after_a_forced_stage_2(world):
    with world.session() as s:
        rep = world.actor(s, "U0REP1", now=NOW)
        deal = make_deal(
            s,
            owner_id="U0REP1",
            account="温州酒店",
            title="锅炉",
            amount=3_000_000,
            stage="influence",
            earned_rung="qualify",  # qualified, then forced past stage 2's milestone
        )
    with world.session() as s:
        card = world.card(s, rep, deal.id, now=NOW)
    text = all_text(deal_card_message(card, rep.locale)["blocks"])
    # issue 11: forced past a milestone keeps the last one met in order (10%), not the stage's 45%
    assert "阶段 3/6" in text and "¥300万 × 10% = *¥30万* （完成客户评估并定级 A–D；风险评估通过）" in text
    assert "已过建立关系阶段，仍没有教练（内线）" in text and "尚未见过关键决策者" in text
    assert punctuation_problems(text) == []  # issue 17: pieces joined in code are full-width too
    assert (card.summary.id, card.warnings) == (deal.id, ("no_coach", "dm_not_met"))
