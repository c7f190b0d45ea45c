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
        ({}, 0, (), False),  # nothing answered: no score, no knock-out, not passed (incomplete)
        (
            {**ALL_TOP, "credit": None, "meets_needs": None},
            16,
            (),
            False,
        ),  # skipped knock-out items knock nothing out, but leave the assessment incomplete: not passed
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


# --- unknown is not bad (SPEC §3.3): a skipped item is to find out, not a zero ---------------------------
NOVICE_SKIPS = ("budget_realistic", "credit", "edge_product", "edge_price", "edge_service")
NOVICE = {  # the five scored items a new rep does know: 2 + 2 + 1 + 1 + 2 = 8 of 10
    "icp_fit": "yes", "hard_constraint": "no", "meets_needs": "yes", "relationship": "average",
    "entry_timing": "midway", "further_business": "yes",
}  # fmt: skip


def test_the_score_is_taken_over_the_answered_items_and_scaled_to_the_maximum():
    card = score_prospect(QSET, NOVICE)
    assert (card.total, len(card.answered), card.answered_max, card.scaled) == (8, 5, 10, 16)
    assert card.unknown == NOVICE_SKIPS and card.unknown_knockouts == ("credit",)
    assert not card.complete and not card.passed and not card.failed  # unknown, not failed
    assert recommend(card) == "find_out"


def test_the_novice_is_incomplete_with_a_provisional_grade_from_the_scaled_score():
    card = score_prospect(QSET, NOVICE)
    result = grade_prospect(card, QSET.grades, date(2027, 1, 31), TODAY)
    assert (result.grade, result.provisional) == ("A", True)  # 16 >= 15 and near: A, but only provisional


@pytest.mark.parametrize(
    ("skipped", "complete", "rec"),
    [
        (("edge_price", "edge_service"), True, "pursue"),  # two unknown scored items: still complete
        (("edge_price", "edge_service", "relationship"), False, "find_out"),  # a third: incomplete
        (("credit",), False, "find_out"),  # any unknown knock-out item: incomplete
        (("meets_needs",), False, "find_out"),
        (("hard_constraint",), False, "find_out"),  # a knock-out question that is not scored
    ],
)
def test_incomplete_when_a_knockout_or_more_than_two_scored_items_are_unknown(skipped, complete, rec):
    card = score_prospect(QSET, {k: v for k, v in ALL_TOP.items() if k not in skipped})
    assert (card.complete, recommend(card)) == (complete, rec)
    assert card.scaled == 20  # the answered ones are all top marks


def test_a_known_knockout_fails_whatever_is_still_unknown():
    card = score_prospect(QSET, {"credit": "poor"})
    assert card.complete and card.failed and recommend(card) == "drop"
    assert grade_prospect(card, QSET.grades, None, TODAY).grade == "D"


def test_scaled_below_the_pass_line_on_a_complete_assessment_fails():
    answers = {k: v for k, v in MIDDLE.items() if k not in ("edge_price", "edge_service")}
    card = score_prospect(QSET, answers)  # 8 on 8 items: 10 of 20 scaled
    assert (card.scaled, card.complete, card.failed, recommend(card)) == (10, True, True, "lower")
    assert grade_prospect(card, QSET.grades, None, TODAY).why == "below_pass"


def test_nothing_answered_has_no_grade_at_all():
    card = score_prospect(QSET, {})
    result = grade_prospect(card, QSET.grades, None, TODAY)
    assert (card.scaled, result.grade, result.why, result.provisional) == (None, None, "unknown", True)


def test_the_scaled_score_rounds_half_up_with_weights():
    weighted = QSET.model_copy(deep=True)
    weighted.get("relationship").weight = 3  # max 24
    card = score_prospect(weighted, {"relationship": "average", "icp_fit": "yes"})  # 3 + 2 of 8
    assert (card.total, card.answered_max, card.scaled) == (5, 8, 15)  # 5 * 24 / 8 = 15
    card = score_prospect(weighted, {"relationship": "good", "icp_fit": "partly"})  # 7 of 8 -> 21
    assert card.scaled == 21
