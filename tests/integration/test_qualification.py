"""The qualification interview end to end, through the sandbox over signed HTTP (SPEC §3)."""

from __future__ import annotations

from sqlmodel import select

from bot.process.questions import load_question_set
from storage.models import DealEvent, Person, RedFlag
from tests.support.interview import (
    T0,
    current_values,
    db,
    failed_calls,
    interviews,
    question_messages,
    register,
    the_deal,
)
from tests.support.interview_scripts import (
    STRONG_BUTTONS,
    STRONG_VALUES,
    TYPED_EN,
    TYPED_EN_VALUES,
    TYPED_ZH,
    TYPED_ZH_VALUES,
    run_script,
)


def _verdict(sandbox, user: str):  # noqa: ANN001, ANN202
    cards = [m for m in sandbox.state.dm(user) if m.blocks and "Grade" in m.blocks[0].get("text", {}).get("text", "")
             or (m.blocks and "等级" in m.blocks[0].get("text", {}).get("text", ""))]  # fmt: skip
    assert cards, "no verdict card"
    return cards[-1]


def _grade_events(s, deal_id: int) -> list[tuple]:  # noqa: ANN001
    rows = s.exec(
        select(DealEvent)
        .where(DealEvent.deal_id == deal_id, DealEvent.kind == "grade")
        .order_by(DealEvent.id)
    )
    return [(e.from_value, e.to_value, e.reason) for e in rows]


def test_full_interview_by_buttons_in_english_is_stored_scored_and_graded_a(slack, sandbox, bot):
    bot.set_clock(T0)
    assert register(slack, sandbox, "U0REP2", "Wenzhou Hotel 3m", title="Boilers").status == 200
    asked = run_script(slack, sandbox, "U0REP2", STRONG_BUTTONS)
    assert "order_size" not in asked  # the amount from /deal new answers it: asked once, feeds both
    assert asked[:3] == ["need", "icp_fit", "hard_constraint"] and len(asked) == 18

    with db(bot) as s:
        deal = the_deal(s, "Wenzhou Hotel")
        (iv,) = interviews(s, deal.id)
        assert current_values(s, iv.id) == STRONG_VALUES
        assert (iv.status, iv.dm_active, iv.score, iv.grade, iv.recommendation) == (
            "done",
            False,
            19,
            "A",
            "pursue",
        )
        assert (deal.stage, deal.owner_id, deal.title, deal.score, deal.grade) == (
            "qualify",
            "U0REP2",
            "Boilers",
            19,
            "A",
        )
        assert str(deal.expected_close) == "2027-01-31"
        assert _grade_events(s, deal.id) == [(None, "A", "interview finished")]
        coach = s.exec(select(Person).where(Person.deal_id == deal.id)).one()
        assert (coach.name, coach.title, coach.role) == ("Li Ming", "deputy plant manager", "coach")

    card = _verdict(sandbox, "U0REP2")
    assert card.blocks[0]["text"]["text"] == "Grade A · pursue it"
    shown = str(card.blocks)
    assert "Score *19* / 20 (pass line 12)" in shown and "No knock-out" in shown
    assert "Grade A: score 19 ≥ 15 and the expected close (31 Jan 2027) is within 3 months." in shown
    assert "Weakest: Edge: price 1" in shown
    # the whole interview was one message, which is now the verdict; its answers are a click away
    assert [m for m in sandbox.state.dm("U0REP2") if m.bot_id] == [card]
    assert question_messages(sandbox, "U0REP2") == []  # no question left with live buttons
    slack.click("U0REP2", card, "q_transcript")
    answers = str(sandbox.state.open_modal("U0REP2")["blocks"])
    assert "✓ *Budget*: ¥3,000,000" in answers and "✓ *Meets the need*: Yes, fully (2)" in answers
    assert failed_calls(sandbox) == []


def test_full_interview_by_typing_in_chinese(slack, sandbox, bot):
    bot.set_clock(T0)
    register(slack, sandbox, "U0REP1", "温州酒店", title="锅炉")
    asked = run_script(slack, sandbox, "U0REP1", TYPED_ZH)
    assert len(asked) == 19
    with db(bot) as s:
        deal = the_deal(s, "温州酒店")
        (iv,) = interviews(s, deal.id)
        assert current_values(s, iv.id) == TYPED_ZH_VALUES
        assert (deal.score, deal.grade, str(deal.amount), deal.currency) == (19, "B", "3500000.00", "CNY")
    card = _verdict(sandbox, "U0REP1")
    assert card.blocks[0]["text"]["text"] == "等级 B · 值得跟进"
    assert "预计成交（2027年3月31日）" not in str(card.blocks)  # B: low risk but later than three months
    assert "等级 B：得分 19 ≥ 15；预计成交 2027年3月31日。" in str(card.blocks)
    assert failed_calls(sandbox) == []


def test_full_interview_by_typing_in_english_medium_risk_is_c(slack, sandbox, bot):
    bot.set_clock(T0)
    register(slack, sandbox, "U0REP2", "Sunan Works")
    run_script(slack, sandbox, "U0REP2", TYPED_EN)
    with db(bot) as s:
        deal = the_deal(s, "Sunan Works")
        (iv,) = interviews(s, deal.id)
        assert current_values(s, iv.id) == TYPED_EN_VALUES
        assert (deal.score, deal.grade, iv.recommendation) == (14, "C", "pursue")
        assert s.exec(select(Person).where(Person.deal_id == deal.id)).all() == []  # "none": no coach yet
    assert failed_calls(sandbox) == []


def test_full_interview_by_buttons_in_chinese_closing_in_eight_months_is_b(slack, sandbox, bot):
    bot.set_clock(T0)
    register(slack, sandbox, "U0REP1", "杭州热能 300万", title="锅炉", close="2027-07-02")
    asked = run_script(slack, sandbox, "U0REP1", STRONG_BUTTONS)
    assert "close_date" not in asked and "order_size" not in asked
    with db(bot) as s:
        deal = the_deal(s, "杭州热能")
        assert (deal.score, deal.grade) == (19, "B")
        assert current_values(s, interviews(s, deal.id)[0].id)["order_size"] == {
            "amount": "3000000",
            "currency": "CNY",
        }
    assert _verdict(sandbox, "U0REP1").blocks[0]["text"]["text"] == "等级 B · 值得跟进"
    assert failed_calls(sandbox) == []


def test_knockout_is_d_whatever_the_total_and_keeping_it_low_raises_no_red_flag(slack, sandbox, bot):
    bot.set_clock(T0)
    register(slack, sandbox, "U0REP2", "Beijing Highway 3m", close="2027-01-31")
    run_script(slack, sandbox, "U0REP2", {**STRONG_BUTTONS, "meets_needs": ("click", "no")})
    with db(bot) as s:
        deal = the_deal(s, "Beijing Highway")
        (iv,) = interviews(s, deal.id)
        assert (iv.score, iv.grade, iv.knocked_out, iv.recommendation) == (17, "D", True, "drop")
        pass_line = load_question_set().pass_line  # the shipped question set the bot runs with
        assert pass_line == 12 and iv.score >= pass_line  # above the pass line, still D
    card = _verdict(sandbox, "U0REP2")
    assert card.blocks[0]["text"]["text"] == "Grade D · drop or keep at low contact"
    assert "Knock-out: Meets the need" in str(card.blocks)
    assert "Grade D: a knock-out item failed, whatever the total." in str(card.blocks)
    actions = [e["action_id"] for b in card.blocks if b["type"] == "actions" for e in b["elements"]]
    assert actions[:3] == ["drop_open", "verdict_lower", "advance_open"]
    slack.click("U0REP2", card, "q_transcript")
    assert "✓ *Meets the need*: No (0) — knock-out" in str(sandbox.state.open_modal("U0REP2")["blocks"])

    slack.click("U0REP2", card, "drop_open")  # the pipeline's drop dialog, for this deal
    assert sandbox.state.open_modal("U0REP2")["callback_id"] == "pipeline_drop"
    slack.click("U0REP2", card, "advance_open")  # advance anyway: the pipeline's dialog (force with a reason)
    assert sandbox.state.open_modal("U0REP2")["callback_id"] == "pipeline_advance"
    assert slack.click("U0REP2", card, "verdict_lower").status == 200
    with db(bot) as s:
        deal = the_deal(s, "Beijing Highway")
        assert deal.contact_level == "lower" and deal.status == "open"
        # issue 11: lower contact carries no red flag (SPEC §3.3); "failed prospect still pursued" is
        # for a failed prospect kept at normal contact (tests/integration/test_low_contact.py)
        assert s.exec(select(RedFlag).where(RedFlag.deal_id == deal.id)).all() == []
    # the choice replaces the verdict's buttons: what was chosen, by whom, when (in the reader's zone)
    shown = str(card.blocks)
    assert "✓ *Keep at low contact* — chosen by <@U0REP2>, <!date^" in shown and "red flag" not in shown
    live = [e["action_id"] for b in card.blocks if b["type"] == "actions" for e in b["elements"]]
    assert live == ["q_transcript"]
    assert failed_calls(sandbox) == []


def test_moving_an_a_close_date_eight_months_out_regrades_it_and_records_why(slack, sandbox, bot):
    bot.set_clock(T0)
    register(slack, sandbox, "U0REP2", "Wenzhou Hotel 3m", close="2027-01-31")
    run_script(slack, sandbox, "U0REP2", STRONG_BUTTONS)
    card = _verdict(sandbox, "U0REP2")
    slack.click("U0REP2", card, "q_change", selected=f"{_iv_id(bot)}:close_date")
    q = question_messages(sandbox, "U0REP2")[-1]
    assert "Now: 31 Jan 2027" in str(q.blocks)
    slack.click("U0REP2", q, "q_date", selected_date="2027-07-02")
    with db(bot) as s:
        deal = the_deal(s, "Wenzhou Hotel")
        assert (deal.grade, str(deal.expected_close)) == ("B", "2027-07-02")
        assert _grade_events(s, deal.id) == [
            (None, "A", "interview finished"),
            ("A", "B", "expected close changed to 2027-07-02"),
        ]
    assert _verdict(sandbox, "U0REP2").blocks[0]["text"]["text"] == "Grade B · pursue it"
    assert failed_calls(sandbox) == []


def _iv_id(bot) -> int:  # noqa: ANN001
    with db(bot) as s:
        return interviews(s, the_deal(s, "Wenzhou Hotel").id)[-1].id
