"""The demo team's interview answers add up to each demo deal's score, from whatever question set."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace as NS

import pytest

from sandbox.demo.answers import demo_answers


def scored(key: str, weight: int = 1, knockout: bool = False) -> NS:
    options = [NS(value=f"{key}{n}", score=n) for n in (2, 1, 0)]
    return NS(
        key=key, kind="choice", item=1, weight=weight, knockout=knockout, options=options, knockout_when=[]
    )


QSET = NS(
    questions=[
        NS(
            key="need",
            kind="choice",
            item=None,
            options=[NS(value="unclear"), NS(value="pain")],
            knockout_when=["unclear"],
            knockout=False,
            weight=1,
        ),  # fmt: skip
        NS(key="budget", kind="amount", item=None, options=[], knockout_when=[], knockout=False, weight=1),
        NS(key="close", kind="date", item=None, options=[], knockout_when=[], knockout=False, weight=1),
        scored("fit"),
        scored("meets", knockout=True),
        scored("credit", knockout=True),
        scored("price", weight=2),
        scored("timing"),
    ]
)
POINTS = {f"{k}{n}": n * w for k, w in [("fit", 1), ("meets", 1), ("credit", 1), ("price", 2), ("timing", 1)]
          for n in (0, 1, 2)}  # fmt: skip


def total(answers: dict) -> int:
    return sum(POINTS[v["choice"]] for v in answers.values() if isinstance(v, dict) and "choice" in v)


@pytest.mark.parametrize("score", [12, 9, 7, 4])
def test_scored_items_add_up_and_no_knock_out_unless_asked(score):
    answers = demo_answers(
        QSET, score=score, knocked_out=False, amount=Decimal(3_000_000), close=date(2027, 1, 31)
    )
    assert total(answers) == score
    assert answers["meets"]["score"] > 0 and answers["credit"]["score"] > 0
    assert answers["need"] == "pain"  # never an answer that knocks the prospect out
    assert answers["budget"] == {"amount": "3000000", "currency": "CNY"} and answers["close"] == "2027-01-31"


def test_the_failed_prospect_is_knocked_out_on_one_item():
    answers = demo_answers(QSET, score=7, knocked_out=True, amount=Decimal(600_000), close=None)
    assert answers["meets"] == {"choice": "meets0", "score": 0} and answers["credit"]["score"] > 0
    assert total(answers) == 7 and "close" not in answers
