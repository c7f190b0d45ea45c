"""Events API delivery log: claim an event_id once across workers and restarts."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
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
