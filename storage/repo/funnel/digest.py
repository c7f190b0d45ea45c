"""Digest runs: one row per (workspace, channel, week), created by whichever replica comes first, then claimed
with a lease like a nudge (SCHEDULING-AND-SCALE.md §2.4)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, select, union, update
from sqlalchemy import true as sa_true
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased
from sqlmodel import Session

from storage.models import Deal, DigestRun, Membership, SlackUser, TeamSettings
from storage.repo.demo import SEEDED_BY

MAX_ATTEMPTS = 5


def team_ids(session: Session) -> list[str]:
    """Every workspace the bot knows of (settings, people, deals)."""
    q = union(
        select(TeamSettings.team_id),
        select(Membership.team_id),
        select(SlackUser.team_id),
        select(Deal.team_id).distinct(),
    )
    return sorted({r[0] for r in session.execute(q)})


def has_deal(session: Session, *, team_id: str) -> bool:
    return session.execute(select(Deal.id).where(Deal.team_id == team_id).limit(1)).first() is not None


def channel_chosen_by_admin(session: Session, *, team_id: str) -> bool:
    """The manager channel was set in App Home by a person (not seeded by the demo or the sandbox)."""
    row = session.get(TeamSettings, team_id)
    return bool(row and row.manager_channel and row.updated_by and row.updated_by != SEEDED_BY)


def latest_posted_week(session: Session, *, channel_id: str) -> datetime | None:
    """The newest week whose digest went out to the channel."""
    return session.execute(
        select(DigestRun.period_start)
        .where(DigestRun.channel_id == channel_id, DigestRun.status == "posted")
        .order_by(DigestRun.period_start.desc())
        .limit(1)
    ).scalar_one_or_none()


def ensure_run(
    session: Session, *, team_id: str, channel_id: str, period_start: datetime, now: datetime
) -> None:
    """INSERT … ON CONFLICT DO NOTHING: the first replica creates the week's row, the rest do nothing."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = (
        dialect.insert(DigestRun)
        .values(
            team_id=team_id,
            channel_id=channel_id,
            period_start=period_start,
            status="pending",
            available_at=now,
            attempts=0,
            figures=None,  # JSON null (the column is NOT NULL); filled in when the run is claimed
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["team_id", "channel_id", "period_start"])
    )
    session.execute(stmt)


def claim_run(
    session: Session,
    *,
    channel_id: str,
    period_start: datetime,
    now: datetime,
    worker: str,
    lease: timedelta,
    team_id: str | None = None,
) -> DigestRun | None:
    """Take the week's row if it is due and nobody holds a live lease; one statement, one winner.
    Never a week older than one already posted to the channel (digests go out in order)."""
    later = aliased(DigestRun)
    newer_posted = exists().where(
        later.channel_id == channel_id, later.period_start > period_start, later.status == "posted"
    )
    row = session.execute(
        update(DigestRun)
        .where(
            DigestRun.channel_id == channel_id,
            DigestRun.period_start == period_start,
            DigestRun.team_id == team_id if team_id is not None else sa_true(),
            DigestRun.status.in_(("pending", "claimed")),
            DigestRun.available_at <= now,
            DigestRun.attempts < MAX_ATTEMPTS,
            ~newer_posted,
        )
        .values(
            status="claimed",
            lease_owner=worker,
            available_at=now + lease,
            attempts=DigestRun.attempts + 1,
        )
        .returning(DigestRun.id)
    ).first()
    return session.get(DigestRun, row[0], populate_existing=True) if row else None


def save_figures(session: Session, *, run_id: int, worker: str, figures: dict) -> None:
    session.execute(
        update(DigestRun)
        .where(DigestRun.id == run_id, DigestRun.lease_owner == worker)
        .values(figures=figures)
    )


def mark_posted(session: Session, *, run_id: int, worker: str, ts: str, now: datetime) -> bool:
    """Fenced: a replica whose lease was taken over changes nothing."""
    result = session.execute(
        update(DigestRun)
        .where(DigestRun.id == run_id, DigestRun.lease_owner == worker, DigestRun.status == "claimed")
        .values(status="posted", message_ts=ts, posted_at=now, available_at=None, error=None)
    )
    return result.rowcount == 1


def release_run(session: Session, *, run_id: int, worker: str, error: str, retry_at: datetime | None) -> None:
    """A failed post: retry later (``retry_at``) or give up (None) — fenced like ``mark_posted``."""
    session.execute(
        update(DigestRun)
        .where(DigestRun.id == run_id, DigestRun.lease_owner == worker, DigestRun.status == "claimed")
        .values(
            status="pending" if retry_at else "failed",
            available_at=retry_at,
            error=error[:500],
            lease_owner=None,
        )
    )


def previous_figures(session: Session, *, team_id: str, channel_id: str, before: datetime) -> dict | None:
    """The stored headline of the workspace's latest digest posted to the channel before this week."""
    return session.execute(
        select(DigestRun.figures)
        .where(
            DigestRun.team_id == team_id,
            DigestRun.channel_id == channel_id,
            DigestRun.period_start < before,
            DigestRun.status == "posted",
        )
        .order_by(DigestRun.period_start.desc())
        .limit(1)
    ).scalar_one_or_none()


def runs(session: Session, *, team_id: str) -> list[DigestRun]:
    return list(
        session.execute(
            select(DigestRun).where(DigestRun.team_id == team_id).order_by(DigestRun.period_start)
        ).scalars()
    )
