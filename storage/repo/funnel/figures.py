"""Funnel figures by SQL aggregation: every function returns grouped rows, never every deal.

``Scope`` narrows a query to a team and, optionally, to owners / a stage / a grade. Money comes back
grouped by currency so the caller can total the base currency and list the others separately.
Weighted amounts are computed in SQL: amount × (probability_override, else the stage's probability).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import and_, case, distinct, func, literal, literal_column, or_, select
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session

from storage.models import Deal, DealEvent, Nudge, Payment

OPEN = "open"


@dataclass(frozen=True)
class Scope:
    team_id: str
    owner_ids: tuple[str, ...] | None = None  # None = every owner of the team
    stage: str | None = None
    grade: str | None = None

    def is_team(self) -> bool:
        """The whole team, no narrowing by owner, stage or grade."""
        return self.owner_ids is None and self.stage is None and self.grade is None

    def where(self) -> list[ColumnElement]:
        out: list[ColumnElement] = [Deal.team_id == self.team_id]
        if self.owner_ids is not None:
            out.append(Deal.owner_id.in_(self.owner_ids))
        if self.stage is not None:
            out.append(Deal.stage == self.stage)
        if self.grade is not None:
            out.append(Deal.grade == self.grade)
        return out


def probability_expr(probabilities: Mapping[str, int]) -> ColumnElement:
    """The deal's win probability in percent: its override, else its stage's (0 for unknown stages)."""
    by_stage = case({k: v for k, v in probabilities.items()}, value=Deal.stage, else_=0)
    return func.coalesce(Deal.probability_override, by_stage)


def weighted_expr(probabilities: Mapping[str, int]) -> ColumnElement:
    # 100.0 as a literal: exact numeric on PostgreSQL, and no integer division on SQLite
    return func.coalesce(Deal.amount, 0) * probability_expr(probabilities) / literal_column("100.0")


def grade_mix_expr() -> ColumnElement:
    """The deal's bucket in the grade mix: its grade, or "incomplete" while its assessment has items to
    find out (a provisional grade is no grade yet, SPEC §3.3)."""
    return case((Deal.assessment_incomplete.is_(True), literal("incomplete")), else_=Deal.grade)


def _money(v) -> Decimal:  # noqa: ANN001
    return Decimal(str(v or 0)).quantize(Decimal("0.01"))


# --------------------------------------------------------------------------- the funnel
OpenGroup = tuple[str, str, str, str | None, bool, int, Decimal, Decimal]


def open_groups(session: Session, *, scope: Scope, probabilities: Mapping[str, int]) -> list[OpenGroup]:
    """Open deals grouped by (owner, stage, currency, grade, committed): count, amount, weighted.

    One scan feeds the stage table, the grade mix, the commitment and the per-rep pipeline; the
    result has at most owners × stages × currencies × 5 grades × 2 rows, whatever the deal count.
    """
    keys = (Deal.owner_id, Deal.stage, Deal.currency, grade_mix_expr(), Deal.committed)
    q = (
        select(
            *keys,
            func.count(),
            func.sum(func.coalesce(Deal.amount, 0)),
            func.sum(weighted_expr(probabilities)),
        )
        .where(*scope.where(), Deal.status == OPEN)
        .group_by(*keys)
    )
    return [(o, st, c, g, bool(k), n, _money(a), _money(w)) for o, st, c, g, k, n, a, w in session.execute(q)]


def movement(
    session: Session, *, scope: Scope, start: datetime, end: datetime, order: Mapping[str, int]
) -> dict[str, int]:
    """Distinct deals per movement in [start, end): new, advanced, won, lost, dropped, delayed."""
    from_ord = case(dict(order), value=DealEvent.from_value, else_=0)
    to_ord = case(dict(order), value=DealEvent.to_value, else_=0)
    bucket = case(
        (DealEvent.kind == "created", literal("new")),
        (and_(DealEvent.kind == "stage", to_ord > from_ord), literal("advanced")),
        (DealEvent.kind == "on_hold", literal("delayed")),
        (DealEvent.kind.in_(("won", "lost", "dropped")), DealEvent.kind),
        else_=literal("other"),
    ).label("bucket")
    q = (
        select(bucket, func.count(distinct(DealEvent.deal_id)))
        .where(
            DealEvent.team_id == scope.team_id,
            DealEvent.at >= start,
            DealEvent.at < end,
            DealEvent.kind.in_(("created", "stage", "on_hold", "won", "lost", "dropped")),
        )
        .group_by(bucket)
    )
    if not scope.is_team():
        q = q.join(Deal, Deal.id == DealEvent.deal_id).where(*scope.where())
    return {k: n for k, n in session.execute(q) if k != "other"}


# --------------------------------------------------------------------------- money of the period
def _events(scope: Scope, kind: str, start: datetime, end: datetime, to_value: str | None = None):  # noqa: ANN202
    """Deal ids with an event of ``kind`` in [start, end) (the (team, kind, at) index)."""
    q = select(DealEvent.deal_id).where(
        DealEvent.team_id == scope.team_id, DealEvent.kind == kind, DealEvent.at >= start, DealEvent.at < end
    )
    return q.where(DealEvent.to_value == to_value) if to_value is not None else q


def _sum_by(session: Session, q) -> dict[tuple, Decimal]:  # noqa: ANN001
    return {tuple(row[:-1]): _money(row[-1]) for row in session.execute(q)}


def _event_deals_by_owner(session: Session, scope: Scope, events) -> dict[tuple, Decimal]:  # noqa: ANN001
    """Σ amount per (owner, currency) of the deals in ``events``: driven from the event index, each
    deal once, joined by primary key (no scan of every deal)."""
    ids = events.distinct().subquery("ev")
    q = (
        select(Deal.owner_id, Deal.currency, func.sum(func.coalesce(Deal.amount, 0)))
        .select_from(ids)
        .join(Deal, Deal.id == ids.c.deal_id)
        .where(*scope.where())
        .group_by(Deal.owner_id, Deal.currency)
    )
    return _sum_by(session, q)


def achieved_by_owner(
    session: Session, *, scope: Scope, start: datetime, end: datetime, last_stage: str
) -> dict[tuple, Decimal]:
    """Contract value of deals that entered the last stage (signed) in [start, end)."""
    return _event_deals_by_owner(session, scope, _events(scope, "stage", start, end, last_stage))


def won_by_owner(session: Session, *, scope: Scope, start: datetime, end: datetime) -> dict[tuple, Decimal]:
    """Contract value of deals marked won (full payment) in [start, end)."""
    return _event_deals_by_owner(session, scope, _events(scope, "won", start, end))


def cash(session: Session, *, scope: Scope, start: date, end: date) -> dict[str, Decimal]:
    """Payments dated in [start, end), per payment currency."""
    q = select(Payment.currency, func.sum(Payment.amount)).where(
        Payment.team_id == scope.team_id, Payment.paid_on >= start, Payment.paid_on < end
    )
    if not scope.is_team():
        q = q.join(Deal, Deal.id == Payment.deal_id).where(*scope.where())
    return {c: _money(a) for c, a in session.execute(q.group_by(Payment.currency))}


def followup_compliance(
    session: Session, *, scope: Scope, start: datetime, end: datetime
) -> dict[str, tuple[int, int]]:
    """Per owner: (follow-ups answered on time, follow-ups due) among those sent with due_at in [start, end).

    On time = answered before its reminder went out (or answered with no reminder sent).
    """
    on_time = case(
        (
            and_(
                Nudge.answered_at.is_not(None),
                or_(Nudge.reminder_sent_at.is_(None), Nudge.answered_at <= Nudge.reminder_sent_at),
            ),
            1,
        ),
        else_=0,
    )
    q = (
        select(Nudge.owner_id, func.sum(on_time), func.count())
        .where(
            Nudge.team_id == scope.team_id,
            Nudge.kind.like("followup%"),
            Nudge.sent_at.is_not(None),
            Nudge.due_at >= start,
            Nudge.due_at < end,
        )
        .group_by(Nudge.owner_id)
    )
    if scope.owner_ids is not None:
        q = q.where(Nudge.owner_id.in_(scope.owner_ids))
    if scope.stage is not None or scope.grade is not None:
        q = q.join(Deal, Deal.id == Nudge.deal_id).where(*scope.where())
    return {o: (int(a or 0), int(n)) for o, a, n in session.execute(q)}
