"""Why we lose: loss reasons and winning competitors in a window (the scores per item: funnel_scores)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import distinct, func, select
from sqlmodel import Session

from storage.models import Deal, DealEvent
from storage.repo.funnel import Scope


# --------------------------------------------------------------------------- why we lose
def loss_reasons(session: Session, *, scope: Scope, start: datetime, end: datetime, limit: int) -> list:
    q = (
        select(DealEvent.reason, func.count(distinct(DealEvent.deal_id)))
        .join(Deal, Deal.id == DealEvent.deal_id)
        .where(*scope.where(), DealEvent.kind == "lost", DealEvent.at >= start, DealEvent.at < end)
        .group_by(DealEvent.reason)
        .order_by(func.count(distinct(DealEvent.deal_id)).desc(), DealEvent.reason)
        .limit(limit)
    )
    return [(r or "other", n) for r, n in session.execute(q)]


def loss_competitors(session: Session, *, scope: Scope, start: datetime, end: datetime, limit: int) -> list:
    q = (
        select(DealEvent.competitor, func.count(distinct(DealEvent.deal_id)))
        .join(Deal, Deal.id == DealEvent.deal_id)
        .where(
            *scope.where(),
            DealEvent.kind == "lost",
            DealEvent.at >= start,
            DealEvent.at < end,
            DealEvent.competitor.is_not(None),
            DealEvent.competitor != "",
        )
        .group_by(DealEvent.competitor)
        .order_by(func.count(distinct(DealEvent.deal_id)).desc(), DealEvent.competitor)
        .limit(limit)
    )
    return list(session.execute(q).all())
