"""Nudge rows: idempotent enqueue, the lease claim (SCHEDULING-AND-SCALE §2.2), fenced writes.

Every write after a claim is fenced on ``lease_owner`` and ``status = 'claimed'``: a sender whose
lease was taken over updates nothing and learns it from the row count.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session
from sqlmodel import select as sm_select

from storage.models import CheckIn, Deal, DealEvent, Interview, Milestone, Nudge, Person, Vacation

T = Nudge.__table__
READY = ("pending", "claimed", "sent")


# --------------------------------------------------------------------------- planning
def enqueue(
    session: Session,
    *,
    team_id: str,
    deal_id: int,
    owner_id: str,
    kind: str,
    cycle: int,
    due_at: datetime,
    send_after: datetime,
    now: datetime,
) -> bool:
    """INSERT … ON CONFLICT (deal, kind, cycle) DO NOTHING; True when a row was created."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = (
        insert(T)
        .values(
            team_id=team_id,
            deal_id=deal_id,
            owner_id=owner_id,
            kind=kind,
            cycle=cycle,
            due_at=due_at,
            send_after=send_after,
            available_at=send_after,
            status="pending",
            attempts=0,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["deal_id", "kind", "cycle"])
        .returning(T.c.id)
    )
    return session.execute(stmt).first() is not None


def reschedule_pending(
    session: Session, *, deal_id: int, kind: str, cycle: int, due_at: datetime, send_after: datetime
) -> int:
    """Move a still-pending row to a new due time (its reason's date changed); rows moved."""
    stmt = (
        T.update()
        .where(T.c.deal_id == deal_id, T.c.kind == kind, T.c.cycle == cycle, T.c.status == "pending")
        .values(due_at=due_at, send_after=send_after, available_at=send_after)
    )
    return session.execute(stmt).rowcount or 0


def hold_number(session: Session, *, team_id: str, deal_id: int) -> int:
    """How many times the deal was put (or kept) on hold: the current hold's number."""
    q = sm_select(func.count(DealEvent.id)).where(
        DealEvent.team_id == team_id, DealEvent.deal_id == deal_id, DealEvent.kind == "on_hold"
    )
    return int(session.exec(q).one())


def pending_of_owner(session: Session, *, team_id: str, owner_id: str) -> list[Nudge]:
    return list(
        session.exec(
            sm_select(Nudge).where(
                Nudge.team_id == team_id, Nudge.owner_id == owner_id, Nudge.status == "pending"
            )
        )
    )


def of_deal(
    session: Session, *, team_id: str, deal_id: int, statuses: Iterable[str] | None = None
) -> list[Nudge]:
    q = sm_select(Nudge).where(Nudge.team_id == team_id, Nudge.deal_id == deal_id)
    if statuses is not None:
        q = q.where(Nudge.status.in_(list(statuses)))
    return list(session.exec(q.order_by(Nudge.due_at, Nudge.id)))


def queued(session: Session, *, team_id: str, limit: int = 50) -> list[tuple[Nudge, str]]:
    """What the sweep will still send for this workspace: pending rows and sent rows whose reminder is
    ahead, soonest first, each with its deal's account (the sandbox page's queue)."""
    q = (
        sm_select(Nudge, Deal.account)
        .join(Deal, Deal.id == Nudge.deal_id)
        .where(
            Nudge.team_id == team_id,
            or_(
                Nudge.status == "pending",
                and_(
                    Nudge.status == "sent", Nudge.reminder_sent_at.is_(None), Nudge.available_at.is_not(None)
                ),
            ),
        )
        .order_by(func.coalesce(Nudge.available_at, Nudge.send_after), Nudge.id)
        .limit(limit)
    )
    return [(n, account) for n, account in session.exec(q)]


def get(session: Session, *, team_id: str, nudge_id: int) -> Nudge | None:
    return session.exec(sm_select(Nudge).where(Nudge.team_id == team_id, Nudge.id == nudge_id)).first()


def get_any(session: Session, nudge_id: int) -> Nudge | None:
    """For the sweep only (it works across teams); every user-facing path uses ``get``."""
    return session.get(Nudge, nudge_id)


def overdue(
    session: Session, *, team_id: str, now: datetime, owner_ids: Iterable[str] | None = None
) -> list[Nudge]:
    """SPEC §12 overdue: sent, not answered, its one reminder more than one working day old."""
    q = sm_select(Nudge).where(
        Nudge.team_id == team_id,
        Nudge.status.in_(("sent", "claimed")),
        Nudge.answered_at.is_(None),
        Nudge.overdue_at.is_not(None),
        Nudge.overdue_at <= now,
    )
    if owner_ids is not None:
        q = q.where(Nudge.owner_id.in_(list(owner_ids)))
    return list(session.exec(q.order_by(Nudge.overdue_at)))


# --------------------------------------------------------------------------- the claim
@dataclass(frozen=True)
class Claimed:
    id: int
    attempts: int
    team_id: str = ""


def claim(
    session: Session,
    *,
    now: datetime,
    owner: str,
    until: datetime,
    batch: int,
    teams: Collection[str] | None = None,
) -> list[Claimed]:
    """Claim up to ``batch`` due rows with one statement on both dialects (SKIP LOCKED on PostgreSQL).

    ``teams``: only rows of these workspaces (the installed ones, in OAuth mode); None: every row."""
    due = [T.c.status.in_(READY), T.c.available_at <= now]
    if teams is not None:
        due.append(T.c.team_id.in_(sorted(teams)))
    cand = (
        select(T.c.id)
        .where(*due)
        .order_by(T.c.available_at, T.c.id)
        .limit(batch)
        .with_for_update(skip_locked=True)
        .cte("cand")
        .prefix_with("MATERIALIZED")
    )
    stmt = (
        update(T)
        .where(T.c.id.in_(select(cand.c.id)))
        .values(
            status="claimed",
            lease_owner=owner,
            lease_expires_at=until,
            available_at=until,
            claimed_at=case((T.c.claimed_at.is_(None), now), else_=T.c.claimed_at),
        )
        .returning(T.c.id, T.c.attempts, T.c.team_id)
    )
    return [Claimed(r.id, r.attempts, r.team_id) for r in session.execute(stmt).all()]


def skip_not_installed(
    session: Session,
    *,
    installed: Collection[str],
    now: datetime,
    reason: str,
    within: Collection[str] | None = None,
) -> int:
    """Due rows of workspaces that are not installed (uninstalled, tokens revoked) are skipped with
    ``reason``: no call may use their tokens. Their deals stay; a reinstall plans new nudges.
    ``within``: only rows of these workspaces are looked at (the sandbox's own), else every row."""
    scope = [T.c.team_id.in_(sorted(within))] if within is not None else []
    stmt = (
        update(T)
        .where(T.c.status.in_(READY), T.c.available_at <= now, T.c.team_id.not_in(sorted(installed)), *scope)
        .values(status="skipped", reason=reason, available_at=None, lease_owner=None, lease_expires_at=None)
        .execution_options(synchronize_session=False)
    )
    return session.execute(stmt).rowcount or 0


def _fenced(session: Session, nudge_id: int, owner: str, **values) -> bool:
    result = session.execute(
        update(T)
        .where(T.c.id == nudge_id, T.c.lease_owner == owner, T.c.status == "claimed")
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def renew(session: Session, *, nudge_id: int, owner: str, until: datetime) -> bool:
    return _fenced(session, nudge_id, owner, lease_expires_at=until, available_at=until)


def start_attempt(session: Session, *, nudge_id: int, owner: str, until: datetime) -> int | None:
    """Renew the lease and count a send attempt, just before the post; None when the lease is lost.

    ``attempts > 1`` afterwards means an earlier attempt may have reached Slack: reconcile first.
    """
    row = session.execute(
        update(T)
        .where(T.c.id == nudge_id, T.c.lease_owner == owner, T.c.status == "claimed")
        .values(attempts=T.c.attempts + 1, lease_expires_at=until, available_at=until)
        .returning(T.c.attempts)
    ).first()
    return row[0] if row else None


def release(session: Session, *, nudge_id: int, owner: str, status: str, available_at: datetime | None,
            **values) -> bool:  # fmt: skip
    """Hand the row back (retry later, or a final state); clears the lease."""
    return _fenced(
        session,
        nudge_id,
        owner,
        status=status,
        available_at=available_at,
        lease_owner=None,
        lease_expires_at=None,
        **values,
    )


def set_channel(session: Session, *, nudge_id: int, owner: str, channel_id: str) -> bool:
    return _fenced(session, nudge_id, owner, channel_id=channel_id)


# --------------------------------------------------------------------------- answering
def answer_open(
    session: Session, *, team_id: str, deal_id: int, kinds: Iterable[str], now: datetime
) -> list[Nudge]:
    """Close the deal's sent, unanswered nudges of ``kinds``; returns them (their messages to tidy)."""
    rows = list(
        session.exec(
            sm_select(Nudge).where(
                Nudge.team_id == team_id,
                Nudge.deal_id == deal_id,
                Nudge.kind.in_(list(kinds)),
                Nudge.answered_at.is_(None),
                or_(Nudge.status == "sent", and_(Nudge.status == "claimed", Nudge.sent_at.is_not(None))),
            )
        )
    )
    for n in rows:
        mark_answered(n, now)
        session.add(n)
    session.flush()
    return rows


def mark_answered(n: Nudge, now: datetime) -> None:
    n.status, n.answered_at, n.available_at = "answered", now, None
    n.lease_owner = n.lease_expires_at = None


# --------------------------------------------------------------------------- facts the sweep checks
def has_finished_interview(session: Session, *, team_id: str, deal_id: int) -> bool:
    q = sm_select(Interview.id).where(
        Interview.team_id == team_id, Interview.deal_id == deal_id, Interview.finished_at.is_not(None)
    )
    return session.exec(q.limit(1)).first() is not None


def has_milestone(session: Session, *, team_id: str, deal_id: int, stage: str) -> bool:
    q = sm_select(Milestone.id).where(
        Milestone.team_id == team_id, Milestone.deal_id == deal_id, Milestone.stage == stage
    )
    return session.exec(q.limit(1)).first() is not None


# --------------------------------------------------------------------------- check-ins
def add_checkin(session: Session, **fields) -> CheckIn:
    row = CheckIn(**fields)
    session.add(row)
    session.flush()
    return row


PROGRESS_KINDS = ("checkins", "milestones", "stage_changes", "people")


def progress_counts(session: Session, *, team_id: str, deal_id: int, since: datetime) -> dict[str, int]:
    """What the deal recorded since ``since`` that counts as progress (SPEC §5): check-ins with progress,
    milestones (and checkpoints), stage changes, people added — one count each."""

    def count(model, at, *where) -> int:  # noqa: ANN001
        q = sm_select(func.count()).select_from(model)
        q = q.where(model.team_id == team_id, model.deal_id == deal_id, at >= since, *where)
        return int(session.exec(q).one())

    return {
        "checkins": count(CheckIn, CheckIn.created_at, CheckIn.progress.is_(True)),
        "milestones": count(Milestone, Milestone.recorded_at),
        "stage_changes": count(DealEvent, DealEvent.at, DealEvent.kind == "stage"),
        "people": count(Person, Person.created_at),
    }


def last_checkin(session: Session, *, team_id: str, deal_id: int) -> CheckIn | None:
    q = sm_select(CheckIn).where(CheckIn.team_id == team_id, CheckIn.deal_id == deal_id)
    return session.exec(q.order_by(CheckIn.created_at.desc(), CheckIn.id.desc()).limit(1)).first()


# --------------------------------------------------------------------------- vacations
def vacations(
    session: Session, *, team_id: str, user_id: str, until_after: date | None = None
) -> list[Vacation]:
    q = sm_select(Vacation).where(Vacation.team_id == team_id, Vacation.user_id == user_id)
    if until_after is not None:
        q = q.where(Vacation.ends_on >= until_after)
    return list(session.exec(q.order_by(Vacation.starts_on)))


def add_vacation(session: Session, *, team_id: str, user_id: str, starts_on: date, ends_on: date) -> Vacation:
    row = Vacation(team_id=team_id, user_id=user_id, starts_on=starts_on, ends_on=ends_on)
    session.add(row)
    session.flush()
    return row


def clear_vacations(session: Session, *, team_id: str, user_id: str, from_day: date) -> int:
    rows = vacations(session, team_id=team_id, user_id=user_id, until_after=from_day)
    for r in rows:
        session.delete(r)
    session.flush()
    return len(rows)
