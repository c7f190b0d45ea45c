"""A deal's whole life through the sandbox: qualify → … → deliver → won, with milestones and history."""

from __future__ import annotations

import pytest

from bot import ids
from storage.models import Milestone, Payment, RedFlag
from tests.support.pipeline import BotDb, all_text, last_to

REP = "U0REP2"  # Sam Carter, English


@pytest.fixture
def db(bot):
    d = BotDb(bot)
    yield d
    d.close()


def advance(slack, sandbox, text: str, values: dict, user: str = REP):
    reply = slack.command(user, "/deal", f"advance {text}")
    assert reply.status == 200, reply.text
    view = sandbox.state.open_modal(user)
    assert view and view["callback_id"] == ids.VIEW_ADVANCE, last_to(sandbox, user)
    return view, slack.submit(user, values)


def test_whole_life_with_milestones_and_history(slack, sandbox, db):
    deal = db.add_deal(owner_id=REP, account="Wenzhou Hotel", title="Boilers", amount=3_000_000)

    # stage 1: no passed interview yet -> refused, nothing changes
    view, reply = advance(slack, sandbox, "wenzhou", {})
    assert "Qualification interview finished" in all_text(view)
    assert reply.json["response_action"] == "errors" and "force_reason" in reply.json["errors"]
    assert db.deal(deal.id).stage == "qualify"

    db.pass_interview(deal)
    _, reply = advance(slack, sandbox, "wenzhou", {"what": "Graded A, 16/20"})
    assert reply.status == 200 and not reply.text.strip()  # accepted: the modal closes
    assert db.deal(deal.id).stage == "relationships"
    assert "Now in: Map roles, build relationships" in last_to(sandbox, REP).text

    # stage 2 gate: a coach and a met decision-maker
    view, reply = advance(slack, sandbox, "wenzhou", {"what": "shortlisted"})
    assert reply.json["response_action"] == "errors"
    assert "❌ A coach" in all_text(view)
    assert db.deal(deal.id).stage == "relationships"

    slack.command(REP, "/deal", "people wenzhou")
    people_view = sandbox.state.open_modal(REP)
    assert people_view["callback_id"] == ids.VIEW_PEOPLE
    r = slack.submit(
        REP,
        {
            "name": "Li Wei",
            "title": "Engineer",
            "role": "coach",
            "attitude": "supporter",
            "influence": "3",
            "met": ["yes"],
        },
    )
    assert r.json["response_action"] == "update"
    slack.submit(
        REP,
        {
            "name": "Zhao Min",
            "title": "GM",
            "role": "decision_maker",
            "attitude": "neutral",
            "influence": "5",
        },
        view=sandbox.state.views[people_view["id"]],
    )
    _, reply = advance(slack, sandbox, "wenzhou", {"what": "shortlisted"})
    assert reply.json["response_action"] == "errors"  # the decision-maker is not met yet

    # edit the decision-maker: met
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
    assert next(p for p in db.people(deal.id) if p.name == "Zhao Min").met
    advance(slack, sandbox, "wenzhou", {"what": "On the shortlist", "evidence": "email from purchasing"})
    assert db.deal(deal.id).stage == "influence"

    # stages 3..5 are recorded milestones
    advance(slack, sandbox, "wenzhou", {"what": "Criteria include our 5000 W spec"})
    advance(slack, sandbox, "wenzhou", {"what": "Bid submitted"})
    advance(slack, sandbox, "wenzhou", {"what": "Contract signed", "met_on": "2026-11-20"})
    d = db.deal(deal.id)
    assert d.stage == "deliver" and d.status == "open" and d.signing_date.isoformat() == "2026-11-20"

    # the card's primary button on the last stage records the full payment
    slack.command(REP, "/deal", "wenzhou")
    card = last_to(sandbox, REP)
    assert "Stage 6/6" in all_text(card.blocks)
    slack.click(REP, card, ids.ACT_MILESTONE_OPEN)
    won = sandbox.state.open_modal(REP)
    assert won["callback_id"] == ids.VIEW_WON
    slack.submit(REP, {"amount": "300万", "paid_on": "2026-11-20"})
    d = db.deal(deal.id)
    assert d.status == "won"
    assert [p.amount for p in db.rows(Payment, deal_id=deal.id)] == [3_000_000]
    assert [m.stage for m in db.rows(Milestone, deal_id=deal.id)] == [
        "qualify",
        "relationships",
        "influence",
        "bid",
        "negotiate",
        "deliver",
    ]
    assert db.rows(RedFlag, deal_id=deal.id) == []

    stage_events = db.events(deal.id, "stage")
    assert [(e.from_value, e.to_value, e.milestone_met, e.forced) for e in stage_events] == [
        ("qualify", "relationships", True, False),
        ("relationships", "influence", True, False),
        ("influence", "bid", True, False),
        ("bid", "negotiate", True, False),
        ("negotiate", "deliver", True, False),
    ]
    assert all(e.actor_id == REP for e in stage_events)

    slack.command(REP, "/deal", "history wenzhou")
    history = all_text(last_to(sandbox, REP).blocks)
    for name in (
        "Qualify the prospect → Map roles",
        "Map roles, build relationships → Shape the criteria",
        "Negotiate and sign → Deliver and collect payment",
        "won",
    ):
        assert name in history, history


@pytest.fixture(autouse=True)
def _bot_log_on_failure(request, bot):
    yield
    rep = getattr(request.node, "rep_call", None)
    if rep is None or rep.failed:
        print(bot.log())
