"""Why we lose: loss reasons and winning competitors in a window (the scores per item: funnel_scores)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import distinct, func, select
from sqlmodel import Session

from storage.models import Deal, DealEvent
from storage.repo.funnel.figures import Scope


def losses(
    session: Session, *, scope: Scope, start: datetime, end: datetime, limit: int
) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """The top reasons and the top winning competitors of deals lost in [start, end), by deal count.

    One grouped query on the (team, kind, at) index; the groups (reason × competitor) are few.
    """
    q = (
        select(DealEvent.reason, DealEvent.competitor, func.count(distinct(DealEvent.deal_id)))
        .where(
            DealEvent.team_id == scope.team_id,
            DealEvent.kind == "lost",
            DealEvent.at >= start,
            DealEvent.at < end,
        )
        .group_by(DealEvent.reason, DealEvent.competitor)
    )
    if not scope.is_team():
        q = q.join(Deal, Deal.id == DealEvent.deal_id).where(*scope.where())
    reasons: Counter[str] = Counter()
    winners: Counter[str] = Counter()
    for reason, competitor, n in session.execute(q):
        reasons[reason or "other"] += n
        if competitor and competitor.strip():
            winners[competitor.strip()] += n

    def top(c: Counter[str]) -> list[tuple[str, int]]:
        return sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]

    return top(reasons), top(winners)


def died_and_unseen(
    session: Session, *, scope: Scope, start: datetime, end: datetime
) -> tuple[list[tuple[str, int]], int, int]:
    """Deals lost in [start, end): the stage each died in (deal count per stage), and of those lost to a
    named winner, how many never had that winner recorded during the deal (in a check-in, a typed
    interview answer, a milestone or an earlier event) — two grouped queries, no query per deal."""
    from sqlalchemy import and_, exists, or_
    from sqlalchemy.orm import aliased

    from storage.models import CheckIn, Interview, InterviewAnswer, Milestone

    lost = aliased(DealEvent)
    window = (
        lost.team_id == scope.team_id,
        lost.kind == "lost",
        lost.at >= start,
        lost.at < end,
        Deal.id == lost.deal_id,
        Deal.status == "lost",
        *scope.where(),
    )
    died = session.execute(
        select(Deal.stage, func.count(distinct(Deal.id))).where(*window).group_by(Deal.stage)
    ).all()
    winner = func.lower(func.trim(lost.competitor))

    def named(*cols) -> object:  # noqa: ANN002
        return or_(*(func.lower(c).contains(winner) for c in cols))

    earlier = aliased(DealEvent)
    seen = or_(
        exists().where(CheckIn.deal_id == lost.deal_id, CheckIn.created_at < lost.at,
                       named(CheckIn.done_text, CheckIn.progress_text, CheckIn.blockers, CheckIn.next_step)),
        exists().where(Milestone.deal_id == lost.deal_id, Milestone.recorded_at < lost.at,
                       named(Milestone.what, Milestone.evidence)),
        exists().where(earlier.deal_id == lost.deal_id, earlier.at < lost.at, earlier.id != lost.id,
                       named(earlier.competitor, earlier.note, earlier.reason)),
        exists().where(Interview.deal_id == lost.deal_id, InterviewAnswer.interview_id == Interview.id,
                       InterviewAnswer.answered_at < lost.at, named(InterviewAnswer.raw_text)),
    )  # fmt: skip
    with_winner = and_(lost.competitor.is_not(None), func.trim(lost.competitor) != "")
    named_n, unseen_n = session.execute(
        select(
            func.count(distinct(Deal.id)).filter(with_winner),
            func.count(distinct(Deal.id)).filter(and_(with_winner, ~seen)),
        ).where(*window)
    ).one()
    order = sorted(((s or "?", n) for s, n in died), key=lambda kv: (-kv[1], kv[0]))
    return order, int(unseen_n or 0), int(named_n or 0)
