"""Red flags for the digest: stored ones (raised by an act, not cleared) and those derived from state."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import and_, distinct, exists, func, or_, select
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session

from storage.models import Deal, Nudge, Person, RedFlag
from storage.repo.funnel import OPEN, Scope

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
