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
