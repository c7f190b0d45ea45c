"""Moving around an interview: skip, back, stop for now, change an earlier answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.config import Settings
from bot.flows.qualification.interview import DealInfo, Step, _ask, _load, answer
from bot.flows.team.users import Actor
from bot.process import Process
from bot.process.questions import QuestionSet
from storage.repo import interviews as repo


def skip(
    session: Session,
    actor: Actor,
    interview_id: Any,
    key: str,
    now: datetime,
    message_ts: str | None,
    *,
    settings: Settings,
    process: Process,
) -> Step:
    return answer(session, actor, interview_id, key, None, now, skipped=True, message_ts=message_ts,
                  settings=settings, process=process)  # fmt: skip


def _moved_on(iv, key: str) -> bool:  # noqa: ANN001
    return iv.status not in ("active", "done") or iv.current_key != key


def back(
    session: Session, actor: Actor, interview_id: Any, key: str, message_ts: str | None, *, qset: QuestionSet
) -> Step:
    iv, deal = _load(session, actor, interview_id)
    step = Step(iv.id, DealInfo.of(deal), actor.user_id)
    if _moved_on(iv, key):
        step.notes.append(("qualification.notes.moved_on", {}))
        return step
    i = qset.index(key)
    if i == 0:  # asked again where it is, with the note inline
        step.notes.append(("qualification.notes.first", {}))
        return _ask(session, iv, key, step, qset)
    return _ask(session, iv, qset.questions[i - 1].key, step, qset)  # the same message asks it


def stop(session: Session, actor: Actor, interview_id: Any, message_ts: str | None) -> Step:
    iv, deal = _load(session, actor, interview_id)
    step = Step(iv.id, DealInfo.of(deal), actor.user_id)
    step.message_ts = iv.question_ts  # the interview's message becomes the "stopped" note
    if iv.status in ("active", "done") and iv.current_key:
        iv.dm_active = False
        if iv.status == "done":  # stopped changing an answer: the finished interview stays finished
            iv.current_key = None
        else:
            iv.status = "paused"
        session.add(iv)
    step.notes.append(("qualification.notes.paused", {"deal": deal.account}))
    return step


def change(session: Session, actor: Actor, interview_id: Any, key: str, *, qset: QuestionSet) -> Step:
    """Ask an earlier question again; its answer is changed when the rep answers it."""
    iv, deal = _load(session, actor, interview_id)
    step = Step(iv.id, DealInfo.of(deal), actor.user_id)
    if iv.status == "replaced" or qset.get(key) is None:
        step.notes.append(("qualification.notes.replaced", {}))
        return step
    step.repost = True  # asked below the picker or card it was chosen from, not far up the DM
    repo.pause_dm_interviews(session, team_id=iv.team_id, rep_id=actor.user_id, keep_id=iv.id)
    iv.status = "done" if iv.status == "done" else "active"  # a finished interview stays graded
    iv.dm_active = True
    return _ask(session, iv, key, step, qset)


def answered_keys(
    session: Session, actor: Actor, interview_id: Any, *, qset: QuestionSet
) -> tuple[Step, list[str]]:
    """The questions that have an answer, in order (for the Change-an-answer picker)."""
    iv, deal = _load(session, actor, interview_id)
    answers = repo.current_answers(session, interview_id=iv.id)
    return Step(iv.id, DealInfo.of(deal), actor.user_id), [k for k in qset.keys if k in answers]


def interview_channel(session: Session, actor: Actor, interview_id: int) -> str | None:
    """The DM the interview's questions were posted in (stored when posting), for the actor's own
    interview only; None before any question went out."""
    iv = repo.get_interview(session, team_id=actor.team_id, interview_id=interview_id)
    return iv.channel_id if iv is not None and iv.rep_id == actor.user_id else None


def interview_message(session: Session, actor: Actor, interview_id: int) -> tuple[str | None, str | None]:
    """(channel, ts) of the interview's one message, for the actor's own interview only."""
    iv = repo.get_interview(session, team_id=actor.team_id, interview_id=interview_id)
    if iv is None or iv.rep_id != actor.user_id:
        return None, None
    return iv.channel_id, iv.question_ts


def mark_posted(
    session: Session, actor: Actor, interview_id: int, key: str | None, ts: str, channel: str
) -> None:
    """Remember the interview's one DM message (it asks each question in turn, then shows the verdict)."""
    iv = repo.get_interview(session, team_id=actor.team_id, interview_id=interview_id, lock=True)
    if iv is not None and iv.rep_id == actor.user_id and (key is None or iv.current_key == key):
        iv.question_ts, iv.channel_id = ts, channel
        session.add(iv)
