"""/deal qualify: a pick list for several matches, the verdict on demand, a redo that keeps the old interview."""

from __future__ import annotations

from tests.support.interview import (
    T0,
    click_answer,
    current_question,
    current_values,
    db,
    failed_calls,
    interviews,
    question_key,
    register,
    the_deal,
)
from tests.support.interview_scripts import STRONG_BUTTONS, run_script

REP = "U0REP2"


def test_verdict_on_demand_and_redo_keeps_the_old_interview(slack, sandbox, bot):
    bot.set_clock(T0)
    register(slack, sandbox, REP, "Wenzhou Hotel 3m", close="2027-01-31")
    run_script(slack, sandbox, REP, STRONG_BUTTONS)
    reply = slack.command(REP, "/deal", "qualify wenzhou")
    card = sandbox.state.ephemerals(REP)[-1]
    assert reply.json["blocks"][0]["text"]["text"] == "Grade A · pursue it"
    slack.click(REP, card, "qualify_redo")
    assert question_key(current_question(sandbox, REP)) == "need"
    click_answer(slack, sandbox, REP, "unclear")
    with db(bot) as s:
        deal = the_deal(s, "Wenzhou Hotel")
        old, new = interviews(s, deal.id)
        assert (old.status, old.grade, new.status, new.dm_active) == ("replaced", "A", "active", True)
        assert current_values(s, old.id)["need"] == "pain"  # the old answers are kept
        assert current_values(s, new.id)["need"] == "unclear"
        assert deal.grade == "A"  # until the redo is finished
    assert failed_calls(sandbox) == []


def test_several_matches_give_a_pick_list_and_nothing_matching_says_so(slack, sandbox, bot):
    bot.set_clock(T0)
    register(slack, sandbox, REP, "Wenzhou Hotel", close="2027-01-31")
    register(slack, sandbox, REP, "Wenzhou Airport", close="2027-01-31")
    reply = slack.command(REP, "/deal", "qualify wenzhou")
    assert reply.json["text"] == "Several deals match. Which one?"
    picks = sandbox.state.ephemerals(REP)[-1]
    with db(bot) as s:
        hotel = the_deal(s, "Wenzhou Hotel").id
    slack.click(REP, picks, "qualify_start", value=str(hotel))
    q = current_question(sandbox, REP)
    assert "Wenzhou Hotel" in q.blocks[0]["text"]["text"]
    with db(bot) as s:
        active = [
            iv
            for d in ("Wenzhou Hotel", "Wenzhou Airport")
            for iv in interviews(s, the_deal(s, d).id)
            if iv.dm_active
        ]
        assert [iv.deal_id for iv in active] == [hotel]  # at most one interview per rep is active in the DM
    slack.command(REP, "/deal", "qualify nowhere")
    assert sandbox.state.ephemerals(REP)[-1].text == "No deal of yours matches “nowhere”. Try `/deal list`."
    slack.command("U0REP1", "/deal", "qualify wenzhou")  # another rep's deals are not found
    assert sandbox.state.ephemerals("U0REP1")[-1].text == "没有找到符合“wenzhou”的项目。试试 `/deal list`。"
    assert failed_calls(sandbox) == []


def test_register_modal_errors_say_what_was_expected_and_store_nothing(slack, sandbox, bot):
    bot.set_clock(T0)
    slack.command("U0REP1", "/deal", "new")
    reply = slack.submit("U0REP1", {"title": "锅炉", "amount": "-3m", "close": "2026-10-01"})
    errors = reply.json["errors"]
    assert errors == {
        "account": "请输入客户名称，例如 温州酒店。",
        "amount": "金额不能是负数。请输入金额，例如 3,000,000、3m 或 300万。",
        "close": "这个日期已经过去了。请输入今天或以后的日期，例如 2027-03-31、2027-03 或 下季度。",
    }
    with db(bot) as s:
        from sqlmodel import select

        from storage.models import Deal

        assert s.exec(select(Deal)).all() == []
    assert failed_calls(sandbox) == []
