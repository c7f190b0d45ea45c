from __future__ import annotations

from datetime import datetime
from functools import cache

import sqlalchemy as sa
from sqlmodel import Session, select

from storage.models import Membership, SlackUser, TeamSettings


def get_user(session: Session, *, team_id: str, user_id: str) -> SlackUser | None:
    return session.get(SlackUser, (team_id, user_id))


def upsert_user(session: Session, *, team_id: str, user_id: str, now: datetime, **fields) -> SlackUser:
    row = session.get(SlackUser, (team_id, user_id)) or SlackUser(team_id=team_id, user_id=user_id)
    for k, v in fields.items():
        setattr(row, k, v)
    row.fetched_at = now
    session.add(row)
    session.flush()
    return row


def claim_welcome(session: Session, *, team_id: str, user_id: str, now: datetime) -> bool:
    """Mark the user welcomed; True only for the one call that did it (a conditional update, so two
    events racing welcome once). A user we have no profile of yet gets a row (fetched_at stays None)."""
    table = SlackUser.__table__
    done = session.connection().execute(
        sa.update(table)
        .where(table.c.team_id == team_id, table.c.user_id == user_id, table.c.welcomed_at.is_(None))
        .values(welcomed_at=now)
    )
    if done.rowcount:
        session.expire_all()
        return True
    if session.get(SlackUser, (team_id, user_id)) is not None:
        return False
    session.add(SlackUser(team_id=team_id, user_id=user_id, welcomed_at=now))
    session.flush()
    return True


def get_membership(session: Session, *, team_id: str, user_id: str) -> Membership | None:
    return session.get(Membership, (team_id, user_id))


def get_team_settings(session: Session, *, team_id: str) -> TeamSettings | None:
    return session.get(TeamSettings, team_id)


def users_of_team(session: Session, *, team_id: str) -> list[SlackUser]:
    return list(session.exec(select(SlackUser).where(SlackUser.team_id == team_id)))


def slack_admins(session: Session, *, team_id: str) -> list[str]:
    """The workspace's Slack admins and owners we have seen (not deactivated, not bots)."""
    stmt = select(SlackUser.user_id).where(
        SlackUser.team_id == team_id,
        sa.or_(SlackUser.is_admin, SlackUser.is_owner),
        sa.not_(SlackUser.deleted),
        sa.not_(SlackUser.is_bot),
    )
    return list(session.exec(stmt))


def actor_facts(session: Session, *, team_id: str, user_id: str) -> sa.Row:
    """Everything the Actor is made of, in one read (the per-request hot path): the user's stored
    profile, their dealbot role and the workspace's locale and zone; columns are None when absent."""
    params = {"team_id": team_id, "user_id": user_id}
    return session.connection().execute(_actor_facts_stmt(), params).one()  # Core: no ORM overhead


@cache
def _actor_facts_stmt() -> sa.Select:  # built once: constructing it costs more than running it
    key = sa.select(
        sa.cast(sa.bindparam("team_id"), sa.String).label("team_id"),
        sa.cast(sa.bindparam("user_id"), sa.String).label("user_id"),
    ).subquery("k")
    return (
        sa.select(
            SlackUser.locale,
            SlackUser.tz,
            SlackUser.is_admin,
            SlackUser.is_owner,
            SlackUser.fetched_at,
            Membership.role,
            TeamSettings.locale.label("team_locale"),
            TeamSettings.timezone.label("team_tz"),
        )
        .select_from(key)
        .outerjoin(SlackUser, sa.and_(SlackUser.team_id == key.c.team_id, SlackUser.user_id == key.c.user_id))
        .outerjoin(
            Membership, sa.and_(Membership.team_id == key.c.team_id, Membership.user_id == key.c.user_id)
        )
        .outerjoin(TeamSettings, TeamSettings.team_id == key.c.team_id)
    )
