"""Forced advance (reason + red flag), lost (reason, competitor, note required) and reopen, drop, hold,
the deal's dates and commit, and the version fence between two changes (SPEC §2)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.blocks.deal_card import deal_card_message
from bot.flows.errors import BadInput, MilestoneMissing, StaleCard
from storage.models import RedFlag
from tests.support.factories import T0, make_deal
from tests.support.flows import said
from tests.support.pipeline import all_text

REP = "U0REP2"
LATER = T0 + timedelta(minutes=5)


@pytest.fixture
def rep(world):
    with world.session() as s:
        return world.actor(s, REP)


def add_deal(world, **fields):  # noqa: ANN001, ANN201
    with world.session() as s:
        return make_deal(s, owner_id=REP, **fields)


def card_text(world, rep, deal_id) -> str:  # noqa: ANN001
    with world.session() as s:
        return all_text(deal_card_message(world.card(s, rep, deal_id, now=LATER), rep.locale)["blocks"])


def test_forced_advance_needs_a_reason_and_shows_a_red_flag(world, rep):
    deal = add_deal(world, account="Hangzhou Metro")
    with pytest.raises(MilestoneMissing) as refused, world.session() as s:
        world.advance(s, rep, deal.id, now=LATER, what="we think it's fine")
    assert "To advance anyway, give a reason here" in said(refused.value, rep.locale)
    assert world.deal(deal.id).stage == "qualify" and world.rows(RedFlag, deal_id=deal.id) == []

    with world.session() as s:
        change = world.advance(
            s, rep, deal.id, now=LATER, force_reason="The customer asked for a proposal now"
        )
    assert change.forced and change.to_stage == "relationships"
    d = world.deal(deal.id)
    assert d.stage == "relationships"
    [flag] = world.rows(RedFlag, deal_id=deal.id)
    assert flag.kind == "forced_advance" and flag.reason == "The customer asked for a proposal now"
    [ev] = world.events(deal.id, "stage")
    assert ev.forced and ev.milestone_met is False and ev.reason == flag.reason
    assert "Forced past a milestone: The customer asked for a proposal now" in card_text(world, rep, deal.id)


def test_lost_requires_reason_competitor_and_note_then_reopen(world, rep):
    deal = add_deal(world, account="Sunan Boiler")
    with pytest.raises(BadInput) as refused, world.session() as s:
        world.lost(s, rep, deal.id, now=LATER, reason="price", competitor="  ", note="too expensive")
    assert {refused.value.values["field"]: said(refused.value, rep.locale)} == {
        "competitor": "This is required."
    }
    with pytest.raises(BadInput) as refused, world.session() as s:
        world.lost(s, rep, deal.id, now=LATER, reason="price", competitor="Acme", note="")
    assert refused.value.values["field"] == "note"
    assert world.deal(deal.id).status == "open"
    with world.session() as s:
        world.lost(s, rep, deal.id, now=LATER, reason="price", competitor="Acme Boilers", note="8% cheaper")
    d = world.deal(deal.id)
    assert d.status == "lost" and d.closed_at == LATER
    [ev] = world.events(deal.id, "lost")
    assert (ev.reason, ev.competitor, ev.note) == ("price", "Acme Boilers", "8% cheaper")
    assert "Lost" in card_text(world, rep, deal.id)

    with world.session() as s:
        world.reopen(s, rep, deal.id, now=LATER, note="they came back")
    assert world.deal(deal.id).status == "open" and world.deal(deal.id).closed_at is None
    assert [e.kind for e in world.events(deal.id)][-2:] == ["lost", "reopened"]


def test_dates_commit_and_probability_then_hold_and_drop(world, rep):
    now = T0.replace(month=11, day=23, hour=2)
    deal = add_deal(world, account="Ningbo Port", earned_rung="qualify")  # in the funnel
    with pytest.raises(BadInput) as refused, world.session() as s:
        world.edit(s, rep, deal.id, now=now, expected_close=date(2026, 1, 1), probability="150")
    assert refused.value.values["field"] == "expected_close"
    with pytest.raises(BadInput) as refused, world.session() as s:
        world.edit(s, rep, deal.id, now=now, expected_close=date(2027, 3, 31), probability="150")
    assert refused.value.values["field"] == "probability"
    with world.session() as s:
        world.edit(s, rep, deal.id, now=now, expected_close=date(2027, 3, 31), tender_date=date(2027, 1, 15),
                   committed=True, probability="35%")  # fmt: skip
    d = world.deal(deal.id)
    assert (d.expected_close, d.tender_date, d.committed, d.probability_override) == (
        date(2027, 3, 31),
        date(2027, 1, 15),
        True,
        35,
    )
    text = card_text(world, rep, deal.id)
    assert "Close 31 Mar 2027" in text and "tender 15 Jan 2027" in text
    # issue 11: a commitment names its quota period; an override is shown as one
    assert "✓ committed for 20" in text and "× 35%" in text and "(override)" in text

    with pytest.raises(BadInput) as refused, world.session() as s:
        world.hold(s, rep, deal.id, now=now, new_close=date(2026, 11, 1))
    assert refused.value.values["field"] == "expected_close"
    with world.session() as s:
        world.hold(s, rep, deal.id, now=now, new_close=date(2027, 6, 30), note="budget frozen")
    d = world.deal(deal.id)
    assert d.status == "on_hold" and d.expected_close == date(2027, 6, 30)

    with pytest.raises(BadInput) as refused, world.session() as s:
        world.drop(s, rep, deal.id, now=now, reason="")
    assert {refused.value.values["field"]: said(refused.value, rep.locale)} == {"reason": "This is required."}
    with world.session() as s:
        world.drop(s, rep, deal.id, now=now, reason="no budget this year")
    assert world.deal(deal.id).status == "dropped"
    assert world.events(deal.id, "dropped")[0].reason == "no budget this year"


def test_two_changes_made_from_the_same_version_one_wins_the_other_is_stale(world, rep):
    deal = add_deal(world, account="Qingdao Brewery")
    with world.session() as s:
        world.advance(s, rep, deal.id, now=LATER, version=deal.version, force_reason="push 0")
    with pytest.raises(StaleCard), world.session() as s:
        world.advance(s, rep, deal.id, now=LATER, version=deal.version, force_reason="push 1")
    d = world.deal(deal.id)
    assert d.stage == "relationships" and d.version == 2
    assert len(world.events(deal.id, "stage")) == 1 and len(world.rows(RedFlag, deal_id=deal.id)) == 1
