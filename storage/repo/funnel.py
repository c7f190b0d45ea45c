"""Funnel figures by SQL aggregation: every function returns grouped rows, never every deal.

``Scope`` narrows a query to a team and, optionally, to owners / a stage / a grade. Money comes back
grouped by currency so the caller can total the base currency and list the others separately.
Weighted amounts are computed in SQL: amount × (probability_override, else the stage's probability).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import and_, case, distinct, exists, func, literal, literal_column, or_, select
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session

from storage.models import Deal, DealEvent, Nudge, Payment, Person, Quota, RedFlag

OPEN = "open"


@dataclass(frozen=True)
class Scope:
    team_id: str
    owner_ids: tuple[str, ...] | None = None  # None = every owner of the team
    stage: str | None = None
    grade: str | None = None

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


def _money(v) -> Decimal:  # noqa: ANN001
    return Decimal(str(v or 0)).quantize(Decimal("0.01"))


# --------------------------------------------------------------------------- the funnel
def stage_rows(
    session: Session, *, scope: Scope, probabilities: Mapping[str, int]
) -> list[tuple[str, str, int, Decimal, Decimal]]:
    """Open deals per (stage, currency): count, amount, weighted amount."""
    q = (
        select(
            Deal.stage,
            Deal.currency,
            func.count(),
            func.sum(func.coalesce(Deal.amount, 0)),
            func.sum(weighted_expr(probabilities)),
        )
        .where(*scope.where(), Deal.status == OPEN)
        .group_by(Deal.stage, Deal.currency)
    )
    return [(s, c, n, _money(a), _money(w)) for s, c, n, a, w in session.execute(q)]


def grade_rows(session: Session, *, scope: Scope) -> dict[str | None, int]:
    q = select(Deal.grade, func.count()).where(*scope.where(), Deal.status == OPEN).group_by(Deal.grade)
    return dict(session.execute(q).all())


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
        .join(Deal, Deal.id == DealEvent.deal_id)
        .where(
            *scope.where(),
            DealEvent.team_id == scope.team_id,
            DealEvent.at >= start,
            DealEvent.at < end,
            DealEvent.kind.in_(("created", "stage", "on_hold", "won", "lost", "dropped")),
        )
        .group_by(bucket)
    )
    return {k: n for k, n in session.execute(q) if k != "other"}


# --------------------------------------------------------------------------- money of the period
def _event_in(kind: str, start: datetime, end: datetime, to_value: str | None = None) -> ColumnElement:
    cond = [
        DealEvent.deal_id == Deal.id,
        DealEvent.kind == kind,
        DealEvent.at >= start,
        DealEvent.at < end,
    ]
    if to_value is not None:
        cond.append(DealEvent.to_value == to_value)
    return exists().where(*cond)


def _sum_by(session: Session, q) -> dict[tuple, Decimal]:  # noqa: ANN001
    return {tuple(row[:-1]): _money(row[-1]) for row in session.execute(q)}


def committed_by_owner(session: Session, *, scope: Scope) -> dict[tuple, Decimal]:
    q = (
        select(Deal.owner_id, Deal.currency, func.sum(func.coalesce(Deal.amount, 0)))
        .where(*scope.where(), Deal.status == OPEN, Deal.committed.is_(True))
        .group_by(Deal.owner_id, Deal.currency)
    )
    return _sum_by(session, q)


def achieved_by_owner(
    session: Session, *, scope: Scope, start: datetime, end: datetime, last_stage: str
) -> dict[tuple, Decimal]:
    """Contract value of deals that entered the last stage (signed) in [start, end)."""
    q = (
        select(Deal.owner_id, Deal.currency, func.sum(func.coalesce(Deal.amount, 0)))
        .where(*scope.where(), _event_in("stage", start, end, last_stage))
        .group_by(Deal.owner_id, Deal.currency)
    )
    return _sum_by(session, q)


def won_by_owner(session: Session, *, scope: Scope, start: datetime, end: datetime) -> dict[tuple, Decimal]:
    q = (
        select(Deal.owner_id, Deal.currency, func.sum(func.coalesce(Deal.amount, 0)))
        .where(*scope.where(), _event_in("won", start, end))
        .group_by(Deal.owner_id, Deal.currency)
    )
    return _sum_by(session, q)


def cash_by_owner(session: Session, *, scope: Scope, start: date, end: date) -> dict[tuple, Decimal]:
    """Payments dated in [start, end), by the deal's owner and the payment's currency."""
    q = (
        select(Deal.owner_id, Payment.currency, func.sum(Payment.amount))
        .join(Deal, Deal.id == Payment.deal_id)
        .where(
            *scope.where(), Payment.team_id == scope.team_id, Payment.paid_on >= start, Payment.paid_on < end
        )
        .group_by(Deal.owner_id, Payment.currency)
    )
    return _sum_by(session, q)


def quotas(
    session: Session, *, team_id: str, period: str, rep_ids: Sequence[str] | None
) -> dict[tuple, Decimal]:
    q = select(Quota.rep_id, Quota.currency, Quota.amount).where(
        Quota.team_id == team_id, Quota.period == period
    )
    if rep_ids is not None:
        q = q.where(Quota.rep_id.in_(rep_ids))
    return _sum_by(session, q)


def open_by_owner(
    session: Session, *, scope: Scope, probabilities: Mapping[str, int], currency: str
) -> dict[str, tuple[int, Decimal]]:
    """Per owner: open deals (any currency) and weighted pipeline in ``currency``."""
    in_base = case((Deal.currency == currency, weighted_expr(probabilities)), else_=0)
    q = (
        select(Deal.owner_id, func.count(), func.sum(in_base))
        .where(*scope.where(), Deal.status == OPEN)
        .group_by(Deal.owner_id)
    )
    return {o: (n, _money(w)) for o, n, w in session.execute(q)}


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
        .join(Deal, Deal.id == Nudge.deal_id)
        .where(
            *scope.where(),
            Nudge.team_id == scope.team_id,
            Nudge.kind.like("followup%"),
            Nudge.sent_at.is_not(None),
            Nudge.due_at >= start,
            Nudge.due_at < end,
        )
        .group_by(Nudge.owner_id)
    )
    return {o: (int(a or 0), int(n)) for o, a, n in session.execute(q)}


# --------------------------------------------------------------------------- red flags
FlagRow = tuple[int, str, str, str, Decimal | None, str]  # id, account, title, owner, amount, currency


def _flag_query(session: Session, conds: list[ColumnElement], *, limit: int, join=None) -> tuple[int, list]:  # noqa: ANN001
    base = select(Deal.id).where(*conds)
    if join is not None:
        base = base.join(*join)
    count = session.execute(select(func.count(distinct(base.subquery().c.id)))).scalar_one()
    rows = session.execute(
        select(Deal.id, Deal.account, Deal.title, Deal.owner_id, Deal.amount, Deal.currency)
        .where(Deal.id.in_(base))
        .order_by(Deal.amount.desc().nulls_last(), Deal.id)
        .limit(limit)
    ).all()
    return int(count), [tuple(r) for r in rows]


def stored_flags(session: Session, *, scope: Scope, limit: int) -> dict[str, tuple[int, list]]:
    """Red flags raised by an act and not cleared, on deals still in play, per kind."""
    kinds = session.execute(
        select(RedFlag.kind)
        .join(Deal, Deal.id == RedFlag.deal_id)
        .where(*scope.where(), RedFlag.team_id == scope.team_id, RedFlag.cleared_at.is_(None))
        .where(Deal.status.in_((OPEN, "on_hold")))
        .distinct()
    ).scalars()
    out = {}
    for kind in sorted(kinds):
        flagged = exists().where(
            RedFlag.deal_id == Deal.id, RedFlag.kind == kind, RedFlag.cleared_at.is_(None)
        )
        out[kind] = _flag_query(
            session, [*scope.where(), Deal.status.in_((OPEN, "on_hold")), flagged], limit=limit
        )
    return out


def derived_flags(
    session: Session,
    *,
    scope: Scope,
    limit: int,
    stall_cutoffs: Mapping[str, datetime],
    past_stage2: Sequence[str],
    bid_or_later: Sequence[str],
    overdue_before: datetime,
    today: date,
) -> dict[str, tuple[int, list]]:
    """Flags that follow from state (SPEC §7, §12), each: (how many deals, the top ``limit``)."""
    open_ = [*scope.where(), Deal.status == OPEN]
    stalled = or_(*(and_(Deal.stage == k, Deal.stage_entered_at < t) for k, t in stall_cutoffs.items()))
    overdue = exists().where(
        Nudge.deal_id == Deal.id,
        Nudge.kind.like("followup%"),
        Nudge.status == "sent",
        Nudge.answered_at.is_(None),
        Nudge.reminder_sent_at.is_not(None),
        Nudge.reminder_sent_at < overdue_before,
    )
    coach = exists().where(Person.deal_id == Deal.id, Person.role == "coach")
    dm_met = exists().where(Person.deal_id == Deal.id, Person.role == "decision_maker", Person.met.is_(True))
    checks = {
        "overdue": [overdue],
        "stalled": [stalled],
        "failed_prospect": [Deal.grade == "D", Deal.contact_level == "normal"],
        "no_coach": [Deal.stage.in_(past_stage2), ~coach],
        "decision_maker_not_met": [Deal.stage.in_(bid_or_later), ~dm_met],
        "close_date_past": [Deal.expected_close < today],
    }
    return {kind: _flag_query(session, [*open_, *conds], limit=limit) for kind, conds in checks.items()}


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
    from sqlalchemy.dialects import postgresql, sqlite

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
    "committed",
    "expected_close",
    "stage_entered_at",
)


def count_deals(session: Session, *, scope: Scope) -> int:
    return session.execute(select(func.count()).select_from(Deal).where(*scope.where())).scalar_one()


def export_rows(session: Session, *, scope: Scope, probabilities: Mapping[str, int]):  # noqa: ANN201
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
            probability_expr(probabilities),
            weighted_expr(probabilities),
            Deal.committed,
            Deal.expected_close,
            Deal.stage_entered_at,
        )
        .where(*scope.where())
        .order_by(Deal.owner_id, Deal.id)
        .execution_options(yield_per=1000)
    )
    yield from session.execute(q)
