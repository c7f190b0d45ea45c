"""Pipeline queries: milestones, red flags, payments, the latest interview, open nudges, deal lists."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, or_
from sqlmodel import Session, select

from storage.models import Deal, Interview, Milestone, Nudge, Payment, RedFlag

OPEN_NUDGE_STATUSES = ("pending", "sent")


def add_milestone(
    session: Session,
    *,
    deal: Deal,
    stage: str,
    what: str,
    evidence: str | None,
    met_on: date,
    by: str,
    at: datetime,
    checkpoint: str | None = None,
) -> Milestone:
    row = Milestone(
        team_id=deal.team_id,
        deal_id=deal.id,
        stage=stage,
        checkpoint=checkpoint,
        what=what,
        evidence=evidence,
        met_on=met_on,
        recorded_by=by,
        recorded_at=at,
    )
    session.add(row)
    session.flush()
    return row


def milestones_of(session: Session, *, team_id: str, deal_id: int) -> list[Milestone]:
    return list(
        session.exec(
            select(Milestone)
            .where(Milestone.team_id == team_id, Milestone.deal_id == deal_id)
            .order_by(Milestone.recorded_at, Milestone.id)
        )
    )


def raise_flag(session: Session, *, deal: Deal, kind: str, reason: str, by: str, at: datetime) -> RedFlag:
    row = RedFlag(team_id=deal.team_id, deal_id=deal.id, kind=kind, reason=reason, raised_by=by, raised_at=at)
    session.add(row)
    session.flush()
    return row


def clear_flags(session: Session, *, deal: Deal, kind: str, by: str, at: datetime) -> int:
    """Clear the deal's open flags of ``kind``; how many."""
    rows = list(
        session.exec(
            select(RedFlag).where(
                RedFlag.team_id == deal.team_id,
                RedFlag.deal_id == deal.id,
                RedFlag.kind == kind,
                RedFlag.cleared_at.is_(None),
            )
        )
    )
    for row in rows:
        row.cleared_at, row.cleared_by = at, by
        session.add(row)
    session.flush()
    return len(rows)


def _by_deal(session: Session, model, *, team_id: str, deal_ids: Iterable[int], open_clause, order) -> dict:  # noqa: ANN001
    """Rows of ``model`` for these deals that match ``open_clause``, grouped by deal id (one query)."""
    ids = list(deal_ids)
    out: dict[int, list] = defaultdict(list)
    if not ids:
        return out
    rows = session.exec(
        select(model).where(model.team_id == team_id, model.deal_id.in_(ids), open_clause).order_by(*order)
    )
    for row in rows:
        out[row.deal_id].append(row)
    return out


def open_flags(session: Session, *, team_id: str, deal_ids: Iterable[int]) -> dict[int, list[RedFlag]]:
    return _by_deal(
        session,
        RedFlag,
        team_id=team_id,
        deal_ids=deal_ids,
        open_clause=RedFlag.cleared_at.is_(None),
        order=(RedFlag.raised_at, RedFlag.id),
    )


def add_payment(
    session: Session, *, deal: Deal, amount: Decimal, paid_on: date, by: str, at: datetime
) -> Payment:
    row = Payment(
        team_id=deal.team_id,
        deal_id=deal.id,
        amount=amount,
        currency=deal.currency,
        paid_on=paid_on,
        recorded_by=by,
        recorded_at=at,
    )
    session.add(row)
    session.flush()
    return row


def payments_of(session: Session, *, team_id: str, deal_id: int) -> list[Payment]:
    return list(
        session.exec(
            select(Payment).where(Payment.team_id == team_id, Payment.deal_id == deal_id).order_by(Payment.id)
        )
    )


def latest_done_interview(session: Session, *, team_id: str, deal_id: int) -> Interview | None:
    return session.exec(
        select(Interview)
        .where(Interview.team_id == team_id, Interview.deal_id == deal_id, Interview.status == "done")
        .order_by(Interview.finished_at.desc(), Interview.id.desc())
    ).first()


def failed_deal_ids(session: Session, *, team_id: str, deal_ids: Iterable[int]) -> set[int]:
    """Deals whose latest finished assessment failed them: knocked out, or complete and below the pass
    line (the verdict's recommendation then is drop or lower contact), whatever grade they carry now."""
    ids = list(deal_ids)
    if not ids:
        return set()
    latest = (
        select(Interview.deal_id, func.max(Interview.id).label("iid"))
        .where(Interview.team_id == team_id, Interview.deal_id.in_(ids), Interview.status == "done")
        .group_by(Interview.deal_id)
        .subquery()
    )
    q = (
        select(Interview.deal_id)
        .join(latest, Interview.id == latest.c.iid)
        .where(or_(Interview.knocked_out.is_(True), Interview.recommendation.in_(("lower", "drop"))))
    )
    return set(session.exec(q))


def open_nudges(session: Session, *, team_id: str, deal_ids: Iterable[int]) -> dict[int, list[Nudge]]:
    return _by_deal(
        session,
        Nudge,
        team_id=team_id,
        deal_ids=deal_ids,
        open_clause=Nudge.status.in_(OPEN_NUDGE_STATUSES),
        order=(Nudge.due_at, Nudge.id),
    )


def deals_with_customer_step(session: Session, *, team_id: str, deal_ids: Iterable[int]) -> list[Deal]:
    """The deals among ``deal_ids`` whose customer's buying step is recorded."""
    ids = list(deal_ids)
    if not ids:
        return []
    q = select(Deal).where(Deal.team_id == team_id, Deal.id.in_(ids), Deal.customer_step.is_not(None))
    return list(session.exec(q.order_by(Deal.id)))


def deals_of_owners(
    session: Session,
    *,
    team_id: str,
    owner_ids: Iterable[str] | None,
    statuses: Iterable[str] = ("open", "on_hold"),
    limit: int = 2000,
) -> list[Deal]:
    """Deals of these owners (None = the whole workspace), oldest stage entry first."""
    q = select(Deal).where(Deal.team_id == team_id, Deal.status.in_(list(statuses)))
    if owner_ids is not None:
        q = q.where(Deal.owner_id.in_(list(owner_ids)))
    return list(session.exec(q.order_by(Deal.stage_entered_at, Deal.id).limit(limit)))
