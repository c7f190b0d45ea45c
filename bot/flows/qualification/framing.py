"""The four framing questions (SPEC §3.1) answered from the interview's data (pure).

Reads the default set's keys (need, budget_realistic, hard_constraint, meets_needs, edges,
relationship, coach, margin, credit, competitors); a company set without them gets "unclear".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.flows.qualification.scoring import Scorecard

EDGES = ("edge_product", "edge_price", "edge_service")
WIN = ("meets_needs", "relationship", *EDGES)


@dataclass(frozen=True)
class Frame:
    verdict: str  # a catalog word: yes | no | unclear | hard | weak | even | strong | marginal
    detail: dict[str, Any] = field(default_factory=dict)


def _avg(card: Scorecard, keys: tuple[str, ...]) -> float | None:
    scores = [i.score for i in card.items if i.key in keys and i.score is not None]
    return sum(scores) / len(scores) if scores else None


def real_opportunity(answers: Mapping[str, Any]) -> Frame:
    need = answers.get("need")
    if need is None:
        return Frame("unclear")
    if need == "unclear" or answers.get("budget_realistic") == "unrealistic":
        return Frame("no", {"need": need})
    return Frame("yes", {"need": need})


def can_we_win(answers: Mapping[str, Any], card: Scorecard) -> Frame:
    coach = isinstance(answers.get("coach"), dict)
    if card.knocked_out:
        return Frame("no", {"coach": coach})
    avg = _avg(card, WIN)
    if avg is None:
        return Frame("unclear", {"coach": coach})
    verdict = "yes" if avg >= 1.5 else "hard" if avg >= 0.75 else "no"
    return Frame(verdict, {"coach": coach})


def competition(answers: Mapping[str, Any], card: Scorecard) -> Frame:
    count = answers.get("competitor_count")
    names = answers.get("competitors")
    avg = _avg(card, EDGES)
    detail = {"count": count, "names": names}
    if avg is None:
        return Frame("unclear", detail)
    return Frame("weak" if avg >= 1.5 else "even" if avg >= 0.75 else "strong", detail)


def worth_winning(answers: Mapping[str, Any], average_margin: float | None) -> Frame:
    margin = answers.get("margin")
    detail = {"margin": margin, "average": average_margin}
    if answers.get("credit") == "poor":
        return Frame("no", detail)
    if margin is None or not average_margin:
        return Frame("unclear", detail)
    if margin >= average_margin or answers.get("further_business") == "yes":
        return Frame("yes", detail)
    return Frame("marginal" if margin >= average_margin / 2 else "no", detail)


def frame_prospect(
    answers: Mapping[str, Any], card: Scorecard, average_margin: float | None
) -> tuple[Frame, Frame, Frame, Frame]:
    return (
        real_opportunity(answers),
        can_we_win(answers, card),
        competition(answers, card),
        worth_winning(answers, average_margin),
    )
