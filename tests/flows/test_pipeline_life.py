"""A deal's whole life through the pipeline's use cases: qualify → … → deliver → won, each stage's
milestone gate, the people the relationship gate needs, milestones, payment and history (SPEC §2)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.blocks.deal_card import deal_card_message
from bot.blocks.pipeline_modals import advance_modal
from bot.flows.errors import MilestoneMissing
from storage.models import Interview, Milestone, Payment, Person, RedFlag
from tests.support.factories import T0, make_deal
from tests.support.pipeline import all_text

REP = "U0REP2"  # Sam Carter, English


def dialog(world, s, actor, deal_id) -> str:  # noqa: ANN001
    """The text of the advance dialog the rep sees for the deal's current stage."""
    plan = world.plan_advance(s, actor, deal_id)
    return all_text(advance_modal(plan, actor.locale, T0.date(), "{}"))


def test_whole_life_with_milestones_and_history(world):
    clock = iter(T0 + timedelta(minutes=m) for m in range(1, 100))
    with world.session() as s:
        rep = world.actor(s, REP)
        deal = make_deal(s, owner_id=REP, account="Wenzhou Hotel", title="Boilers", amount=3_000_000)

    # stage 1: no passed interview yet -> refused, nothing changes
    with world.session() as s:
        assert "Qualification interview finished" in dialog(world, s, rep, deal.id)
    with pytest.raises(MilestoneMissing), world.session() as s:
        world.advance(s, rep, deal.id, now=next(clock))
    assert world.deal(deal.id).stage == "qualify"

    with world.session() as s:  # a passed interview
        s.add(Interview(team_id=deal.team_id, deal_id=deal.id, rep_id=REP, status="done", score=16, grade="A",
                        knocked_out=False, started_at=T0, finished_at=T0))  # fmt: skip
    with world.session() as s:
        change = world.advance(s, rep, deal.id, now=next(clock), what="Graded A, 16/20")
        assert world.stages(s).get(change.to_stage).name.en == "Map roles, build relationships"
    assert world.deal(deal.id).stage == "relationships"

    # stage 2 gate: a coach and a met decision-maker
    with world.session() as s:
        assert "❌ A coach" in dialog(world, s, rep, deal.id)
    with pytest.raises(MilestoneMissing), world.session() as s:
        world.advance(s, rep, deal.id, now=next(clock), what="shortlisted")
    assert world.deal(deal.id).stage == "relationships"

    with world.session() as s:
        world.save_person(s, rep, deal.id, now=next(clock), met=True, name="Li Wei", title="Engineer",
                          role="coach", attitude="supporter", influence="3")  # fmt: skip
        world.save_person(s, rep, deal.id, now=next(clock), name="Zhao Min", title="GM", role="decision_maker",
                          attitude="neutral", influence="5")  # fmt: skip
    with pytest.raises(MilestoneMissing), world.session() as s:  # the decision-maker is not met yet
        world.advance(s, rep, deal.id, now=next(clock), what="shortlisted")

    # edit the decision-maker: met
    zhao = next(p for p in world.rows(Person, deal_id=deal.id) if p.name == "Zhao Min")
    with world.session() as s:
        world.save_person(s, rep, deal.id, now=next(clock), person_id=zhao.id, met=True, name="Zhao Min",
                          role="decision_maker", attitude="supporter", influence="5")  # fmt: skip
    assert next(p for p in world.rows(Person, deal_id=deal.id) if p.name == "Zhao Min").met
    with world.session() as s:
        world.advance(
            s, rep, deal.id, now=next(clock), what="On the shortlist", evidence="email from purchasing"
        )
    assert world.deal(deal.id).stage == "influence"

    # stages 3..5 are recorded milestones
    for what, met_on in (("Criteria include our 5000 W spec", None), ("Bid submitted", None),
                         ("Contract signed", date(2026, 11, 20))):  # fmt: skip
        with world.session() as s:
            world.advance(s, rep, deal.id, now=next(clock), what=what, met_on=met_on)
    d = world.deal(deal.id)
    assert d.stage == "deliver" and d.status == "open" and d.signing_date.isoformat() == "2026-11-20"

    # the card on the last stage; its act records the full payment
    with world.session() as s:
        card = world.card(s, rep, deal.id, now=next(clock))
        assert card.is_last_stage and "Stage 6/6" in all_text(deal_card_message(card, rep.locale)["blocks"])
    paid = T0.replace(month=11, day=23)
    with world.session() as s:
        world.won(s, rep, deal.id, now=paid, amount="300万", paid_on=date(2026, 11, 20))
    d = world.deal(deal.id)
    assert d.status == "won"
    assert [p.amount for p in world.rows(Payment, deal_id=deal.id)] == [3_000_000]
    assert [m.stage for m in world.rows(Milestone, deal_id=deal.id)] == [
        "qualify",
        "relationships",
        "influence",
        "bid",
        "negotiate",
        "deliver",
    ]
    assert world.rows(RedFlag, deal_id=deal.id) == []

    stage_events = world.events(deal.id, "stage")
    assert [(e.from_value, e.to_value, e.milestone_met, e.forced) for e in stage_events] == [
        ("qualify", "relationships", True, False),
        ("relationships", "influence", True, False),
        ("influence", "bid", True, False),
        ("bid", "negotiate", True, False),
        ("negotiate", "deliver", True, False),
    ]
    assert all(e.actor_id == REP for e in stage_events)

    with world.session() as s:
        history = all_text(world.history(s, rep, deal.id, now=paid)["blocks"])
    for name in (
        "Qualify the prospect → Map roles",
        "Map roles, build relationships → Shape the criteria",
        "Negotiate and sign → Deliver and collect payment",
        "won",
    ):
        assert name in history, history
