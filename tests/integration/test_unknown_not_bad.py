"""Unknown is not bad (SPEC §3.3, issue 11 point 1), through the sandbox over signed HTTP: the novice case of
seed 000 — a new rep who does not yet know the need, the budget, whether it is realistic, the credit
record, the margin and the three edges — gets "assessment incomplete" naming what to find out, never
"lower contact" or "drop it"; answering the items later from the deal card completes and grades it."""

from __future__ import annotations

from sqlmodel import select

from bot import ids
from storage.models import DealEvent
from tests.support.interview import T0, db, failed_calls, question_key, question_messages, register, the_deal
from tests.support.interview_scripts import STRONG_BUTTONS, run_script
from tests.support.pipeline import all_text, last_to

REP = "U0REP2"  # English, New York
SKIP = ("skip", "")
NOVICE = {
    **STRONG_BUTTONS,
    "need": SKIP,
    "budget": SKIP,
    "budget_realistic": SKIP,
    "credit": SKIP,
    "margin": SKIP,
    "edge_product": SKIP,
    "edge_price": SKIP,
    "edge_service": SKIP,
    "coach": ("click", "none"),  # no insider yet either
    "relationship": ("click", "average"),
    "entry_timing": ("click", "midway"),
}  # known: fits 2, meets the need 2, relationship 1, entry 1, further business 2 = 8 on 5 items
TO_FIND_OUT = (
    "Need",
    "Budget",
    "Size and budget realistic",
    "Funding and credit",
    "Lowest margin",
    "Edge: product/technology",
    "Edge: price",
    "Edge: service",
)
FOUND_OUT = {  # what the rep learned later, in question order
    "need": ("click", "pain"),
    "budget": ("type", "3m"),
    "budget_realistic": ("click", "realistic"),
    "credit": ("click", "good"),
    "margin": ("type", "22%"),
    "edge_product": ("click", "ahead"),
    "edge_price": ("click", "equal"),
    "edge_service": ("click", "ahead"),
}


def _verdicts(sandbox) -> list:  # noqa: ANN001
    heads = ("Grade", "Assessment incomplete")
    return [m for m in sandbox.state.dm(REP) if m.blocks and m.blocks[0].get("type") == "header"
            and m.blocks[0]["text"]["text"].startswith(heads)]  # fmt: skip


def _actions(msg) -> list[str]:  # noqa: ANN001
    return [e["action_id"] for b in msg.blocks if b["type"] == "actions" for e in b["elements"]]


def _open_card(slack, sandbox, deal_id: int):  # noqa: ANN001, ANN202
    slack.command(REP, "/deal", "list")
    slack.click(REP, last_to(sandbox, REP), ids.ACT_DEAL_OPEN, value=str(deal_id))
    return last_to(sandbox, REP)


def test_the_novice_case_is_incomplete_then_completed_and_graded_from_the_card(slack, sandbox, bot):
    bot.set_clock(T0)
    register(slack, sandbox, REP, "Ningxia Instruments 3m", title="Meters", close="2027-01-31")
    run_script(slack, sandbox, REP, NOVICE)

    (verdict,) = _verdicts(sandbox)
    shown = all_text(verdict.blocks)
    assert verdict.blocks[0]["text"]["text"] == "Assessment incomplete · provisional grade A"
    assert "*8* on 5 answered items; *16* of 20 if the rest are like them (pass line 12)" in shown
    for name in TO_FIND_OUT:  # every item to find out, named, with who could tell
        assert f"☐ *{name}* —" in shown, name
    assert "_Who could tell: the coach_" in shown
    assert "You have no coach there yet: finding an insider comes first" in shown
    assert "Provisional, from the answered items only" in shown
    lowered = shown.lower()
    assert "low contact" not in lowered and "lower contact" not in lowered and "drop it" not in lowered
    assert _actions(verdict) == [
        ids.ACT_VERDICT_FIND_OUT,
        ids.ACT_DROP_OPEN,
        ids.ACT_Q_TRANSCRIPT,
        ids.ACT_Q_CHANGE,
    ]
    with db(bot) as s:
        deal = the_deal(s, "Ningxia Instruments")
        assert (deal.grade, deal.score, deal.assessment_incomplete) == ("A", 16, True)

    slack.click(REP, verdict, ids.ACT_VERDICT_FIND_OUT)  # find out and continue later
    settled = all_text(verdict.blocks)  # the choice, who and when, and what next replace the buttons
    assert "Find out and continue later* — chosen by <@U0REP2>" in settled
    assert "The items to find out are on the card" in settled
    with db(bot) as s:
        deal = the_deal(s, "Ningxia Instruments")
        assert (deal.contact_level, deal.status) == ("normal", "open")  # not failed, no flag

    card = _open_card(slack, sandbox, deal.id)  # the checklist, answerable from the card
    text = all_text(card.blocks)
    assert "*Assessment incomplete* · provisional grade A · 16/20" in text
    assert "*To find out* (8)" in text and all(f"☐ {n}" in text for n in TO_FIND_OUT)
    slack.click(REP, card, ids.ACT_CARD_FIND_OUT, selected=f"{_iv(bot)}:need")
    assert "I asked *Need* in our DM" in last_to(sandbox, REP).text
    assert question_key(question_messages(sandbox, REP)[-1]) == "need"

    asked = run_script(slack, sandbox, REP, FOUND_OUT)  # each open item in turn, then the verdict
    assert asked == list(FOUND_OUT)
    final = _verdicts(sandbox)[-1]
    assert final.blocks[0]["text"]["text"] == "Grade A · pursue it"
    assert "Score *17* / 20 (pass line 12)" in all_text(final.blocks)
    assert ids.ACT_VERDICT_PURSUE in _actions(final)
    with db(bot) as s:
        deal = the_deal(s, "Ningxia Instruments")
        assert (deal.grade, deal.score, deal.assessment_incomplete) == ("A", 17, False)
        reasons = [e.reason for e in s.exec(select(DealEvent).where(DealEvent.deal_id == deal.id,
                                                                    DealEvent.kind == "grade"))]  # fmt: skip
        assert reasons[0] == "interview finished (provisional: assessment incomplete)"
        assert reasons[-1].startswith("assessment complete:")
    card = all_text(_open_card(slack, sandbox, deal.id).blocks)
    assert "*Grade A* · 17/20" in card and "To find out" not in card
    assert failed_calls(sandbox) == []


def test_qualify_continues_an_incomplete_assessment_and_a_skip_moves_on(slack, sandbox, bot):
    bot.set_clock(T0)
    register(slack, sandbox, REP, "Yinchuan Plant 3m", title="Meters", close="2027-01-31")
    run_script(slack, sandbox, REP, NOVICE)
    slack.command(REP, "/deal", "qualify Yinchuan")  # continues with the items to find out, not a redo
    asking = [m for m in sandbox.state.dm(REP) if m.bot_id][-1]  # the interview's one message, moved down
    assert "8 item(s) still to find out" in all_text(asking.blocks)
    still = {**FOUND_OUT, "credit": SKIP, "edge_price": SKIP}  # still unknown: skip, and it moves on
    assert run_script(slack, sandbox, REP, still) == list(FOUND_OUT)
    final = _verdicts(sandbox)[-1]
    assert final.blocks[0]["text"]["text"] == "Assessment incomplete · provisional grade A"  # credit unknown
    assert "☐ *Funding and credit* —" in all_text(final.blocks)
    assert "☐ *Need* —" not in all_text(final.blocks)
    with db(bot) as s:
        assert the_deal(s, "Yinchuan Plant").assessment_incomplete is True
    assert failed_calls(sandbox) == []


def _iv(bot) -> int:  # noqa: ANN001
    from tests.support.interview import interviews

    with db(bot) as s:
        return interviews(s, the_deal(s, "Ningxia Instruments").id)[-1].id
