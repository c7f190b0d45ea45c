"""Risk scorecard and grades (SPEC §3.3, §3.4): pure functions of the answers, the question set and a date.

Scored items score 2 / 1 / 0 times their weight. An unanswered or skipped item is **to find out**
(unknown is not bad): the score is taken over the answered scored items and scaled to the full maximum
("8 on 5 answered items; 16 of 20 if the rest are like them"), and that scaled score is what the pass
line and the grade rules compare. An unknown knock-out item, or more than ``max_unknown`` unknown scored
items, leaves the assessment **incomplete**: its grade is provisional. A knock-out (0 on a knock-out
item, or an answer listed in ``knockout_when``) fails the prospect whatever the total and whatever is
still unknown. Grades follow the set's rules, first match wins; failed prospects are D.
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
    total: int  # over the answered scored items
    max_score: int
    pass_line: int
    items: tuple[ItemScore, ...]
    knockouts: tuple[str, ...]  # question keys that knocked the prospect out
    unknown_knockouts: tuple[str, ...] = ()  # knock-out questions still to find out
    max_unknown: int = 2  # more unknown scored items than this: assessment incomplete

    @property
    def knocked_out(self) -> bool:
        return bool(self.knockouts)

    @property
    def answered(self) -> tuple[ItemScore, ...]:
        return tuple(i for i in self.items if i.score is not None)

    @property
    def unknown(self) -> tuple[str, ...]:
        """Scored items to find out (unanswered or skipped), in question order."""
        return tuple(i.key for i in self.items if i.score is None)

    @property
    def answered_max(self) -> int:
        return sum(i.max_points for i in self.answered)

    @property
    def scaled(self) -> int | None:
        """The answered items' score scaled to the full maximum (half up); None when none is answered."""
        if not self.answered_max:
            return None
        return (2 * self.total * self.max_score + self.answered_max) // (2 * self.answered_max)

    @property
    def complete(self) -> bool:
        """Enough is known to judge: no unknown knock-out and at most ``max_unknown`` unknown items
        (a knock-out already answered fails the prospect whatever is still unknown)."""
        if self.knocked_out:
            return True
        return not self.unknown_knockouts and len(self.unknown) <= self.max_unknown

    @property
    def passed(self) -> bool:
        return self.complete and not self.knocked_out and (self.scaled or 0) >= self.pass_line

    @property
    def failed(self) -> bool:
        """Below the pass line or knocked out, on a complete assessment."""
        return self.complete and not self.passed

    def weakest(self, n: int = 3) -> list[ItemScore]:
        """The lowest-scoring answered items below full marks, worst first (ties in question order)."""
        answered = [i for i in self.items if i.score is not None and i.score < 2]
        return sorted(answered, key=lambda i: (i.score, -i.weight))[:n]


@dataclass(frozen=True)
class GradeResult:
    grade: str | None  # A | B | C | D; None when nothing scored is known yet
    why: str  # knockout | below_pass | rule | unknown (nothing answered)
    rule: GradeRule | None = None
    within: bool | None = None  # the close date is inside the rule's window
    provisional: bool = False  # the assessment is incomplete: a grade from the scaled score, not final


def score_prospect(qset: QuestionSet, answers: Mapping[str, Any], pass_line: int | None = None) -> Scorecard:
    items, knockouts, unknown_ko = [], [], []
    for q in qset.questions:
        value = answers.get(q.key)
        if value is not None and value in q.knockout_when:
            knockouts.append(q.key)
        if value is None and (q.knockout or q.knockout_when):
            unknown_ko.append(q.key)
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
        unknown_knockouts=tuple(unknown_ko),
        max_unknown=qset.max_unknown,
    )


def add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def grade_prospect(card: Scorecard, rules: list[GradeRule], close: date | None, today: date) -> GradeResult:
    """The grade from the scaled score; provisional while the assessment is incomplete."""
    if card.knocked_out:
        return GradeResult("D", "knockout")
    provisional = not card.complete
    score = card.scaled
    if score is None:
        return GradeResult(None, "unknown", provisional=provisional)
    if score < card.pass_line:
        return GradeResult("D", "below_pass", provisional=provisional)
    for rule in rules:
        if score < card.pass_line + rule.min_above_pass:
            continue
        if rule.within_months is None:
            return GradeResult(rule.grade, "rule", rule, provisional=provisional)
        if close is not None and close <= add_months(today, rule.within_months):
            return GradeResult(rule.grade, "rule", rule, within=True, provisional=provisional)
    return GradeResult("D", "below_pass")  # unreachable: the schema requires a catch-all rule


@dataclass(frozen=True)
class Need:
    """One way to reach a grade: the score still needed (None: already there) and the close window
    still needed (None: already inside it), with the last date that window allows."""

    score: int | None = None
    within_months: int | None = None
    by: date | None = None


@dataclass(frozen=True)
class NextGrade:
    grade: str  # the next grade up
    needs: tuple[Need, ...]  # any one of them is enough (the set's rules for that grade)


GRADE_LADDER = ("D", "C", "B", "A")


def next_grade(
    card: Scorecard, rules: list[GradeRule], result: GradeResult, close: date | None, today: date
) -> NextGrade | None:
    """What the next grade up needs (SPEC §3.4: "A needs a close within 3 months"): the score and/or
    close window each of that grade's rules still asks for. None at the top, before any grade, while
    the grade is provisional (finding out comes first) or after a knock-out (no total lifts it)."""
    if result.provisional or card.knocked_out or card.scaled is None:
        return None
    return next_grade_from(result.grade, card.scaled, card.pass_line, rules, close, today)


def next_grade_from(
    grade: str | None, score: int, pass_line: int, rules: list[GradeRule], close: date | None, today: date
) -> NextGrade | None:
    """``next_grade`` from a stored grade and scaled score (the deal card's), not knocked out."""
    if grade not in GRADE_LADDER[:-1]:
        return None
    for target in GRADE_LADDER[GRADE_LADDER.index(grade) + 1 :]:
        needs = []
        for rule in (r for r in rules if r.grade == target):
            threshold = pass_line + rule.min_above_pass
            need_score = threshold if score < threshold else None
            months = by = None
            if rule.within_months is not None:
                by = add_months(today, rule.within_months)
                if close is None or close > by:
                    months = rule.within_months
            need = Need(need_score, months, by if months is not None else None)
            if need != Need() and need not in needs:
                needs.append(need)
        if needs:  # fewest conditions first, then in the set's order
            needs.sort(key=lambda n: (n.score is not None) + (n.within_months is not None))
            return NextGrade(target, tuple(needs))
    return None


def recommend(card: Scorecard) -> str:
    """pursue a passed prospect; drop a knocked-out one; keep a low scorer at a lower contact level;
    find out first when the assessment is incomplete (a prospect has not failed by being unknown)."""
    if card.knocked_out:
        return "drop"
    if not card.complete:
        return "find_out"
    return "pursue" if card.passed else "lower"
