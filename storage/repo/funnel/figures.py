"""Funnel figures by SQL aggregation: every function returns grouped rows, never every deal.

``Scope`` narrows a query to a team and, optionally, to owners / a stage / a grade. Money comes back
grouped by currency so the caller can total the base currency and list the others separately.
Weighted amounts are computed in SQL, here only (``Weighting`` and the expressions after it): amount ×
the probability earned on the 965531 ladder (or the override), for deals in the funnel; 0 below it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import and_, case, distinct, false, func, literal, literal_column, not_, null, or_, select
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


@dataclass(frozen=True)
class Weighting:
    """What every weighted figure is computed from (SPEC §2, §7): the rung probabilities of the
    965531 ladder, the stages past the signing gate, and the current quota period. Built once by
    ``bot.flows.funnel.weighting.weighting``; card, App Home, digest, /funnel and CSV all read the
    expressions below, so they agree."""

    rungs: Mapping[str, int]  # rung key -> percent
    signed_stages: tuple[str, ...] = ()
    period_start: date | None = None
    period_end: date | None = None  # exclusive
    period_key: str | None = None


BELOW_BUCKETS = ("qualification", "low_contact", "failed")
IN_FUNNEL = "funnel"


def in_funnel_expr() -> ColumnElement:
    """Open, at normal contact, qualified (not failed) and standing on a rung of the ladder."""
    return and_(
        Deal.status == OPEN,
        Deal.contact_level == "normal",
        Deal.qualification_failed.is_(False),
        Deal.earned_rung.is_not(None),
    )


def bucket_expr() -> ColumnElement:
    """Where an open deal stands: ``funnel``, or below it (low contact, failed but pursued, still in
    qualification — no rung met yet); NULL for a deal that is not open."""
    return case(
        (Deal.status != OPEN, null()),
        (Deal.contact_level == "lower", literal("low_contact")),
        (Deal.qualification_failed.is_(True), literal("failed")),
        (Deal.earned_rung.is_(None), literal("qualification")),
        else_=literal(IN_FUNNEL),
    )


def probability_expr(w: Weighting) -> ColumnElement:
    """The deal's win probability in percent: in the funnel, its override, else its earned rung's;
    0 below the funnel and for a deal that is not open."""
    earned = case({k: v for k, v in w.rungs.items()}, value=Deal.earned_rung, else_=0)
    return case((in_funnel_expr(), func.coalesce(Deal.probability_override, earned)), else_=0)


def weighted_expr(w: Weighting) -> ColumnElement:
    # 100.0 as a literal: exact numeric on PostgreSQL, and no integer division on SQLite
    return func.coalesce(Deal.amount, 0) * probability_expr(w) / literal_column("100.0")


def signed_expr(w: Weighting) -> ColumnElement:
    """Past the signing gate: achievement, no longer forecast."""
    return Deal.stage.in_(w.signed_stages) if w.signed_stages else false()


def pipeline_expr(w: Weighting) -> ColumnElement:
    """In the weighted pipeline: in the funnel and not yet signed (any close date)."""
    return and_(in_funnel_expr(), not_(signed_expr(w)))


def forecast_expr(w: Weighting) -> ColumnElement:
    """In the period's forecast: in the pipeline and expected to close within the quota period."""
    if w.period_start is None or w.period_end is None:
        return false()
    return and_(pipeline_expr(w), Deal.expected_close >= w.period_start, Deal.expected_close < w.period_end)


def committed_expr(w: Weighting) -> ColumnElement:
    """Committed for the current quota period (a commitment for an earlier one has lapsed)."""
    if w.period_key is None:
        return false()
    return and_(in_funnel_expr(), Deal.committed.is_(True), Deal.commit_period == w.period_key)


def deal_weights(
    session: Session, *, team_id: str, deal_ids: Sequence[int], w: Weighting
) -> dict[int, tuple[int, Decimal | None, str | None, bool]]:
    """Per deal: (probability, weighted, bucket, in the pipeline) — the card's and App Home's figures
    by the same expressions as the digest's."""
    if not deal_ids:
        return {}
    q = select(
        Deal.id,
        probability_expr(w),
        case((Deal.amount.is_(None), null()), else_=weighted_expr(w)),
        bucket_expr(),
        case((pipeline_expr(w), 1), else_=0),
    ).where(Deal.team_id == team_id, Deal.id.in_(list(deal_ids)))
    return {
        i: (int(p or 0), None if wt is None else _money(wt), b, bool(pl))
        for i, p, wt, b, pl in session.execute(q)
    }


def grade_mix_expr() -> ColumnElement:
    """The deal's bucket in the grade mix: its grade, or "incomplete" while its assessment has items to
    find out (a provisional grade is no grade yet, SPEC §3.3)."""
    return case((Deal.assessment_incomplete.is_(True), literal("incomplete")), else_=Deal.grade)


def _money(v) -> Decimal:  # noqa: ANN001
    return Decimal(str(v or 0)).quantize(Decimal("0.01"))


# --------------------------------------------------------------------------- the funnel
@dataclass(frozen=True)
class OpenGroup:
    owner: str
    stage: str
    currency: str
    grade: str | None
    bucket: str  # funnel | qualification | low_contact | failed
    committed: bool  # for the current quota period
    in_pipeline: bool  # in the funnel, not yet signed
    in_forecast: bool  # ... and expected to close in the quota period
    count: int
    amount: Decimal
    weighted: Decimal


def open_groups(session: Session, *, scope: Scope, w: Weighting) -> list[OpenGroup]:
    """Open deals grouped by (owner, stage, currency, grade, bucket, committed, pipeline, forecast):
    count, amount, weighted.

    One scan feeds the stage table, below the funnel, the grade mix, the forecast, the commitment and
    the per-rep pipeline; the number of rows is bounded by the keys' values, whatever the deal count.
    """
    flags = (
        case((committed_expr(w), 1), else_=0),
        case((pipeline_expr(w), 1), else_=0),
        case((forecast_expr(w), 1), else_=0),
    )
    keys = (Deal.owner_id, Deal.stage, Deal.currency, grade_mix_expr(), bucket_expr(), *flags)
    q = (
        select(
            *keys,
            func.count(),
            func.sum(func.coalesce(Deal.amount, 0)),
            func.sum(weighted_expr(w)),
        )
        .where(*scope.where(), Deal.status == OPEN)
        .group_by(*keys)
    )
    return [
        OpenGroup(o, st, c, g, b, bool(k), bool(p), bool(f), n, _money(a), _money(wt))
        for o, st, c, g, b, k, p, f, n, a, wt in session.execute(q)
    ]


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
