"""Risk scorecard and grades (SPEC §3.3, §3.4): pure functions of the answers, the question set and a date.

Scored items score 2 / 1 / 0 times their weight; unanswered or skipped items count 0 but knock nothing
out. A knock-out (0 on a knock-out item, or an answer listed in ``knockout_when``) fails the prospect
whatever the total. Grades follow the set's rules, first match wins; failed prospects are D.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.process.questions import GradeRule, QuestionSet


@dataclass(frozen=True)
class ItemScore:
    key: str
    item: int
    weight: int
    score: int | None  # 2 / 1 / 0, None when unanswered or skipped

    @property
    def points(self) -> int:
        return (self.score or 0) * self.weight

    @property
    def max_points(self) -> int:
        return 2 * self.weight


@dataclass(frozen=True)
class Scorecard:
    total: int
    max_score: int
    pass_line: int
    items: tuple[ItemScore, ...]
    knockouts: tuple[str, ...]  # question keys that knocked the prospect out

    @property
    def knocked_out(self) -> bool:
        return bool(self.knockouts)

    @property
    def passed(self) -> bool:
        return not self.knocked_out and self.total >= self.pass_line

    def weakest(self, n: int = 3) -> list[ItemScore]:
        """The lowest-scoring answered items below full marks, worst first (ties in question order)."""
        answered = [i for i in self.items if i.score is not None and i.score < 2]
        return sorted(answered, key=lambda i: (i.score, -i.weight))[:n]


@dataclass(frozen=True)
class GradeResult:
    grade: str  # A | B | C | D
    why: str  # knockout | below_pass | rule
    rule: GradeRule | None = None
    within: bool | None = None  # the close date is inside the rule's window


def score_prospect(qset: QuestionSet, answers: Mapping[str, Any], pass_line: int | None = None) -> Scorecard:
    items, knockouts = [], []
    for q in qset.questions:
        value = answers.get(q.key)
        if value is not None and value in q.knockout_when:
            knockouts.append(q.key)
        if not q.scored:
            continue
        option = q.option(value) if isinstance(value, str) else None
        score = option.score if option else None
        items.append(ItemScore(key=q.key, item=q.item or 0, weight=q.weight, score=score))
        if q.knockout and score == 0:
            knockouts.append(q.key)
    return Scorecard(
        total=sum(i.points for i in items),
        max_score=qset.max_score,
        pass_line=qset.pass_line if pass_line is None else pass_line,
        items=tuple(items),
        knockouts=tuple(knockouts),
    )


def add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def grade_prospect(card: Scorecard, rules: list[GradeRule], close: date | None, today: date) -> GradeResult:
    if card.knocked_out:
        return GradeResult("D", "knockout")
    if card.total < card.pass_line:
        return GradeResult("D", "below_pass")
    for rule in rules:
        if card.total < card.pass_line + rule.min_above_pass:
            continue
        if rule.within_months is None:
            return GradeResult(rule.grade, "rule", rule)
        if close is not None and close <= add_months(today, rule.within_months):
            return GradeResult(rule.grade, "rule", rule, within=True)
    return GradeResult("D", "below_pass")  # unreachable: the schema requires a catch-all rule


def recommend(card: Scorecard) -> str:
    """pursue a passed prospect; drop a knocked-out one; keep a low scorer at a lower contact level."""
    if card.knocked_out:
        return "drop"
    return "pursue" if card.passed else "lower"
