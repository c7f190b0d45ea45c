from __future__ import annotations

from datetime import datetime

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


def get_membership(session: Session, *, team_id: str, user_id: str) -> Membership | None:
    return session.get(Membership, (team_id, user_id))


def get_team_settings(session: Session, *, team_id: str) -> TeamSettings | None:
    return session.get(TeamSettings, team_id)


def users_of_team(session: Session, *, team_id: str) -> list[SlackUser]:
    return list(session.exec(select(SlackUser).where(SlackUser.team_id == team_id)))
