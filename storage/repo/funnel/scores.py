"""Why we lose, by qualification item: the average score of each scored question in lost vs won deals.

An answer scores through the question set: (question key, chosen option value) → the option's score,
given as ``option_scores`` and evaluated in SQL as a CASE. A value that is a JSON number, or an object
with a numeric ``score``, counts as that number. With ``scored_keys`` only those questions count (so an
amount or a date is never taken for a score). Everything runs in SQL: no answer rows in Python.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime

from sqlalchemy import and_, case, exists, func, literal, literal_column, select
from sqlmodel import Session

from storage.models import Deal, DealEvent, Interview, InterviewAnswer
from storage.repo.funnel.figures import Scope

_TEXT_SQL = {
    "sqlite": "json_extract(interview_answer.value, '$')",
    "postgresql": "(interview_answer.value #>> '{}')",
}
_SCORE_SQL = {
    "sqlite": (
        "CASE WHEN json_type(interview_answer.value) IN ('integer','real') "
        "THEN CAST(json_extract(interview_answer.value, '$') AS REAL) "
        "WHEN json_type(interview_answer.value, '$.score') IN ('integer','real') "
        "THEN CAST(json_extract(interview_answer.value, '$.score') AS REAL) END"
    ),
    "postgresql": (
        "CASE WHEN json_typeof(interview_answer.value) = 'number' "
        "THEN CAST(interview_answer.value #>> '{}' AS DOUBLE PRECISION) "
        "WHEN json_typeof(interview_answer.value) = 'object' "
        "AND json_typeof(interview_answer.value -> 'score') = 'number' "
        "THEN CAST(interview_answer.value ->> 'score' AS DOUBLE PRECISION) END"
    ),
}


def item_scores(
    session: Session,
    *,
    scope: Scope,
    start: datetime,
    end: datetime,
    option_scores: Mapping[tuple[str, str], int] | None = None,
    scored_keys: Collection[str] | None = None,
) -> dict[str, dict[str, tuple[float, int]]]:
    """{question_key: {"lost": (avg, n), "won": (avg, n)}} over deals lost in [start, end) and won deals.

    Only current answers (not superseded, not skipped) of interviews that were not replaced count.
    """
    dialect = session.get_bind().dialect.name
    numeric = literal_column(_SCORE_SQL[dialect])
    chosen = literal_column(_TEXT_SQL[dialect])
    by_option = [
        (and_(InterviewAnswer.question_key == key, chosen == value), literal(float(points)))
        for (key, value), points in (option_scores or {}).items()
    ]
    score = case(*by_option, else_=numeric) if by_option else numeric
    lost_in_window = exists().where(
        DealEvent.deal_id == Deal.id,
        DealEvent.kind == "lost",
        DealEvent.at >= start,
        DealEvent.at < end,
    )
    outcome = case(
        (and_(Deal.status == "lost", lost_in_window), literal("lost")),
        (Deal.status == "won", literal("won")),
        else_=literal("other"),
    ).label("outcome")
    q = (
        select(InterviewAnswer.question_key, outcome, func.avg(score), func.count(score))
        .join(Interview, Interview.id == InterviewAnswer.interview_id)
        .join(Deal, Deal.id == Interview.deal_id)
        .where(
            *scope.where(),
            Deal.status.in_(("lost", "won")),
            InterviewAnswer.team_id == scope.team_id,
            InterviewAnswer.superseded_by.is_(None),
            InterviewAnswer.skipped.is_(False),
            Interview.status != "replaced",
        )
        .group_by(InterviewAnswer.question_key, outcome)
    )
    if scored_keys is not None:
        q = q.where(InterviewAnswer.question_key.in_(list(scored_keys)))
    out: dict[str, dict[str, tuple[float, int]]] = {}
    for key, which, avg, n in session.execute(q):
        if which == "other" or not n:
            continue
        out.setdefault(key, {})[which] = (float(avg), int(n))
    return out
