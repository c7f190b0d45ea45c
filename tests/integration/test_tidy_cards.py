"""Issue 17, a tidy DM: an action on a deal card updates that card in place (in the actor's own DM,
never a message a payload names elsewhere), and leaving qualification settles the verdict's buttons."""

from __future__ import annotations

import copy
import json

import pytest

from bot import ids
from tests.support.interview import T0, register
from tests.support.interview_scripts import STRONG_BUTTONS, run_script
from tests.support.pipeline import BotDb, all_text

REP, OTHER = "U0REP2", "U0REP1"


@pytest.fixture
def db(bot):
    d = BotDb(bot)
    yield d
    d.engine.dispose()


def _live_cards(sandbox, user: str, deal_id: int) -> list:  # noqa: ANN001
    """The user's DM messages that show this deal's card with its buttons."""
    return [
        m
        for m in sandbox.state.dm(user)
        if any(b.get("block_id") == f"card_{deal_id}" and b.get("elements") for b in m.blocks)
    ]


def test_advance_force_and_check_in_update_the_one_card_they_came_from(slack, sandbox, bot, db):
    bot.set_clock("2026-11-23T15:00:00Z")  # Monday 10:00 in New York
    deal = db.add_deal(owner_id=REP, account="Xiamen Airport")
    slack.command(REP, "/deal", "advance xiamen")
    assert slack.submit(REP, {"force_reason": "the customer asked for a proposal"}).status == 200
    (card,) = _live_cards(sandbox, REP, deal.id)
    assert "Stage 2/6" in all_text(card.blocks)

    assert slack.click(REP, card, ids.ACT_MILESTONE_OPEN).status == 200  # on that card: forced again
    assert slack.submit(REP, {"force_reason": "site visit booked"}).status == 200
    assert _live_cards(sandbox, REP, deal.id) == [card]  # the same message, updated
    assert "Stage 3/6" in all_text(card.blocks) and card.edited

    assert slack.click(REP, card, ids.ACT_CHECKIN_OPEN).status == 200
    assert slack.submit(REP, {"done": "Called the GM", "progress": "yes", "progress_text": "budget",
                              "next_step": "Send the quote"}).status == 200  # fmt: skip
    assert _live_cards(sandbox, REP, deal.id) == [card]
    text = all_text(card.blocks)
    assert "Check-in saved" in text and "Send the quote" in text and "Stage 3/6" in text
    assert [m for m in sandbox.state.dm(REP) if m.bot_id] == [card]  # nothing else was posted


def test_a_forged_card_origin_elsewhere_is_not_updated_and_the_card_comes_as_a_new_dm(slack, sandbox, db):
    deal = db.add_deal(owner_id=REP, account="Origin Port")
    sandbox.api.call("chat.postMessage", {"channel": OTHER, "text": "OTHER's own"}, sandbox.bot_token)
    theirs = sandbox.state.dm(OTHER)[-1]
    slack.command(REP, "/deal", "advance origin")
    view = copy.deepcopy(sandbox.state.open_modal(REP))
    meta = json.loads(view["private_metadata"])
    view["private_metadata"] = json.dumps({**meta, "o": {"channel": theirs.channel, "ts": theirs.ts}})
    assert slack.submit(REP, {"force_reason": "go"}, view=view).status == 200
    assert sandbox.state.dm(OTHER)[-1].text == "OTHER's own" and not theirs.edited
    assert [c for c in sandbox.state.calls_to("chat.update") if c.args.get("channel") == theirs.channel] == []
    assert len(_live_cards(sandbox, REP, deal.id)) == 1  # the card came to REP's own DM instead


def test_advancing_out_of_qualification_settles_the_verdict_with_who_and_when(slack, sandbox, bot, db):
    bot.set_clock(T0)
    register(slack, sandbox, REP, "Wenzhou Hotel 3m", close="2027-01-31")
    run_script(slack, sandbox, REP, STRONG_BUTTONS)
    (verdict,) = [m for m in sandbox.state.dm(REP) if m.bot_id]  # the interview: one message, the verdict
    assert "verdict_pursue" in str(verdict.blocks)
    slack.command(REP, "/deal", "advance wenzhou")
    assert slack.submit(REP, {"what": "Graded A"}).status == 200
    shown = all_text(verdict.blocks)
    assert "✓ *Advanced to Map roles, build relationships* — by <@U0REP2>, <!date^" in shown
    live = [e["action_id"] for b in verdict.blocks if b["type"] == "actions" for e in b["elements"]]
    assert live == ["q_transcript"]  # the answers stay a click away; the choices are gone
    cards = [m for m in sandbox.state.dm(REP) if m.bot_id and m is not verdict]
    assert len(cards) == 1 and "Stage 2/6" in all_text(cards[0].blocks)  # the card follows the verdict


def test_dropping_from_the_verdict_settles_it_and_the_card_follows(slack, sandbox, bot, db):
    bot.set_clock(T0)
    register(slack, sandbox, REP, "Beijing Highway 3m", close="2027-01-31")
    run_script(slack, sandbox, REP, {**STRONG_BUTTONS, "meets_needs": ("click", "no")})  # knock-out: D
    (verdict,) = [m for m in sandbox.state.dm(REP) if m.bot_id]
    slack.click(REP, verdict, "drop_open")
    assert slack.submit(REP, {"reason": "we cannot meet the need"}).status == 200
    assert "✓ *Dropped* — by <@U0REP2>, <!date^" in all_text(verdict.blocks)  # the verdict stays, settled
    live = [e["action_id"] for b in verdict.blocks if b["type"] == "actions" for e in b["elements"]]
    assert live == ["q_transcript"]
    (card,) = [m for m in sandbox.state.dm(REP) if m.bot_id and m is not verdict]
    assert "Dropped." in all_text(card.blocks)


def test_a_choice_on_a_dm_card_updates_it_and_an_older_copy_clicked_is_refreshed_in_place(slack, sandbox, db):
    deal = db.add_deal(owner_id=REP, account="Step Co")
    slack.command(REP, "/deal", "advance step")
    assert slack.submit(REP, {"force_reason": "go"}).status == 200
    (card,) = _live_cards(sandbox, REP, deal.id)
    before = copy.deepcopy(card)  # as a slow client still shows it
    select = next(b["accessory"] for b in card.blocks if b.get("block_id") == f"customer_{deal.id}")
    slack.click(REP, card, ids.ACT_CUSTOMER_STEP, selected=select["options"][1]["value"])
    assert _live_cards(sandbox, REP, deal.id) == [card] and "2. " in all_text(card.blocks)
    assert slack.click(REP, before, ids.ACT_MILESTONE_OPEN).status == 200  # its version is out of date
    assert sandbox.state.open_modal(REP) is None  # nothing acts on the stale state...
    assert _live_cards(sandbox, REP, deal.id) == [card] and "out of date" in card.text  # ...it is refreshed
    assert [m for m in sandbox.state.dm(REP) if m.bot_id] == [card]
