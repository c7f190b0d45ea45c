"""/deal list, /deal <words> with a pick list, the card and its check-in button, through the sandbox
(what needs attention first and the card's facts: tests/flows)."""

from __future__ import annotations

from bot import ids
from tests.support.pipeline import all_text, last_to

REP = "U0REP2"


def test_an_ambiguous_name_gives_a_pick_list(slack, sandbox, db):
    db.add_deal(owner_id=REP, account="Wenzhou Hotel", title="Boilers")
    port = db.add_deal(owner_id=REP, account="Wenzhou Port", title="Cranes", amount=5_000_000)
    listed = all_text(
        slack.command(REP, "/deal", "list").json["blocks"]
    )  # /deal list (its order: tests/flows)
    assert "Wenzhou Hotel — Boilers" in listed and "Wenzhou Port — Cranes" in listed
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
