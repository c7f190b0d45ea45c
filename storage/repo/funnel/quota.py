"""Quotas per rep and period, and the CSV export's deal rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, func, select, type_coerce
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from storage.models import Deal, Quota
from storage.repo.funnel.figures import (
    Scope,
    Weighting,
    bucket_expr,
    committed_expr,
    probability_expr,
    weighted_expr,
)


# --------------------------------------------------------------------------- quotas and export
def upsert_quota(
    session: Session,
    *,
    team_id: str,
    rep_id: str,
    period: str,
    period_start: date,
    period_end: date,
    amount: Decimal,
    currency: str,
    set_by: str,
    now: datetime,
) -> None:
    """One quota per (team, rep, period): a second ``/funnel quota`` for the same period replaces it."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    values = dict(
        team_id=team_id,
        rep_id=rep_id,
        period=period,
        period_start=period_start,
        period_end=period_end,
        amount=amount,
        currency=currency,
        set_by=set_by,
        set_at=now,
    )
    stmt = dialect.insert(Quota).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["team_id", "rep_id", "period"],
        set_={"amount": amount, "currency": currency, "set_by": set_by, "set_at": now},
    )
    session.execute(stmt)


def get_quota(session: Session, *, team_id: str, rep_id: str, period: str) -> Quota | None:
    return session.execute(
        select(Quota).where(Quota.team_id == team_id, Quota.rep_id == rep_id, Quota.period == period)
    ).scalar_one_or_none()


def any_quota(session: Session, *, team_id: str) -> bool:
    """Whether the workspace has set any quota (App Home's setup checklist)."""
    stmt = select(Quota.id).where(Quota.team_id == team_id).limit(1)
    return session.execute(stmt).first() is not None


EXPORT_COLUMNS = (
    "id",
    "account",
    "title",
    "owner_id",
    "stage",
    "status",
    "grade",
    "amount",
    "currency",
    "probability",
    "weighted",
    "funnel",
    "committed",
    "expected_close",
    "stage_entered_at",
)


def count_deals(session: Session, *, scope: Scope) -> int:
    return session.execute(select(func.count()).select_from(Deal).where(*scope.where())).scalar_one()


def export_rows(session: Session, *, scope: Scope, w: Weighting):  # noqa: ANN201
    """Every deal in scope as EXPORT_COLUMNS tuples, streamed in batches (never all in memory)."""
    q = (
        select(
            Deal.id,
            Deal.account,
            Deal.title,
            Deal.owner_id,
            Deal.stage,
            Deal.status,
            Deal.grade,
            Deal.amount,
            Deal.currency,
            probability_expr(w),
            weighted_expr(w),
            bucket_expr(),
            type_coerce(committed_expr(w), Boolean).label("committed"),  # a bool on every dialect
            Deal.expected_close,
            Deal.stage_entered_at,
        )
        .where(*scope.where())
        .order_by(Deal.owner_id, Deal.id)
        .execution_options(yield_per=1000)
    )
    yield from session.execute(q)


def quotas(
    session: Session, *, team_id: str, period: str, rep_ids: Sequence[str] | None
) -> dict[tuple, Decimal]:
    q = select(Quota.rep_id, Quota.currency, Quota.amount).where(
        Quota.team_id == team_id, Quota.period == period
    )
    if rep_ids is not None:
        q = q.where(Quota.rep_id.in_(rep_ids))
    return {(r, c): Decimal(str(a)).quantize(Decimal("0.01")) for r, c, a in session.execute(q)}
