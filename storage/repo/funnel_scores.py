"""Why we lose, by qualification item: the average score of each scored question in lost vs won deals.

Answer rows are read generically (question_key + a numeric value): ``value`` is a JSON number, or an
object with a numeric ``score``. Anything else (text, lists, skipped) does not count. The numeric
extraction runs in SQL on both dialects, so no answer rows are loaded into Python.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, case, exists, func, literal, literal_column, select
from sqlmodel import Session

from storage.models import Deal, DealEvent, Interview, InterviewAnswer
from storage.repo.funnel import Scope

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
    session: Session, *, scope: Scope, start: datetime, end: datetime
) -> dict[str, dict[str, tuple[float, int]]]:
    """{question_key: {"lost": (avg, n), "won": (avg, n)}} over deals lost in [start, end) and won deals.

    Only current answers (not superseded, not skipped) of interviews that were not replaced count.
    """
    score = literal_column(_SCORE_SQL[session.get_bind().dialect.name])
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
    out: dict[str, dict[str, tuple[float, int]]] = {}
    for key, which, avg, n in session.execute(q):
        if which == "other" or not n:
            continue
        out.setdefault(key, {})[which] = (float(avg), int(n))
    return out
