"""Interview renderers: every question, answer, verdict and the register modal pass Slack's Block Kit checks."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.blocks.interview import answered_message, change_picker, question_message, reask_message
from bot.blocks.register import register_modal
from bot.blocks.verdict import verdict_message
from bot.flows.qualification.grading import GradingEnv, assess
from bot.flows.qualification.interview import Answered, Ask, DealInfo, stored_value
from bot.flows.qualification.registration import Draft
from bot.process.questions import load_question_set
from sandbox.checks import check_message, check_view

QSET = load_question_set()
NOW = datetime(2026, 11, 2, 1, tzinfo=UTC)
DEAL = DealInfo(7, "Wenzhou Hotel " * 20, "Boilers", "CNY", None)
SAMPLE = {
    "choice": "yes", "yes_no": "no", "amount": {"amount": "3000000", "currency": "CNY"}, "date": "2027-03-31",
    "number": 3, "percent": 15, "text": "x" * 999, "person": {"name": "李明", "title": "副厂长"},
}  # fmt: skip


@pytest.mark.parametrize("locale", ["en", "zh-Hans"])
@pytest.mark.parametrize("key", QSET.keys)
def test_every_question_and_its_answer_pass_the_checks(key, locale):
    q = QSET.get(key)
    value = q.options[-1].value if q.options and q.kind != "person" else SAMPLE[q.kind]
    ask = Ask(key, QSET.index(key) + 1, len(QSET.questions), current=stored_value(q, value), has_answer=True)
    assert check_message(question_message(QSET, ask, 12, DEAL.account, locale)) == []
    done = Answered("1.1", key, stored_value(q, value), False, changed_from=(None, True))
    assert check_message(answered_message(QSET, done, locale)) == []
    for reason in ("empty", "too_long", "unreadable", "past"):
        assert check_message(reask_message(q, reason, locale)) == []


@pytest.mark.parametrize("locale", ["en", "zh-Hans"])
@pytest.mark.parametrize(
    ("answers", "close", "grade"),
    [
        ({}, None, None),  # nothing known: assessment incomplete, not graded (was D: unknown counted 0)
        ({"meets_needs": "no", "credit": "poor", "hard_constraint": "yes"}, date(2027, 1, 1), "D"),
    ],
)
def test_verdicts_pass_the_checks(answers, close, grade, locale):
    env = GradingEnv(QSET, 12, __import__("zoneinfo").ZoneInfo("Asia/Shanghai"))
    a = assess(env, answers, tuple(k for k in QSET.keys if k not in answers), close, NOW)
    msg = verdict_message(QSET, DEAL, a, 12, locale, offer_redo=True)
    assert a.grade.grade == grade and check_message(msg) == []
    assert check_message(change_picker(QSET, 12, QSET.keys, locale)) == []


@pytest.mark.parametrize("locale", ["en", "zh-Hans"])
def test_register_modal_passes_the_checks(locale):
    assert (
        check_view(
            register_modal(Draft(account="Wenzhou Hotel", amount="3m", close=date(2027, 1, 1)), locale)
        )
        == []
    )
    assert check_view(register_modal(Draft(), locale)) == []


@pytest.mark.parametrize("locale", ["en", "zh-Hans"])
def test_the_one_interview_message_its_verdict_choice_and_answers_pass_the_checks(locale):
    """Issue 17: answers fold above the question; a choice replaces the verdict's buttons."""
    from bot.blocks.interview import transcript_modal
    from bot.blocks.verdict import Chosen

    answers = tuple(
        Answered(None, k, stored_value(QSET.get(k), QSET.get(k).options[0].value), False)
        for k in QSET.keys
        if QSET.get(k).options and QSET.get(k).kind != "person"
    )
    ask = Ask("budget", 5, len(QSET.questions))
    msg = question_message(QSET, ask, 12, DEAL.account, locale, transcript=answers, notes=("x" * 4000,))
    assert check_message(msg) == []
    shown = str(msg["blocks"])
    assert ("earlier answer" in shown or "此前已答" in shown) and shown.count("✓") == 3  # folded: 3 shown
    env = GradingEnv(QSET, 12, __import__("zoneinfo").ZoneInfo("Asia/Shanghai"))
    a = assess(env, {"meets_needs": "no"}, (), date(2027, 1, 1), NOW)
    chosen = Chosen("lower", "U0REP2", NOW, tz="Asia/Shanghai")
    settled = verdict_message(QSET, DEAL, a, 12, locale, answers=len(answers), chosen=chosen)
    assert check_message(settled) == []
    live = [e["action_id"] for b in settled["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert live == ["q_transcript"] and "<@U0REP2>" in str(settled["blocks"])
    assert f"<!date^{int(NOW.timestamp())}^" in str(settled["blocks"])  # in each reader's own zone
    local = "2026年11月2日 09:00" if locale == "zh-Hans" else "2 Nov 2026 09:00"  # else the chooser's
    assert f"|{local}>" in str(settled["blocks"])
    assert check_view(transcript_modal(QSET, DEAL.account, answers, locale)) == []
