"""Issue 17: a due nudge held for its owner's working hours is named on the deal card with the time it
actually goes out, in the owner's zone and the reader's language; not before it is due, nor once the
sweep may send it."""

from __future__ import annotations

from datetime import timedelta

from bot.blocks.deal_card import deal_card_message
from storage.models import Nudge, SlackUser
from tests.support.factories import make_deal
from tests.support.flows import utc
from tests.support.pipeline import all_text

NOW = utc(2026, 11, 3, 7)  # Tue 02:00 in New York, 15:00 in Shanghai
GOES_OUT = utc(2026, 11, 3, 14)  # Tue 09:00 in New York


def _card(world, reader: str, deal_id: int) -> str:  # noqa: ANN001
    with world.session() as s:
        actor = world.actor(s, reader, now=NOW)
        return all_text(deal_card_message(world.card(s, actor, deal_id, now=NOW), actor.locale)["blocks"])


def _deal_with(world, **nudge) -> int:  # noqa: ANN001, ANN003
    with world.session() as s:
        if s.get(SlackUser, ("T0SANDBOX", "U0REP2")) is None:
            s.add(SlackUser(team_id="T0SANDBOX", user_id="U0REP2", tz="America/New_York", locale="en-US"))
        deal = make_deal(s, owner_id="U0REP2", account="Acme Boilers", now=NOW - timedelta(days=1))
        s.add(Nudge(team_id="T0SANDBOX", deal_id=deal.id, owner_id="U0REP2", kind="followup_1",
                    created_at=NOW, **nudge))  # fmt: skip
        return deal.id


def test_a_due_nudge_waiting_for_working_hours_says_when_it_goes_out(world):
    deal_id = _deal_with(world, due_at=NOW - timedelta(hours=1), send_after=GOES_OUT, status="pending")
    assert (
        "⏳ Waiting for working hours: day-1 follow-up goes out Tue 3 Nov 2026, 09:00 (New York time)"
        in _card(world, "U0REP2", deal_id)
    )
    # a Chinese-speaking manager reads it in Chinese, still in the rep's zone
    with world.session() as s:
        from storage.models import Membership

        s.add(Membership(team_id="T0SANDBOX", user_id="U0REP1", role="admin"))
    assert "等到工作时间再发：2026年11月3日（周二）09:00（New York时间）" in _card(world, "U0REP1", deal_id)


def test_no_line_before_it_is_due_or_once_it_may_go_out(world):
    later = _deal_with(world, due_at=NOW + timedelta(hours=1), send_after=GOES_OUT, status="pending")
    assert "Waiting for working hours" not in _card(world, "U0REP2", later)
    with world.session() as s:
        deal = make_deal(s, owner_id="U0REP2", account="Ready Co", now=NOW - timedelta(days=1))
        s.add(Nudge(team_id="T0SANDBOX", deal_id=deal.id, owner_id="U0REP2", kind="followup_1", created_at=NOW,
                    due_at=NOW - timedelta(hours=2), send_after=NOW - timedelta(hours=1), status="pending"))  # fmt: skip
    assert "Waiting for working hours" not in _card(world, "U0REP2", deal.id)
