"""Roles: rep (default), manager (of named reps), admin (DEALBOT_ADMINS, Slack admins and owners, or
assigned). Only admins assign roles; everything is scoped to the admin's own workspace."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.flows.errors import BadInput, NotAllowed
from bot.flows.team.mentions import USER_ID
from bot.flows.team.users import Actor
from storage.repo import access as access_repo
from storage.repo import roles as repo
from storage.repo import users as users_repo

ROLES = ("rep", "manager", "admin")


@dataclass(frozen=True)
class RoleRow:
    user_id: str
    role: str
    reps: tuple[str, ...]


def require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise NotAllowed("errors.admin_only")


def assign_role(
    session: Session,
    actor: Actor,
    user_id: str | None,
    role: str | None,
    *,
    now: datetime,
    reps: list[str] | None = None,
) -> RoleRow:
    require_admin(actor)
    if not user_id or not USER_ID.match(user_id):
        raise BadInput("roles.errors.user", field="user")
    if role not in ROLES:
        raise BadInput("roles.errors.role", field="role")
    reps = [r for r in (reps or []) if r != user_id]
    if any(not USER_ID.match(r) for r in reps):
        raise BadInput("roles.errors.user", field="reps")
    repo.set_role(session, team_id=actor.team_id, user_id=user_id, role=role, by=actor.user_id, at=now)
    if role == "manager":
        repo.set_reps(session, team_id=actor.team_id, manager_id=user_id, rep_ids=reps)
    else:
        repo.set_reps(session, team_id=actor.team_id, manager_id=user_id, rep_ids=[])
    return RoleRow(user_id, role, tuple(reps) if role == "manager" else ())


def team_roles(session: Session, actor: Actor) -> list[RoleRow]:
    """Everyone with an assigned role in the actor's workspace (what the admin's App Home lists)."""
    rows = []
    for m in repo.memberships(session, team_id=actor.team_id):
        reps = access_repo.reps_of_manager(session, team_id=actor.team_id, manager_id=m.user_id)
        rows.append(RoleRow(m.user_id, m.role, tuple(sorted(reps))))
    return rows


def admin_ids(session: Session, team_id: str, env_admins: frozenset[str]) -> list[str]:
    """Who looks after the workspace's setup (told when the digest cannot reach its channel): its Slack
    admins and owners, the admins dealbot assigned, the admin who last saved the settings; the
    DEALBOT_ADMINS when none of them is known."""
    found = set(users_repo.slack_admins(session, team_id=team_id))
    found |= {m.user_id for m in repo.memberships(session, team_id=team_id) if m.role == "admin"}
    row = users_repo.get_team_settings(session, team_id=team_id)
    if row is not None and row.updated_by and USER_ID.match(row.updated_by):
        found.add(row.updated_by)
    return sorted(found or env_admins)
