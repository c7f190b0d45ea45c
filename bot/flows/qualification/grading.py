"""Assess a deal from its interview, and regrade it when an answer or the expected close changes.

Every grade change is a DealEvent kind 'grade' (from, to, reason = the cause) and emits 'regraded'.
An incomplete assessment (items still to find out, SPEC §3.3) stores its provisional grade with
``Deal.assessment_incomplete`` set; the grade becomes final when the assessment completes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.config import Settings
from bot.flows import hooks
from bot.flows.hooks import HookContext
from bot.flows.qualification.framing import Frame, frame_prospect
from bot.flows.qualification.grade_hold import held_grade
from bot.flows.qualification.scoring import (
    GradeResult,
    NextGrade,
    Scorecard,
    grade_prospect,
    next_grade,
    recommend,
    score_prospect,
)
from bot.flows.team.config import effective_pass_line, team_config
from bot.process.questions import QuestionSet
from storage.models import Deal, Interview
from storage.repo import deals as deals_repo
from storage.repo import interviews as repo


@dataclass(frozen=True)
class GradingEnv:
    qset: QuestionSet
    pass_line: int
    zone: ZoneInfo


@dataclass(frozen=True)
class Assessment:
    card: Scorecard
    grade: GradeResult
    recommendation: str
    frames: tuple[Frame, Frame, Frame, Frame]
    answers: dict[str, Any]
    skipped: tuple[str, ...]
    close: date | None
    next_grade: NextGrade | None = None  # what the next grade up needs (the verdict's grade reason)

    @property
    def complete(self) -> bool:
        return self.card.complete

    @property
    def to_find_out(self) -> tuple[str, ...]:
        """Every question still to find out (skipped), in question order."""
        return self.skipped


def grading_env(session: Session, settings: Settings, qset: QuestionSet, team_id: str) -> GradingEnv:
    """The question set, the team's effective pass line and the team's time zone."""
    team = team_config(session, settings, team_id)
    return GradingEnv(qset, effective_pass_line(team, qset), team.zone)


def answer_values(session: Session, interview_id: int) -> tuple[dict[str, Any], tuple[str, ...]]:
    rows = repo.current_answers(session, interview_id=interview_id)
    values = {k: r.value["choice"] if isinstance(r.value, dict) and "choice" in r.value else r.value
              for k, r in rows.items() if not r.skipped}  # fmt: skip
    return values, tuple(k for k, r in rows.items() if r.skipped)


def in_order(qset: QuestionSet, keys: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(k for k in qset.keys if k in keys)


def assess(
    env: GradingEnv, answers: dict[str, Any], skipped: tuple[str, ...], close: date | None, now: datetime
) -> Assessment:
    card = score_prospect(env.qset, answers, env.pass_line)
    today = now.astimezone(env.zone).date()
    grade = grade_prospect(card, env.qset.grades, close, today)
    return Assessment(
        card=card,
        grade=grade,
        recommendation=recommend(card),
        frames=frame_prospect(answers, card, env.qset.average_margin),
        answers=answers,
        skipped=in_order(env.qset, skipped),
        close=close,
        next_grade=next_grade(card, env.qset.grades, grade, close, today),
    )


def assess_interview(
    session: Session, deal: Deal, iv: Interview, now: datetime, *, settings: Settings, qset: QuestionSet
) -> Assessment:
    answers, skipped = answer_values(session, iv.id)
    env = grading_env(session, settings, qset, deal.team_id)
    return assess(env, answers, skipped, deal.expected_close, now)


def apply_assessment(
    session: Session, deal: Deal, iv: Interview, a: Assessment, ctx: HookContext, *, cause: str
) -> str | None:
    """Store score and grade on the interview and the deal; record a grade change (by ``ctx.actor_id``
    at ``ctx.now``). Returns the old grade when the grade changed (or became final)."""
    now = ctx.now
    score, incomplete = a.card.scaled, not a.complete
    iv.score, iv.grade = score, a.grade.grade
    iv.knocked_out, iv.recommendation = a.card.knocked_out, a.recommendation
    session.add(iv)
    old, was_incomplete = deal.grade, deal.assessment_incomplete
    grade, hold = held_grade(deal, a.grade.grade, score)  # a rep's downgrade holds
    if (deal.grade, deal.score, deal.assessment_incomplete) != (grade, score, incomplete) or hold:
        _save(session, deal, now, grade=grade, score=score, assessment_incomplete=incomplete, **hold)
    completed = was_incomplete and not incomplete
    if completed:
        cause = f"assessment complete: {cause}"
    elif incomplete:
        cause = f"{cause} (provisional: assessment incomplete)"
    changed = _record_change(session, deal, ctx, old, grade, cause) if old != grade or completed else None
    if completed:  # the items found out: for the follow-ups, the interview has now ended
        hooks.emit(session, "interview_finished", deal, ctx, grade=grade, score=score,
                   passed=a.card.passed)  # fmt: skip
    return changed


def _record_change(
    session: Session, deal: Deal, ctx: HookContext, old: str | None, grade: str | None, cause: str
) -> str:
    deals_repo.add_event(
        session,
        deal=deal,
        kind="grade",
        actor_id=ctx.actor_id,
        at=ctx.now,
        from_value=old,
        to_value=grade,
        reason=cause[:2000],
    )
    hooks.emit(session, "regraded", deal, ctx, old=old, new=grade, cause=cause)
    return old or "-"


def _save(session: Session, deal: Deal, now: datetime, **changes: Any) -> None:
    session.flush()
    if not deals_repo.save_if_version(session, deal=deal, expected_version=deal.version, now=now, **changes):
        session.refresh(deal)
        deals_repo.save_if_version(session, deal=deal, expected_version=deal.version, now=now, **changes)


def regrade(session: Session, deal: Deal, ctx: HookContext, *, cause: str) -> Assessment | None:
    """Recompute from the deal's latest finished interview (nothing to do before one is finished), with
    the question set and settings of ``ctx``."""
    iv = repo.latest_interview(session, team_id=deal.team_id, deal_id=deal.id, done=True)
    if iv is None:
        return None
    a = assess_interview(session, deal, iv, ctx.now, settings=ctx.settings, qset=ctx.process.questions)
    apply_assessment(session, deal, iv, a, ctx, cause=cause)
    return a
