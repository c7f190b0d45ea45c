"""Events API delivery log: claim an event_id once across workers and restarts."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from storage.models import SlackEvent


def claim_event(session: Session, *, event_id: str, team_id: str, now: datetime, lease: timedelta) -> bool:
    """True when this delivery should be processed: first seen, or the earlier try failed or stalled."""
    try:
        with session.begin_nested():
            session.add(
                SlackEvent(event_id=event_id, team_id=team_id, received_at=now, lease_until=now + lease)
            )
        return True
    except IntegrityError:
        pass
    result = session.execute(
        update(SlackEvent)
        .where(
            SlackEvent.event_id == event_id,
            (SlackEvent.status == "failed")
            | ((SlackEvent.status == "processing") & (SlackEvent.lease_until < now)),
        )
        .values(status="processing", lease_until=now + lease, attempts=SlackEvent.attempts + 1)
    )
    return result.rowcount == 1


def finish_event(session: Session, *, event_id: str, ok: bool, now: datetime) -> None:
    session.execute(
        update(SlackEvent)
        .where(SlackEvent.event_id == event_id)
        .values(status="done" if ok else "failed", finished_at=now)
    )


def mark_told(session: Session, *, event_id: str, now: datetime) -> bool:
    """True for the one delivery of an event that tells the user it failed; False for every retry."""
    result = session.execute(
        update(SlackEvent)
        .where(SlackEvent.event_id == event_id, SlackEvent.told_at.is_(None))
        .values(told_at=now)
    )
    return result.rowcount == 1


def prune(session: Session, *, before: datetime, teams: Collection[str] | None = None) -> int:
    """Forget deliveries finished (or abandoned: lease run out) before ``before``; how many went."""
    over = or_(
        SlackEvent.finished_at < before,
        and_(SlackEvent.finished_at.is_(None), SlackEvent.lease_until < before),
    )
    stmt = delete(SlackEvent).where(SlackEvent.received_at < before, over)
    if teams is not None:
        stmt = stmt.where(SlackEvent.team_id.in_(sorted(teams)))
    return session.execute(stmt).rowcount
