"""Typed answers over signed HTTP: what is stored for each form, and the re-ask for each bad one."""

from __future__ import annotations

import pytest

from tests.support.interview import (
    T0,
    all_rows,
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

AMOUNT_EXPECT = "Type an amount, e.g. 3,000,000, 3m or 300万."
DATE_EXPECT = "Type a date from today on, e.g. 2027-03-31, 2027-03 or next quarter."

GOOD_AMOUNTS = [
    ("3m", "3000000", "CNY"),
    ("3,000,000", "3000000", "CNY"),
    ("300万", "3000000", "CNY"),
    ("¥3.5M", "3500000", "CNY"),
    ("3.5 million", "3500000", "CNY"),
    ("USD 2m", "2000000", "USD"),
    ("1.2亿", "120000000", "CNY"),
]
BAD_AMOUNTS = [
    ("   ", "I didn't get an answer. " + AMOUNT_EXPECT),
    ("9" * 10_000, "That is too long. " + AMOUNT_EXPECT),
    ("🙂🙂", "I couldn't read that. " + AMOUNT_EXPECT),
    ("'; DROP TABLE interview_answer; --", "I couldn't read that. " + AMOUNT_EXPECT),
    ("三百万左右吧", "I couldn't read that. " + AMOUNT_EXPECT),
    ("-5m", "An amount can't be negative. " + AMOUNT_EXPECT),
    ("0", "The amount must be more than zero. " + AMOUNT_EXPECT),
    ("99999999999999", "That is out of any sensible range. " + AMOUNT_EXPECT),
]
GOOD_DATES = [  # today is 1 Nov 2026 for the rep in New York
    ("2027-03-31", "2027-03-31"),
    ("2027-02", "2027-02-28"),
    ("next quarter", "2027-03-31"),
    ("三月底", "2027-03-31"),
    ("下季度", "2027-03-31"),
    ("in 3 months", "2027-02-01"),
    ("2026-11-01", "2026-11-01"),
]
BAD_DATES = [
    ("2026-10-31", "That date is in the past. " + DATE_EXPECT),
    ("2027-02-30", "I couldn't read that. " + DATE_EXPECT),
    ("someday", "I couldn't read that. " + DATE_EXPECT),
    ("2099-01-01", "That is out of any sensible range. " + DATE_EXPECT),
]


def _go_to(slack, sandbox, user: str, key: str) -> None:  # noqa: ANN001
    clicks = {"need": "pain", "icp_fit": "yes", "hard_constraint": "no", "meets_needs": "yes",
              "budget_realistic": "realistic", "credit": "good"}  # fmt: skip
    while question_key(current_question(sandbox, user)) != key:
        k = question_key(current_question(sandbox, user))
        if k in clicks:
            click_answer(slack, sandbox, user, clicks[k])
        else:
            slack.dm(user, "3m")


def _type_and_return(slack, sandbox, user: str, key: str, text: str) -> None:  # noqa: ANN001
    slack.dm(user, text)
    assert question_key(current_question(sandbox, user)) != key
    slack.click(user, current_question(sandbox, user), "q_back")
    assert question_key(current_question(sandbox, user)) == key


def test_typed_amounts_and_dates_table(slack, sandbox, bot):
    bot.set_clock(T0)
    register(slack, sandbox, "U0REP2", "Wenzhou Hotel")
    with db(bot) as s:
        iid = interviews(s, the_deal(s, "Wenzhou Hotel").id)[0].id
    _go_to(slack, sandbox, "U0REP2", "budget")
    for text, amount, currency in GOOD_AMOUNTS:
        _type_and_return(slack, sandbox, "U0REP2", "budget", text)
        with db(bot) as s:
            assert current_values(s, iid)["budget"] == {"amount": amount, "currency": currency}, text
    for text, reask in BAD_AMOUNTS:
        slack.dm("U0REP2", text)
        assert sandbox.state.dm("U0REP2")[-1].text == reask, text[:20]
        with db(bot) as s:
            # one row per new value (the same amount typed again adds none); a bad answer adds nothing
            assert [r.value["amount"] for r in all_rows(s, iid, "budget")] == [
                "3000000",
                "3500000",
                "2000000",
                "120000000",
            ]
            assert current_values(s, iid)["budget"] == {"amount": "120000000", "currency": "CNY"}
    _go_to(slack, sandbox, "U0REP2", "close_date")
    for text, day in GOOD_DATES:
        _type_and_return(slack, sandbox, "U0REP2", "close_date", text)
        with db(bot) as s:
            assert current_values(s, iid)["close_date"] == day, text
            assert str(the_deal(s, "Wenzhou Hotel").expected_close) == day
    for text, reask in BAD_DATES:
        slack.dm("U0REP2", text)
        assert sandbox.state.dm("U0REP2")[-1].text == reask, text
    slack.click("U0REP2", current_question(sandbox, "U0REP2"), "q_date", selected_date="2026-10-01")
    assert sandbox.state.dm("U0REP2")[-1].text == "That date is in the past. " + DATE_EXPECT
    with db(bot) as s:
        assert len(all_rows(s, iid, "close_date")) == 5  # 2027-03-31 three times in a row is one row
        assert current_values(s, iid)["close_date"] == "2026-11-01"
    assert failed_calls(sandbox) == []


@pytest.mark.parametrize(
    ("text", "reask"),
    [
        ("abc", "没看懂这个答案。请输入金额，例如 3,000,000、3m 或 300万。"),
        ("-300万", "金额不能是负数。请输入金额，例如 3,000,000、3m 或 300万。"),
        ("😀", "没看懂这个答案。请输入金额，例如 3,000,000、3m 或 300万。"),
    ],
)
def test_re_asks_are_in_the_reps_language(slack, sandbox, bot, text, reask):
    bot.set_clock(T0)
    register(slack, sandbox, "U0REP1", "温州酒店")
    _go_to(slack, sandbox, "U0REP1", "budget")
    slack.dm("U0REP1", text)
    assert sandbox.state.dm("U0REP1")[-1].text == reask
    assert question_key(current_question(sandbox, "U0REP1")) == "budget"


def test_free_text_keeps_chinese_emoji_and_sql_verbatim_but_refuses_10000_characters(slack, sandbox, bot):
    bot.set_clock(T0)
    register(slack, sandbox, "U0REP2", "Wenzhou Hotel 3m", close="2027-01-31")
    with db(bot) as s:
        iid = interviews(s, the_deal(s, "Wenzhou Hotel").id)[0].id
    _go_to(slack, sandbox, "U0REP2", "coach")
    slack.dm("U0REP2", "x" * 10_000)
    assert sandbox.state.dm("U0REP2")[-1].text.startswith("That is too long. Type a name and title")
    slack.dm("U0REP2", "王力 🙂, '); DROP TABLE person; --")
    with db(bot) as s:
        assert current_values(s, iid)["coach"] == {"name": "王力 🙂", "title": "'); DROP TABLE person; --"}
    assert failed_calls(sandbox) == []
