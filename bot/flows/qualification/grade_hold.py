"""A rep's deliberate downgrade holds (SPEC §3.4): a regrade never raises a manually lowered grade
unless the score or the expected close changed after the downgrade (then the rule grades again)."""

from __future__ import annotations

from typing import Any

from storage.models import Deal

RANK = {"A": 0, "B": 1, "C": 2, "D": 3}
RELEASED = {"downgraded_at": None, "downgrade_score": None, "downgrade_close": None}


def is_held(deal: Deal, score: int | None) -> bool:
    """The downgrade still holds: nothing it was judged on (score, expected close) has changed."""
    return deal.downgraded_at is not None and (score, deal.expected_close) == (
        deal.downgrade_score,
        deal.downgrade_close,
    )


def held_grade(deal: Deal, computed: str | None, score: int | None) -> tuple[str | None, dict[str, Any]]:
    """The grade to store for a regrade that computed ``computed`` (at ``score``), and the deal's
    downgrade fields to change with it (released when new data came in)."""
    if deal.downgraded_at is None:
        return computed, {}
    if not is_held(deal, score):
        return computed, dict(RELEASED)
    if computed is None or deal.grade is None:
        return deal.grade or computed, {}
    return (deal.grade if RANK.get(computed, 3) < RANK.get(deal.grade, 3) else computed), {}
