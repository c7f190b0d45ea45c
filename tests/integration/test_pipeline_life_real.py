"""The whole life with the real qualification flow: /deal new → interview → verdict → six stages → won,
through the sandbox: every dialog and button of the pipeline once (the gates' rules: tests/flows)."""

from __future__ import annotations

from bot import ids
from storage.models import Deal, Milestone, Person
from tests.support.interview import register
from tests.support.interview_scripts import STRONG_BUTTONS, run_script
from tests.support.pipeline import all_text, last_to

REP = "U0REP2"


def test_registered_and_qualified_deal_goes_all_the_way_to_won(slack, sandbox, bot, db):
    bot.set_clock("2026-11-02T01:00:00+00:00")
    assert register(slack, sandbox, REP, "Wenzhou Hotel 3m", title="Boilers").status == 200
    [deal] = db.rows(Deal)
    run_script(slack, sandbox, REP, STRONG_BUTTONS)
    slack.command(REP, "/deal", "advance wenzhou")
    view = sandbox.state.open_modal(REP)
    assert "✅ Scorecard at or above the pass line" in all_text(view)
    assert slack.submit(REP, {}).status == 200
    assert db.deal(deal.id).stage == "relationships"
    assert "Now in: Map roles, build relationships" in last_to(sandbox, REP).text
    # the interview's coach question wrote the coach; the decision-maker is still missing
    assert [p.role for p in db.rows(Person, deal_id=deal.id)] == ["coach"]
    slack.command(REP, "/deal", "advance wenzhou")
    assert "✅ A coach" in all_text(sandbox.state.open_modal(REP))
    assert slack.submit(REP, {"what": "shortlisted"}).json["response_action"] == "errors"
    slack.command(REP, "/deal", "people wenzhou")
    slack.submit(
        REP,
        {
            "name": "Zhao Min",
            "role": "decision_maker",
            "attitude": "neutral",
            "influence": "5",
            "met": ["yes"],
        },
    )
    # edit a person from the people dialog
    slack.command(REP, "/deal", "people wenzhou")
    pv = sandbox.state.open_modal(REP)
    zhao = next(p for p in db.people(deal.id) if p.name == "Zhao Min")
    slack.click(REP, pv, ids.ACT_PERSON_EDIT, value=str(zhao.id))
    edit_view = sandbox.state.views[pv["id"]]
    assert edit_view["callback_id"] == ids.VIEW_PERSON
    slack.submit(
        REP,
        {
            "name": "Zhao Min",
            "role": "decision_maker",
            "attitude": "supporter",
            "influence": "5",
            "met": ["yes"],
        },
        view=edit_view,
    )
    zhao = next(p for p in db.people(deal.id) if p.name == "Zhao Min")
    assert (zhao.attitude, zhao.met) == ("supporter", True)
    for what in ("shortlisted", "criteria shaped", "bid submitted", "contract signed"):
        slack.command(REP, "/deal", "advance wenzhou")
        assert slack.submit(REP, {"what": what}).status == 200
    assert db.deal(deal.id).stage == "deliver"
    slack.command(REP, "/deal", "wenzhou")
    card = last_to(sandbox, REP)
    assert "Stage 6/6" in all_text(card.blocks)
    slack.click(REP, card, ids.ACT_MILESTONE_OPEN)  # on the last stage the card's act is "won"
    assert sandbox.state.open_modal(REP)["callback_id"] == ids.VIEW_WON
    slack.submit(REP, {"amount": "3,000,000"})
    assert db.deal(deal.id).status == "won"
    assert len(db.rows(Milestone, deal_id=deal.id)) == 6
    slack.command(REP, "/deal", "history wenzhou")
    history = all_text(last_to(sandbox, REP).blocks)
    assert history.count("milestone met") == 5 and "won" in history
