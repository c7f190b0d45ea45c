"""Roles (Membership), managers' reps (ManagerRep) and per-workspace settings (TeamSettings)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, delete, select

from storage.models import ManagerRep, Membership, TeamSettings


def set_role(session: Session, *, team_id: str, user_id: str, role: str, by: str, at: datetime) -> Membership:
    row = session.get(Membership, (team_id, user_id)) or Membership(team_id=team_id, user_id=user_id)
    row.role, row.assigned_by, row.assigned_at = role, by, at
    session.add(row)
    session.flush()
    return row


def set_reps(session: Session, *, team_id: str, manager_id: str, rep_ids: Iterable[str]) -> None:
    session.exec(delete(ManagerRep).where(ManagerRep.team_id == team_id, ManagerRep.manager_id == manager_id))
    for rep in dict.fromkeys(rep_ids):
        session.add(ManagerRep(team_id=team_id, manager_id=manager_id, rep_id=rep))
    session.flush()


def memberships(session: Session, *, team_id: str) -> list[Membership]:
    return list(
        session.exec(select(Membership).where(Membership.team_id == team_id).order_by(Membership.user_id))
    )


def manager_reps(session: Session, *, team_id: str) -> list[ManagerRep]:
    return list(session.exec(select(ManagerRep).where(ManagerRep.team_id == team_id)))


def save_team_settings(session: Session, *, team_id: str, by: str, at: datetime, **fields) -> TeamSettings:
    row = session.get(TeamSettings, team_id) or TeamSettings(team_id=team_id)
    for k, v in fields.items():
        setattr(row, k, v)
    row.updated_by, row.updated_at = by, at
    session.add(row)
    session.flush()
    return row
