"""Writes for the demo team (``dealbot demo-data``) and the sandbox workspace's roles.

Rows follow SPEC §12 semantics; each function is idempotent on the row's natural key where it has one.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Session, select

from storage.models import (
    CheckIn,
    Deal,
    Interview,
    InterviewAnswer,
    ManagerRep,
    Membership,
    Nudge,
    Person,
    Quota,
    TeamSettings,
)
from storage.repo.pipeline import add_milestone, add_payment, raise_flag  # noqa: F401  (demo uses them too)

SEEDED_BY = "demo"  # who "set" what the demo and the sandbox seed (not a person: no admin chose it)


def deal_by_account(session: Session, *, team_id: str, account: str) -> Deal | None:
    return session.exec(select(Deal).where(Deal.team_id == team_id, Deal.account == account)).first()


def ensure_role(session: Session, *, team_id: str, user_id: str, role: str, at: datetime) -> bool:
    """Give ``role`` unless the user already has a membership; True when a row was written."""
    if session.get(Membership, (team_id, user_id)) is not None:
        return False
    session.add(
        Membership(team_id=team_id, user_id=user_id, role=role, assigned_by=SEEDED_BY, assigned_at=at)
    )
    session.flush()
    return True


def ensure_manager_rep(session: Session, *, team_id: str, manager_id: str, rep_id: str) -> None:
    if session.get(ManagerRep, (team_id, manager_id, rep_id)) is None:
        session.add(ManagerRep(team_id=team_id, manager_id=manager_id, rep_id=rep_id))
        session.flush()


def ensure_manager_channel(session: Session, *, team_id: str, channel_id: str, at: datetime) -> None:
    """Set the team's manager channel unless an admin already chose one."""
    row = session.get(TeamSettings, team_id) or TeamSettings(team_id=team_id)
    if not row.manager_channel:
        row.manager_channel, row.updated_at, row.updated_by = channel_id, at, SEEDED_BY
        session.add(row)
        session.flush()


def ensure_quota(
    session: Session,
    *,
    team_id: str,
    rep_id: str,
    period: str,
    start: date,
    end: date,
    amount: Decimal,
    currency: str,
    at: datetime,
) -> None:
    found = session.exec(
        select(Quota).where(Quota.team_id == team_id, Quota.rep_id == rep_id, Quota.period == period)
    ).first()
    if found is None:
        session.add(
            Quota(
                team_id=team_id,
                rep_id=rep_id,
                period=period,
                period_start=start,
                period_end=end,
                amount=amount,
                currency=currency,
                set_by="demo",
                set_at=at,
            )
        )
        session.flush()


def add_person(session: Session, *, deal: Deal, at: datetime, **fields) -> Person:
    row = Person(team_id=deal.team_id, deal_id=deal.id, created_at=at, updated_at=at, **fields)
    session.add(row)
    return row


def add_interview(session: Session, *, deal: Deal, at: datetime, **fields) -> Interview:
    row = Interview(
        team_id=deal.team_id, deal_id=deal.id, rep_id=deal.owner_id, started_at=at, finished_at=at, **fields
    )
    session.add(row)
    session.flush()
    return row


def add_answers(session: Session, *, interview: Interview, answers: dict, by: str, at: datetime) -> None:
    for key, value in answers.items():
        session.add(
            InterviewAnswer(
                team_id=interview.team_id,
                interview_id=interview.id,
                question_key=key,
                value=value,
                answered_by=by,
                answered_at=at,
            )
        )
    session.flush()


def add_nudge(session: Session, *, deal: Deal, kind: str, cycle: int, at: datetime, **fields) -> Nudge:
    known = {k: v for k, v in fields.items() if k in Nudge.model_fields}  # columns added by features
    row = Nudge(
        team_id=deal.team_id,
        deal_id=deal.id,
        owner_id=deal.owner_id,
        kind=kind,
        cycle=cycle,
        created_at=at,
        **known,
    )
    session.add(row)
    session.flush()
    return row


def add_checkin(session: Session, *, deal: Deal, nudge: Nudge | None, at: datetime, **fields) -> CheckIn:
    row = CheckIn(
        team_id=deal.team_id,
        deal_id=deal.id,
        nudge_id=nudge.id if nudge else None,
        rep_id=deal.owner_id,
        created_at=at,
        **fields,
    )
    session.add(row)
    return row
