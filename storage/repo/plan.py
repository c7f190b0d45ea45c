"""Planning back from the quota and the team's own odds (SPEC §13): SQL aggregates only.

Every function returns grouped rows (by rung, by stage, by answer), never a deal at a time: the
number of rows is bounded by the ladder's length whatever the number of deals (bench/plan_bench.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import case, func, literal, literal_column, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from storage.models import Deal, DealEvent, SellingDay
from storage.repo.funnel.figures import Weighting, pipeline_expr

CLOSED = ("won", "lost", "dropped")


def _money(v) -> Decimal | None:  # noqa: ANN001
    return None if v is None else Decimal(str(v)).quantize(Decimal("0.01"))


def _owners(owner_ids: Sequence[str] | None) -> list:
    return [] if owner_ids is None else [Deal.owner_id.in_(list(owner_ids))]


# --------------------------------------------------------------------------- the backward plan
def signed_size(
    session: Session,
    *,
    team_id: str,
    owner_ids: Sequence[str] | None,
    signed_stage: str,
    start: datetime,
    end: datetime,
    currency: str,
) -> tuple[int, Decimal | None]:
    """(count, average amount) of base-currency deals that entered the signing stage in [start, end)."""
    ids = (
        select(DealEvent.deal_id)
        .where(
            DealEvent.team_id == team_id,
            DealEvent.kind == "stage",
            DealEvent.at >= start,
            DealEvent.at < end,
            DealEvent.to_value == signed_stage,
        )
        .distinct()
        .subquery("signed")
    )
    q = (
        select(func.count(), func.avg(Deal.amount))
        .select_from(ids)
        .join(Deal, Deal.id == ids.c.deal_id)
        .where(
            Deal.team_id == team_id, Deal.currency == currency, Deal.amount.is_not(None), *_owners(owner_ids)
        )
    )
    n, avg = session.execute(q).one()
    return int(n or 0), _money(avg)


def open_size(
    session: Session, *, team_id: str, owner_ids: Sequence[str] | None, w: Weighting, currency: str
) -> tuple[int, Decimal | None]:
    """(count, average amount) of the open in-funnel deals not yet signed, base currency."""
    q = select(func.count(), func.avg(Deal.amount)).where(
        Deal.team_id == team_id,
        Deal.currency == currency,
        Deal.amount.is_not(None),
        pipeline_expr(w),
        *_owners(owner_ids),
    )
    n, avg = session.execute(q).one()
    return int(n or 0), _money(avg)


def open_by_rung(
    session: Session, *, team_id: str, owner_ids: Sequence[str] | None, w: Weighting
) -> dict[str, int]:
    """Open in-funnel deals not yet signed, counted per earned rung (the caller sums cumulatively)."""
    q = (
        select(Deal.earned_rung, func.count())
        .where(Deal.team_id == team_id, pipeline_expr(w), *_owners(owner_ids))
        .group_by(Deal.earned_rung)
    )
    return {r: int(n) for r, n in session.execute(q)}


# --------------------------------------------------------------------------- the team's own odds
def closed_by_rung(session: Session, *, team_id: str, start: datetime, end: datetime) -> dict[tuple, int]:
    """Deals closed (won, lost, dropped) in [start, end), counted per (earned rung, won)."""
    won = case((Deal.status == "won", 1), else_=0)
    q = (
        select(Deal.earned_rung, won, func.count())
        .where(
            Deal.team_id == team_id, Deal.status.in_(CLOSED), Deal.closed_at >= start, Deal.closed_at < end
        )
        .group_by(Deal.earned_rung, won)
    )
    return {(r, bool(k)): int(n) for r, k, n in session.execute(q)}


def _days(session: Session, later, earlier):  # noqa: ANN001, ANN202
    if session.get_bind().dialect.name == "postgresql":
        # date_part is double precision (extract is numeric: several times slower over 100k rows)
        return func.date_part("epoch", later - earlier) / literal_column("86400.0")
    return func.julianday(later) - func.julianday(earlier)


def _median(session: Session, key, value, where: Sequence):  # noqa: ANN001, ANN202
    """Median of ``value`` (days, rounded to whole days) per ``key`` over the rows matching ``where``:
    SQL groups the rows into a histogram (key, days) -> count, bounded by the keys and the distinct
    day counts whatever the number of rows; the median is read off the histogram."""
    days = func.round(value)
    keys = (days,) if key is None else (key, days)  # None: one group (a constant is no GROUP BY key)
    q = select(*keys, func.count()).where(*where).group_by(*keys)  # no next event: days NULL, skipped
    rows = session.execute(q)
    if key is None:
        rows = ((None, d, n) for d, n in rows)
    hist: dict = {}
    for k, d, n in rows:
        if d is not None:
            hist.setdefault(k, []).append((float(d), int(n)))
    out = {}
    for k, rows in hist.items():
        rows.sort()
        total = sum(n for _, n in rows)
        lo, hi = (total + 1) // 2, (total + 2) // 2  # the middle ranks (1-based), one or two
        seen, picked = 0, []
        for d, n in rows:
            first, seen = seen + 1, seen + n
            picked += [d] * sum(1 for r in (lo, hi) if first <= r <= seen)
        out[k] = (sum(picked) / len(picked), total)
    return out


def stage_durations(
    session: Session, *, team_id: str, start: datetime, end: datetime, first_stage: str
) -> dict[str, tuple[float, int]]:
    """Median days per stage (and how many stays it rests on) of deals closed in [start, end): from
    each stage change to the deal's next one or its close; the first stage from the deal's creation."""
    closed = (
        select(Deal.id)
        .where(
            Deal.team_id == team_id, Deal.status.in_(CLOSED), Deal.closed_at >= start, Deal.closed_at < end
        )
        .subquery("closed")
    )
    ev = (
        select(
            DealEvent.deal_id,
            DealEvent.kind,
            DealEvent.to_value,
            DealEvent.at,
            func.lead(DealEvent.at)
            .over(partition_by=DealEvent.deal_id, order_by=DealEvent.at)
            .label("next_at"),
        )
        .join(closed, closed.c.id == DealEvent.deal_id)
        .where(DealEvent.team_id == team_id, DealEvent.kind.in_(("created", "stage", *CLOSED)))
        .subquery("ev")
    )
    stage = case((ev.c.kind == "created", literal(first_stage)), else_=ev.c.to_value)
    where = [ev.c.kind.in_(("created", "stage"))]
    return _median(session, stage, _days(session, ev.c.next_at, ev.c.at), where)


def cycle_length(
    session: Session, *, team_id: str, start: datetime, end: datetime
) -> tuple[float, int] | None:
    """Median days from creation to the signed contract of deals won and closed in [start, end)."""
    out = _median(
        session,
        None,
        _days(session, Deal.closed_at, Deal.created_at),
        [Deal.team_id == team_id, Deal.status == "won", Deal.closed_at >= start, Deal.closed_at < end],
    )
    return out.get(None)


# --------------------------------------------------------------------------- time for selling
SHARE = {"selling": 1.0, "half": 0.5, "other": 0.0}


def plan_selling_day(
    session: Session, *, team_id: str, rep_id: str, day: date, due_at: datetime, now: datetime
) -> None:
    """The rep's row for a working day, created once (``INSERT … ON CONFLICT DO NOTHING``)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(SellingDay).values(
        team_id=team_id, rep_id=rep_id, day=day, due_at=due_at, status="pending", created_at=now
    )
    session.execute(stmt.on_conflict_do_nothing(index_elements=["team_id", "rep_id", "day"]))


def claim_selling_days(
    session: Session, *, now: datetime, owner: str, lease_until: datetime
) -> list[SellingDay]:
    """Claim due rows (pending, or claimed with a lapsed lease): one UPDATE per row that still matches."""
    due = session.execute(
        select(SellingDay.id).where(
            SellingDay.due_at <= now,
            (SellingDay.status == "pending")
            | ((SellingDay.status == "claimed") & (SellingDay.lease_expires_at < now)),
        )
    ).scalars()
    out = []
    for row_id in list(due):
        res = session.execute(
            SellingDay.__table__.update()
            .where(
                SellingDay.id == row_id,
                (SellingDay.status == "pending")
                | ((SellingDay.status == "claimed") & (SellingDay.lease_expires_at < now)),
            )
            .values(status="claimed", lease_owner=owner, lease_expires_at=lease_until)
        )
        if res.rowcount == 1:
            out.append(session.get(SellingDay, row_id))
    return out


def selling_share(
    session: Session, team_id: str, rep_id: str, week_start: date | datetime, week_end: date | datetime
) -> float | None:
    """The rep's share of selling time over the days in [week_start, week_end) they answered: mostly
    selling 1, half 0.5, mostly other work 0, averaged; None when no day was answered."""
    start = week_start.date() if isinstance(week_start, datetime) else week_start
    end = week_end.date() if isinstance(week_end, datetime) else week_end
    value = case(*((SellingDay.answer == k, v) for k, v in SHARE.items()), else_=None)
    q = select(func.avg(value)).where(
        SellingDay.team_id == team_id,
        SellingDay.rep_id == rep_id,
        SellingDay.day >= start,
        SellingDay.day < end,
        SellingDay.answer.is_not(None),
    )
    avg = session.execute(q).scalar_one()
    return None if avg is None else round(float(avg), 4)
