"""Interview answers for the demo team, chosen from the loaded question set so that the scorecard
adds up to the demo deal's score (and knocks out the one prospect that failed). Generic: it reads the
question kinds and option scores, never a particular question key."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any


def demo_answers(qset: Any, *, score: int, knocked_out: bool, amount: Decimal, close: date | None) -> dict:
    """question key -> stored value; scored items total ``score`` where the weights allow it."""
    answers: dict[str, Any] = {}
    for q in qset.questions:
        if q.item is None:
            value = _plain_answer(q, amount, close)
            if value is not None:
                answers[q.key] = value
    scored = [q for q in qset.questions if q.item is not None]
    chosen = {q.key: 2 for q in scored}
    if knocked_out:
        ko = next((q for q in scored if q.knockout), None)
        if ko is not None:
            chosen[ko.key] = 0
    total = sum(chosen[q.key] * q.weight for q in scored)
    for q in reversed(scored):  # lower the later items first, never a knock-out item to 0
        floor = 1 if q.knockout and chosen[q.key] else 0
        while chosen[q.key] > floor and total - q.weight >= score:
            chosen[q.key] -= 1
            total -= q.weight
    for q in scored:  # stored as the interview stores a scored choice: with its score
        option = next((o for o in q.options if o.score == chosen[q.key]), None)
        if option is not None:
            answers[q.key] = {"choice": option.value, "score": option.score}
    return answers


def _plain_answer(q: Any, amount: Decimal, close: date | None) -> Any:
    if q.kind in ("choice", "yes_no"):
        fine = [o.value for o in q.options if o.value not in q.knockout_when]
        return fine[0] if fine else None
    if q.kind == "amount":
        return {"amount": str(int(amount)), "currency": "CNY"}
    if q.kind == "date":
        return close.isoformat() if close else None
    if q.kind == "person":
        return {"name": "Li Ming", "title": "deputy plant manager"}
    if q.kind == "percent":
        return 22
    if q.kind == "number":
        return 2
    if q.kind == "text":
        return "Sunan Boiler, strong on price"
    return None
