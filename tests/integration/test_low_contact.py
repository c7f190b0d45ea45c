"""The cutter case (issue 11, acceptance 2; SPEC §3.3), through the sandbox over signed HTTP: a
knocked-out prospect kept at lower contact carries no red flag, is absent from the forecast and the
stage counts, gets no day-1/15 follow-ups, gets its light touch after 90 days, and re-qualifying it
with a passing interview brings it back into the funnel."""

from __future__ import annotations

from sqlmodel import select

from storage.models import Nudge, RedFlag
from tests.support.interview import T0, db, failed_calls, register, the_deal
from tests.support.interview_scripts import STRONG_BUTTONS, run_script
from tests.support.pipeline import all_text
from tests.support.waits import wait_for


def _verdict(sandbox, user: str):  # noqa: ANN001, ANN202
    cards = [
        m
        for m in sandbox.state.dm(user)
        if m.blocks and "Grade" in m.blocks[0].get("text", {}).get("text", "")
    ]
    assert cards, "no verdict card"
    return cards[-1]


def _funnel(slack, sandbox, user: str) -> str:  # noqa: ANN001
    before = len(sandbox.state.ephemerals(user))
    assert slack.command(user, "/funnel", "").status == 200
    shown = wait_for(
        lambda: [m for m in sandbox.state.ephemerals(user)[before:] if m.source == "response_url"],
        what="the funnel after the ack",
    )
    return str(shown[-1].blocks)


def _nudges(bot, deal_id: int) -> list[tuple[str, str]]:  # noqa: ANN001
    with db(bot) as s:
        rows = s.exec(select(Nudge).where(Nudge.deal_id == deal_id).order_by(Nudge.id)).all()
        return [(n.kind, n.status) for n in rows]


def test_the_cutter_kept_at_low_contact_leaves_the_funnel_and_comes_back_when_requalified(
    slack, sandbox, bot
):
    bot.set_clock(T0)
    register(slack, sandbox, "U0REP2", "Cutter Works 3m", close="2027-01-31")
    run_script(slack, sandbox, "U0REP2", {**STRONG_BUTTONS, "meets_needs": ("click", "no")})  # knock-out
    assert slack.click("U0REP2", _verdict(sandbox, "U0REP2"), "verdict_lower").status == 200
    with db(bot) as s:
        deal = the_deal(s, "Cutter Works")
        deal_id = deal.id
        assert (deal.contact_level, deal.status, deal.qualification_failed) == ("lower", "open", True)
        assert (
            s.exec(select(RedFlag).where(RedFlag.deal_id == deal_id, RedFlag.cleared_at.is_(None))).all()
            == []
        )
    shown = all_text(_verdict(sandbox, "U0REP2").blocks)  # the choice replaced the verdict's buttons
    assert "Keep at low contact* — chosen by <@U0REP2>" in shown and "red flag" not in shown

    # out of the funnel: no stage count, no forecast, no red flag; counted below the funnel
    funnel = _funnel(slack, sandbox, "U0REP2")
    assert "1. Qualify the prospect — 0 · ¥0 · weighted ¥0" in funnel
    assert "Below the funnel (0%, not in the forecast or the stages): 1 at low contact" in funnel
    assert "*Forecast*\\n¥0" in funnel and "Red flags (0)" in funnel

    # no day-1 / day-15 follow-ups, no qualification or stall nudges: only the light touch, pending
    bot.advance("P1D")
    bot.run_due()
    bot.advance("P15D")
    bot.run_due()
    assert [k for k, st in _nudges(bot, deal_id) if st in ("pending", "sent")] == ["low_contact_touch"]
    assert not [m for m in sandbox.state.dm("U0REP2") if "follow-up" in (m.text or "")]

    # day 90: "anything changed at <account>?" with re-qualify / still low / drop
    bot.set_clock("2027-01-31T02:00:00+00:00")  # T0 + 90 days, a Sunday: it waits for the rep's Monday
    bot.run_due()
    assert not [
        m for m in sandbox.state.dm("U0REP2") if "low contact since" in (m.text or "") + str(m.blocks)
    ]
    bot.set_clock("2027-02-01T14:30:00+00:00")  # Monday 09:30 in New York, the rep's zone
    bot.run_due()
    touch = wait_for(
        lambda: [
            m for m in sandbox.state.dm("U0REP2") if "anything changed at the customer" in str(m.blocks)
        ],
        what="the low-contact touch",
    )[-1]
    acts = [e["action_id"] for b in touch.blocks if b["type"] == "actions" for e in b["elements"]]
    assert acts[:3] == ["touch_requalify", "touch_still_low", "drop_open"]

    # re-qualify: the interview again; a pass returns it to the funnel with a new 1/15/30 cycle
    assert slack.click("U0REP2", touch, "touch_requalify").status == 200
    run_script(slack, sandbox, "U0REP2", STRONG_BUTTONS)
    with db(bot) as s:
        deal = the_deal(s, "Cutter Works")
        assert (deal.contact_level, deal.qualification_failed, deal.earned_rung) == (
            "normal",
            False,
            "qualify",
        )
    pending = [k for k, st in _nudges(bot, deal_id) if st == "pending"]
    assert "followup_1" in pending and "low_contact_touch" not in pending
    funnel = _funnel(slack, sandbox, "U0REP2")
    assert "1. Qualify the prospect — 1 · ¥3,000,000 · weighted ¥300,000" in funnel
    assert "Below the funnel" not in funnel
    assert failed_calls(sandbox) == []
