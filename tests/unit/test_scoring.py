"""Scorecard and grades (SPEC §3.3, §3.4), table-driven: weights, pass line, knock-outs, grade thresholds."""

from __future__ import annotations

from datetime import date

import pytest

from bot.flows.qualification.scoring import add_months, grade_prospect, recommend, score_prospect
from bot.process.questions import GradeRule, load_question_set

QSET = load_question_set()
TODAY = date(2026, 11, 2)
ALL_TOP = {
    "icp_fit": "yes", "meets_needs": "yes", "budget_realistic": "realistic", "credit": "good",
    "edge_product": "ahead", "edge_price": "ahead", "edge_service": "ahead", "relationship": "good",
    "entry_timing": "start", "further_business": "yes", "hard_constraint": "no",
}  # fmt: skip
MIDDLE = {**ALL_TOP, **{k: v for k, v in {
    "icp_fit": "partly", "meets_needs": "partly", "budget_realistic": "so_so", "credit": "average",
    "edge_product": "equal", "edge_price": "equal", "edge_service": "equal", "relationship": "average",
    "entry_timing": "midway", "further_business": "some"}.items()}}  # fmt: skip


@pytest.mark.parametrize(
    ("answers", "total", "knockouts", "passed"),
    [
        (ALL_TOP, 20, (), True),
        (MIDDLE, 10, (), False),
        ({**MIDDLE, "icp_fit": "yes", "credit": "good"}, 12, (), True),  # exactly the pass line
        ({**MIDDLE, "icp_fit": "yes"}, 11, (), False),
        ({**ALL_TOP, "meets_needs": "no"}, 18, ("meets_needs",), False),  # knock-out whatever the total
        ({**ALL_TOP, "credit": "poor"}, 18, ("credit",), False),
        ({**ALL_TOP, "hard_constraint": "yes"}, 20, ("hard_constraint",), False),
        ({**ALL_TOP, "edge_price": "behind"}, 18, (), True),  # 0 on an item that is no knock-out
        ({}, 0, (), False),  # nothing answered: no score, no knock-out
        (
            {**ALL_TOP, "credit": None, "meets_needs": None},
            16,
            (),
            True,
        ),  # skipped items count 0, knock nothing out
    ],
)
def test_score_total_knockouts_and_pass(answers, total, knockouts, passed):
    card = score_prospect(QSET, answers)
    assert (card.total, card.knockouts, card.passed, card.max_score) == (total, knockouts, passed, 20)


def test_weights_multiply_and_the_pass_line_can_be_overridden():
    weighted = QSET.model_copy(deep=True)
    weighted.get("relationship").weight = 3
    card = score_prospect(weighted, {**MIDDLE, "relationship": "good"}, pass_line=14)
    assert (card.total, card.max_score, card.pass_line, card.passed) == (9 + 2 * 3, 24, 14, True)
    assert score_prospect(weighted, MIDDLE, pass_line=14).total == 12  # average relationship: 1 x 3


@pytest.mark.parametrize(
    ("answers", "close", "grade", "why"),
    [
        (ALL_TOP, date(2027, 1, 31), "A", "rule"),  # low risk, within 3 months
        (ALL_TOP, date(2027, 2, 2), "A", "rule"),  # the last day of the window
        (ALL_TOP, date(2027, 2, 3), "B", "rule"),  # low risk but later
        (ALL_TOP, date(2027, 7, 2), "B", "rule"),  # eight months out
        (ALL_TOP, None, "B", "rule"),  # no close date: treated as later
        (
            {**MIDDLE, "icp_fit": "yes", "credit": "good", "relationship": "good", "entry_timing": "start"},
            date(2027, 1, 1),
            "B",
            "rule",
        ),  # 14: medium, near
        (
            {**MIDDLE, "icp_fit": "yes", "credit": "good", "relationship": "good", "entry_timing": "start"},
            date(2027, 6, 1),
            "C",
            "rule",
        ),  # medium, later
        (
            {
                **MIDDLE,
                "icp_fit": "yes",
                "credit": "good",
                "relationship": "good",
                "entry_timing": "start",
                "further_business": "yes",
            },
            date(2027, 1, 1),
            "A",
            "rule",
        ),  # 15 = pass + 3
        (MIDDLE, date(2027, 1, 1), "D", "below_pass"),
        ({**ALL_TOP, "meets_needs": "no"}, date(2027, 1, 1), "D", "knockout"),
    ],
)
def test_grade_thresholds(answers, close, grade, why):
    result = grade_prospect(score_prospect(QSET, answers), QSET.grades, close, TODAY)
    assert (result.grade, result.why) == (grade, why)


def test_grade_rules_are_data():
    rules = [GradeRule(grade="A", min_above_pass=0, within_months=12), GradeRule(grade="C")]
    card = score_prospect(QSET, MIDDLE, pass_line=10)
    assert grade_prospect(card, rules, date(2027, 10, 1), TODAY).grade == "A"
    assert grade_prospect(card, rules, date(2028, 1, 1), TODAY).grade == "C"


@pytest.mark.parametrize(
    ("answers", "rec"),
    [(ALL_TOP, "pursue"), (MIDDLE, "lower"), ({**ALL_TOP, "credit": "poor"}, "drop")],
)
def test_recommendation(answers, rec):
    assert recommend(score_prospect(QSET, answers)) == rec


def test_weakest_items_are_the_lowest_scores_first():
    card = score_prospect(
        QSET, {**ALL_TOP, "edge_price": "behind", "relationship": "average", "entry_timing": "tender"}
    )
    assert [(i.key, i.score) for i in card.weakest()] == [
        ("edge_price", 0),
        ("entry_timing", 0),
        ("relationship", 1),
    ]


@pytest.mark.parametrize(
    ("d", "months", "expected"),
    [
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 11, 2), 12, date(2027, 11, 2)),
    ],
)
def test_add_months(d, months, expected):
    assert add_months(d, months) == expected


def test_the_default_set_covers_the_nine_questions_and_the_scorecard_once_each():
    assert sorted(q.vetting for q in QSET.questions if q.vetting) == list(range(1, 10))
    assert sorted(q.item for q in QSET.questions if q.item) == list(range(1, 11))
    assert {q.key for q in QSET.questions if q.knockout or q.knockout_when} == {
        "meets_needs",
        "credit",
        "hard_constraint",
    }
    assert {q.kind for q in QSET.questions} == {
        "choice",
        "yes_no",
        "amount",
        "date",
        "number",
        "percent",
        "text",
        "person",
    }
    assert QSET.pass_line == 12 and QSET.max_score == 20
