"""Qualification interviews and their answers: every query of the feature, scoped by team."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, select

from storage.models import Deal, Interview, InterviewAnswer, Person, RedFlag


def create_interview(
    session: Session, *, team_id: str, deal_id: int, rep_id: str, now: datetime, question_set: str
) -> Interview:
    """A new interview, active in the rep's DM; the rep's other DM interview is paused first."""
    pause_dm_interviews(session, team_id=team_id, rep_id=rep_id)
    iv = Interview(
        team_id=team_id,
        deal_id=deal_id,
        rep_id=rep_id,
        status="active",
        dm_active=True,
        question_set=question_set,
        started_at=now,
    )
    session.add(iv)
    session.flush()
    return iv


def get_interview(
    session: Session, *, team_id: str, interview_id: int, lock: bool = False
) -> Interview | None:
    q = select(Interview).where(Interview.team_id == team_id, Interview.id == interview_id)
    if lock:
        q = q.with_for_update()
    return session.exec(q).first()


def latest_interview(session: Session, *, team_id: str, deal_id: int, done: bool = False) -> Interview | None:
    q = select(Interview).where(Interview.team_id == team_id, Interview.deal_id == deal_id)
    q = q.where(Interview.status == "done") if done else q.where(Interview.status != "replaced")
    return session.exec(q.order_by(Interview.id.desc()).limit(1)).first()


def interviews_of_deal(session: Session, *, team_id: str, deal_id: int) -> list[Interview]:
    return list(
        session.exec(
            select(Interview)
            .where(Interview.team_id == team_id, Interview.deal_id == deal_id)
            .order_by(Interview.id)
        )
    )


def dm_interview(session: Session, *, team_id: str, rep_id: str, lock: bool = False) -> Interview | None:
    """The rep's interview that is active in the DM (typed text goes to it), if any."""
    q = select(Interview).where(
        Interview.team_id == team_id, Interview.rep_id == rep_id, Interview.dm_active.is_(True)
    )
    if lock:
        q = q.with_for_update()
    return session.exec(q).first()


def pause_dm_interviews(session: Session, *, team_id: str, rep_id: str, keep_id: int | None = None) -> None:
    """At most one interview per rep is active in the DM: pause the others."""
    q = update(Interview).where(
        Interview.team_id == team_id, Interview.rep_id == rep_id, Interview.dm_active.is_(True)
    )
    if keep_id is not None:
        q = q.where(Interview.id != keep_id)
    opts = {"synchronize_session": False}
    session.execute(
        q.where(Interview.status == "active")
        .values(dm_active=False, status="paused")
        .execution_options(**opts)
    )
    session.execute(q.values(dm_active=False, current_key=None, question_ts=None).execution_options(**opts))
    session.flush()


def current_answers(session: Session, *, interview_id: int) -> dict[str, InterviewAnswer]:
    rows = session.exec(
        select(InterviewAnswer).where(
            InterviewAnswer.interview_id == interview_id, InterviewAnswer.superseded_by.is_(None)
        )
    )
    return {r.question_key: r for r in rows}


def answer_history(session: Session, *, interview_id: int) -> list[InterviewAnswer]:
    return list(
        session.exec(
            select(InterviewAnswer)
            .where(InterviewAnswer.interview_id == interview_id)
            .order_by(InterviewAnswer.id)
        )
    )


def add_answer(
    session: Session,
    *,
    interview: Interview,
    key: str,
    value: Any,
    skipped: bool,
    by: str,
    at: datetime,
    raw_text: str | None = None,
    message_ts: str | None = None,
) -> InterviewAnswer:
    """Record an answer; the previous answer to the same question is superseded, never overwritten."""
    previous = current_answers(session, interview_id=interview.id).get(key)
    row = InterviewAnswer(
        team_id=interview.team_id,
        interview_id=interview.id,
        question_key=key,
        value=value,
        skipped=skipped,
        raw_text=raw_text[:4000] if raw_text else None,
        answered_by=by,
        answered_at=at,
        message_ts=message_ts,
    )
    session.add(row)
    session.flush()
    if previous is not None:
        previous.superseded_by = row.id
        session.add(previous)
        session.flush()
    return row


def upsert_coach(session: Session, *, deal: Deal, name: str, title: str | None, now: datetime) -> Person:
    """The interview's coach answer as a buying influence with role coach (SPEC §12)."""
    person = session.exec(
        select(Person).where(Person.team_id == deal.team_id, Person.deal_id == deal.id, Person.name == name)
    ).first()
    if person is None:
        person = Person(team_id=deal.team_id, deal_id=deal.id, name=name, created_at=now, updated_at=now)
    person.role, person.attitude, person.updated_at = "coach", "supporter", now
    if title:
        person.title = title
    session.add(person)
    session.flush()
    return person


def raise_red_flag(
    session: Session, *, deal: Deal, kind: str, reason: str, by: str, now: datetime
) -> RedFlag:
    """Raise a flag unless the same kind is already open on the deal."""
    open_flag = session.exec(
        select(RedFlag).where(
            RedFlag.team_id == deal.team_id,
            RedFlag.deal_id == deal.id,
            RedFlag.kind == kind,
            RedFlag.cleared_at.is_(None),
        )
    ).first()
    if open_flag is not None:
        return open_flag
    flag = RedFlag(
        team_id=deal.team_id, deal_id=deal.id, kind=kind, reason=reason, raised_by=by, raised_at=now
    )
    session.add(flag)
    session.flush()
    return flag
