"""The outcome dialogs through the sandbox over signed HTTP: dates and commit, hold, drop; the card's
"more" menu, lost and reopen; a stale card; two concurrent advances; another stage file. The rules
(forced advance and its red flag, what lost requires, the version fence): tests/flows."""

from __future__ import annotations

import threading
from datetime import date

from bot import ids
from storage.models import RedFlag
from tests.support.pipeline import BotDb, all_text, last_to

REP = "U0REP2"


def test_drop_hold_and_dates(slack, sandbox, bot, db):
    bot.set_clock("2026-11-23T02:00:00Z")
    deal = db.add_deal(owner_id=REP, account="Ningbo Port", earned_rung="qualify")  # in the funnel
    slack.command(REP, "/deal", "edit ningbo")
    reply = slack.submit(REP, {"expected_close": "2026-01-01", "probability": "150"})
    assert set(reply.json["errors"]) == {"expected_close"}
    reply = slack.submit(REP, {"expected_close": "2027-03-31", "probability": "150"})
    assert set(reply.json["errors"]) == {"probability"}
    slack.submit(
        REP,
        {
            "expected_close": "2027-03-31",
            "tender_date": "2027-01-15",
            "committed": ["yes"],
            "probability": "35%",
        },
    )
    d = db.deal(deal.id)
    assert (d.expected_close, d.tender_date, d.committed, d.probability_override) == (
        date(2027, 3, 31),
        date(2027, 1, 15),
        True,
        35,
    )
    text = all_text(last_to(sandbox, REP).blocks)
    assert (
        "Close 31 Mar 2027" in text
        and "tender 15 Jan 2027" in text
        and "✓ committed for 20" in text  # issue 11: a commitment names its quota period
        and "× 35%" in text
        and "(override)" in text
    )

    slack.command(REP, "/deal", "hold ningbo")
    assert "expected_close" in slack.submit(REP, {"expected_close": "2026-11-01"}).json["errors"]
    assert slack.submit(REP, {"expected_close": "2027-06-30", "note": "budget frozen"}).status == 200
    d = db.deal(deal.id)
    assert d.status == "on_hold" and d.expected_close == date(2027, 6, 30)

    slack.command(REP, "/deal", "drop ningbo")
    assert slack.submit(REP, {"reason": ""}).json["errors"] == {"reason": "This is required."}
    assert slack.submit(REP, {"reason": "no budget this year"}).status == 200
    assert db.deal(deal.id).status == "dropped"
    assert db.events(deal.id, "dropped")[0].reason == "no budget this year"


def test_a_stale_card_says_so_and_the_fresh_cards_outcome_acts_go_through(slack, sandbox, db):
    deal = db.add_deal(owner_id=REP, account="Xiamen Airport")
    slack.command(REP, "/deal", "xiamen")
    old_card = last_to(sandbox, REP)
    slack.command(REP, "/deal", "advance xiamen")
    slack.submit(REP, {"force_reason": "go"})
    assert db.deal(deal.id).version == 2
    reply = slack.click(REP, old_card, ids.ACT_MILESTONE_OPEN)
    assert reply.status == 200 and sandbox.state.open_modal(REP) is None
    fresh = next(m for m in sandbox.state.messages if m.ts == old_card.ts)
    assert "out of date" in fresh.text and "Stage 2/6" in all_text(fresh.blocks)
    assert db.deal(deal.id).stage == "relationships"  # nothing more happened
    # the fresh card's "more" menu opens the lost dialog; /deal reopen brings the deal back
    d = db.deal(deal.id)
    slack.click(REP, fresh, ids.ACT_DEAL_MORE, selected=f"lost:{d.id}:{d.version}")
    assert sandbox.state.open_modal(REP)["callback_id"] == ids.VIEW_LOST
    reply = slack.submit(REP, {"reason": "price", "competitor": "Acme Boilers", "note": "8% cheaper"})
    assert reply.status == 200 and db.deal(deal.id).status == "lost"
    assert "Lost" in all_text(last_to(sandbox, REP).blocks)
    slack.command(REP, "/deal", "reopen xiamen")
    assert sandbox.state.open_modal(REP)["callback_id"] == ids.VIEW_REOPEN
    assert slack.submit(REP, {"note": "they came back"}).status == 200
    assert db.deal(deal.id).status == "open" and db.deal(deal.id).closed_at is None
    assert [e.kind for e in db.events(deal.id)][-2:] == ["lost", "reopened"]


def test_two_concurrent_advances_one_wins_the_other_is_told_stale(slack, sandbox, db):
    deal = db.add_deal(owner_id=REP, account="Qingdao Brewery")
    slack.command(REP, "/deal", "advance qingdao")
    view = sandbox.state.open_modal(REP)
    replies: list = [None, None]

    def submit(i: int) -> None:
        replies[i] = slack.submit(REP, {"force_reason": f"push {i}"}, view=view)

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.status == 200 for r in replies)
    stale = [r for r in replies if r.text and "out of date" in all_text(r.json.get("view") or {})]
    assert len(stale) == 1
    d = db.deal(deal.id)
    assert d.stage == "relationships" and d.version == 2
    assert len(db.events(deal.id, "stage")) == 1 and len(db.rows(RedFlag, deal_id=deal.id)) == 1
    # the refused one is told in the DM, with the current card (the winner's card comes there too)
    assert len([m for m in sandbox.state.dm(REP) if "out of date" in m.text]) == 1


def test_eight_step_stage_file_changes_the_stages_shown(make_bot, sandbox):
    from pathlib import Path

    from sandbox.slack_side import SlackSide

    path = Path(__file__).resolve().parents[2] / "bot/process/stages_eight_step.yaml"
    bot = make_bot(DEALBOT_STAGES_FILE=str(path))
    slack = SlackSide(sandbox, app_url=bot.url)
    db = BotDb(bot)
    try:
        deal = db.add_deal(owner_id=REP, account="Eight Co", stage="plan")
        slack.command(REP, "/deal", "eight co")
        text = all_text(last_to(sandbox, REP).blocks)
        assert "Stage 1/8" in text and "Planning and calls" in text
        slack.command(REP, "/deal", "advance eight")
        assert "Visit and research" in all_text(sandbox.state.open_modal(REP))
        slack.submit(REP, {"force_reason": "test"})
        assert db.deal(deal.id).stage == "visit"
        assert "Stage 2/8" in all_text(last_to(sandbox, REP).blocks)
    finally:
        db.close()
