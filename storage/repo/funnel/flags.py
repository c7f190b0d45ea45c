"""Red flags for the digest in one statement: stored flags (raised by an act, not cleared) and flags
derived from state (SPEC §7, §12), each as (how many deals, the top N by amount).

One scan of the team's deals builds a materialized CTE of flagged deals with a 0/1 column per kind
(people, nudges and stored flags come in as pre-aggregated joins, not per-row subqueries); a
UNION ALL then takes the top N of each kind with ``count(*) OVER ()`` for the total.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Integer, and_, case, cast, func, literal, null, or_, select, union_all
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session

from storage.models import Deal, Nudge, Person, RedFlag
from storage.repo.funnel.figures import OPEN, Scope

FlagRow = tuple[int, str, str, str, Decimal | None, str]  # id, account, title, owner, amount, currency
IN_PLAY = (OPEN, "on_hold")


def stored_kinds(session: Session, *, team_id: str) -> list[str]:
    return sorted(
        session.execute(
            select(RedFlag.kind).where(RedFlag.team_id == team_id, RedFlag.cleared_at.is_(None)).distinct()
        ).scalars()
    )


def flags(
    session: Session,
    *,
    scope: Scope,
    limit: int,
    stall_cutoffs: Mapping[str, datetime],
    past_stage2: Sequence[str],
    bid_or_later: Sequence[str],
    overdue_before: datetime,
    today: date,
    stage_order: Sequence[str] = (),
) -> dict[str, tuple[int, list[FlagRow]]]:
    """{kind: (count, top ``limit`` deals)} for every kind with at least one deal."""
    team = scope.team_id
    kinds = stored_kinds(session, team_id=team)
    stored = (
        select(
            RedFlag.deal_id,
            *(func.max(case((RedFlag.kind == k, 1), else_=0)).label(f"s{i}") for i, k in enumerate(kinds)),
        )
        .where(RedFlag.team_id == team, RedFlag.cleared_at.is_(None))
        .group_by(RedFlag.deal_id)
        .subquery("stored")
    )
    people = (
        select(
            Person.deal_id,
            func.max(case((Person.role == "coach", 1), else_=0)).label("coach"),
            func.max(case((and_(Person.role == "decision_maker", Person.met.is_(True)), 1), else_=0)).label(
                "dm_met"
            ),
        )
        .where(Person.team_id == team)
        .group_by(Person.deal_id)
        .subquery("people")
    )
    overdue = (
        select(Nudge.deal_id)
        .where(
            Nudge.team_id == team,
            Nudge.status == "sent",
            Nudge.kind.like("followup%"),
            Nudge.answered_at.is_(None),
            Nudge.reminder_sent_at < overdue_before,
        )
        .group_by(Nudge.deal_id)
        .subquery("overdue")
    )
    is_open = Deal.status == OPEN
    stalled = or_(*(and_(Deal.stage == k, Deal.stage_entered_at < t) for k, t in stall_cutoffs.items()))
    derived: dict[str, ColumnElement] = {
        "overdue": and_(is_open, overdue.c.deal_id.is_not(None)),
        "stalled": and_(is_open, stalled),
        # failed qualification, kept at normal contact (advance anyway); lower contact is no flag
        "failed_prospect": and_(is_open, Deal.qualification_failed.is_(True)),
        "no_coach": and_(is_open, Deal.stage.in_(past_stage2), func.coalesce(people.c.coach, 0) == 0),
        "decision_maker_not_met": and_(
            is_open, Deal.stage.in_(bid_or_later), func.coalesce(people.c.dm_met, 0) == 0
        ),
        "close_date_past": and_(is_open, Deal.expected_close < today),
    }
    if stage_order:  # the customer's buying step is ahead of our stage (SPEC §2, "where is the customer")
        order = {k: i for i, k in enumerate(stage_order)}
        customer_at = case(order, value=Deal.customer_step, else_=-1)
        derived["customer_ahead"] = and_(is_open, customer_at > case(order, value=Deal.stage, else_=0))
    conds = {k: stored.c[f"s{i}"] == 1 for i, k in enumerate(kinds)} | derived
    cols = {k: case((c, 1), else_=0).label(f"f{i}") for i, (k, c) in enumerate(conds.items())}
    flagged = (
        select(Deal.id, Deal.amount, *cols.values())
        .select_from(Deal)
        .outerjoin(stored, stored.c.deal_id == Deal.id)
        .outerjoin(people, people.c.deal_id == Deal.id)
        .outerjoin(overdue, overdue.c.deal_id == Deal.id)
        .where(*scope.where(), Deal.status.in_(IN_PLAY), Deal.contact_level == "normal")  # §3.3: no flags
        .cte("flagged")
        .prefix_with("MATERIALIZED")
    )
    # one aggregate row with every count, then per kind the top ``limit`` ids (a top-N sort each)
    nulls = [cast(null(), BigInteger).label(f"c{i}") for i in range(len(cols))]
    counts = select(
        literal("").label("kind"),
        cast(null(), Integer).label("id"),
        *(cast(func.sum(flagged.c[f"f{i}"]), BigInteger).label(f"c{i}") for i in range(len(cols))),
    )
    parts = [counts]
    for i, kind in enumerate(cols):
        top = (
            select(literal(kind).label("kind"), flagged.c.id, *nulls)
            .where(flagged.c[f"f{i}"] == 1)
            .order_by(flagged.c.amount.desc().nulls_last(), flagged.c.id)
            .limit(limit)
            .subquery(f"top{i}")
        )
        parts.append(select(top))
    found: dict[str, tuple[int, list[int]]] = {}
    totals: dict[str, int] = {}
    for kind, deal_id, *sums in session.execute(union_all(*parts)):
        if kind == "":
            totals = {k: int(n or 0) for k, n in zip(cols, sums, strict=True)}
        else:
            found.setdefault(kind, (0, []))[1].append(deal_id)
    found = {k: (totals.get(k, len(v)), v) for k, (_, v) in found.items()}
    ids = {i for _, top_ids in found.values() for i in top_ids}
    details = {
        r[0]: tuple(r)
        for r in session.execute(
            select(Deal.id, Deal.account, Deal.title, Deal.owner_id, Deal.amount, Deal.currency).where(
                Deal.id.in_(ids)
            )
        )
    }
    out = {k: (n, [details[i] for i in top_ids]) for k, (n, top_ids) in found.items()}
    return {k: out[k] for k in cols if k in out}
