"""The qualification interview as a conversation whose state lives in the database (SPEC §3, §12).

One question at a time: the interview's ``current_key`` is the question being asked. An answer to it
moves on to the first question without an answer; an answer to another question (an old message's
button) is a change of that answer, recorded as a new row that supersedes the old one. When every
question has an answer (or a skip) the interview is done and the deal is graded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.config import Settings
from bot.flows import hooks
from bot.flows.errors import NotAllowed, NotFound, row_id
from bot.flows.qualification.grading import Assessment, apply_assessment, assess_interview, regrade
from bot.flows.qualification.parsing import Unreadable, parse_answer, parse_date
from bot.flows.team import access
from bot.flows.team.users import Actor
from bot.process import Process
from bot.process.questions import Question, QuestionSet
from storage.models import Deal, Interview
from storage.repo import deals as deals_repo
from storage.repo import interviews as repo

FROM_DEAL = "(from the deal)"


@dataclass(frozen=True)
class DealInfo:
    id: int
    account: str
    title: str
    currency: str
    grade: str | None

    @classmethod
    def of(cls, deal: Deal) -> DealInfo:
        return cls(deal.id, deal.account, deal.title or "", deal.currency, deal.grade)


@dataclass(frozen=True)
class Ask:
    key: str
    number: int
    total: int
    current: Any = None  # the answer it has now (asked again by Back or Change)
    has_answer: bool = False
    from_form: tuple[int, ...] = ()  # earlier question numbers answered in the register form (skipped)


@dataclass(frozen=True)
class Answered:
    ts: str | None
    key: str
    value: Any
    skipped: bool
    changed_from: tuple[Any, bool] | None = None  # (old value, old skipped) for a change


@dataclass
class Step:
    interview_id: int
    deal: DealInfo
    rep_id: str
    answered: Answered | None = None
    marker: tuple[str, str] | None = None  # (ts, "back" | "paused"): a question message left behind
    ask: Ask | None = None
    verdict: Assessment | None = None
    notes: list[tuple[str, dict]] = field(default_factory=list)
    reask: tuple[str, str] | None = None  # (question key, reason) after an unreadable typed answer
    offer_redo: bool = False
    # The interview is ONE message in the DM, updated in place (UX.md "Clean up after yourself"):
    message_ts: str | None = None  # that message (from the interview row), None before it is posted
    transcript: tuple[Answered, ...] = ()  # the answers so far, oldest first (folded above the question)
    repost: bool = False  # move it to the bottom of the DM (typed answer, resume, change from elsewhere)


# -- starting and resuming -------------------------------------------------------------------------
def start_or_resume(
    session: Session,
    actor: Actor,
    deal_id: Any,
    now: datetime,
    *,
    redo: bool = False,
    settings: Settings,
    process: Process,
) -> Step:
    ctx = hooks.HookContext(settings, process, now, actor.user_id)
    deal = access.load_deal(session, actor, deal_id, edit=True)
    latest = repo.latest_interview(session, team_id=deal.team_id, deal_id=deal.id)
    if latest is not None and redo:
        latest.status, latest.dm_active = "replaced", False
        session.add(latest)
        session.flush()
        latest = None
    if latest is None:
        return _begin(session, deal, ctx)
    if latest.status == "done":
        verdict = assess_interview(session, deal, latest, now, settings=settings, qset=process.questions)
        if not verdict.complete and verdict.to_find_out:
            return _find_out(session, latest, deal, actor.user_id, verdict.to_find_out, process.questions)
        return Step(latest.id, DealInfo.of(deal), actor.user_id, verdict=verdict, offer_redo=True)
    repo.pause_dm_interviews(session, team_id=deal.team_id, rep_id=actor.user_id, keep_id=latest.id)
    if latest.rep_id != actor.user_id:  # taken over: its questions now go to this actor's own DM
        latest.channel_id = latest.question_ts = None
    latest.status, latest.dm_active, latest.rep_id = "active", True, actor.user_id
    step = Step(latest.id, DealInfo.of(deal), actor.user_id, repost=True)
    if latest.current_key and process.questions.get(latest.current_key):
        return _ask(session, latest, latest.current_key, step, process.questions)
    return _ask_next(session, latest, deal, step, ctx)


def _find_out(
    session: Session, iv: Interview, deal: Deal, rep_id: str, keys: tuple[str, ...], qset: QuestionSet
) -> Step:
    """An incomplete assessment is continued, not redone: ask the items still to find out, in order."""
    repo.pause_dm_interviews(session, team_id=deal.team_id, rep_id=rep_id, keep_id=iv.id)
    iv.dm_active, iv.rep_id = True, rep_id
    step = Step(iv.id, DealInfo.of(deal), rep_id, repost=True)
    step.notes.append(("qualification.notes.find_out", {"deal": deal.account, "n": len(keys)}))
    return _ask(session, iv, keys[0], step, qset)


def _next_to_find_out(
    session: Session, iv: Interview, deal: Deal, step: Step, ctx: hooks.HookContext
) -> Step:
    """In a finished interview, after an item to find out: the score and verdict follow the answer; the
    next item still to find out (after this one) is asked, and after the last the verdict is shown."""
    key = step.answered.key if step.answered else None
    qset = ctx.process.questions
    answers = repo.current_answers(session, interview_id=iv.id)
    after = qset.keys[qset.index(key) + 1 :] if key in qset.keys else []
    nxt = next((k for k in after if k in answers and answers[k].skipped), None)
    if nxt is None:
        return _finish(session, iv, deal, step, ctx)
    regrade(session, deal, ctx, cause=f"found out: {key}")
    step.deal = DealInfo.of(deal)
    return _ask(session, iv, nxt, step, qset)


def _begin(session: Session, deal: Deal, ctx: hooks.HookContext) -> Step:
    qset, rep_id, now = ctx.process.questions, ctx.actor_id, ctx.now
    iv = repo.create_interview(
        session, team_id=deal.team_id, deal_id=deal.id, rep_id=rep_id, now=now, question_set=qset.name
    )
    iv.channel_id = rep_id
    for q in qset.questions:
        value = _deal_value(deal, q)
        if value is not None:
            repo.add_answer(session, interview=iv, key=q.key, value=value, skipped=False, by=rep_id,
                            at=now, raw_text=FROM_DEAL)  # fmt: skip
    return _ask_next(session, iv, deal, Step(iv.id, DealInfo.of(deal), rep_id), ctx)


def _deal_value(deal: Deal, q: Question) -> Any:
    if q.deal_field == "expected_close" and deal.expected_close:
        return deal.expected_close.isoformat()
    if q.deal_field == "amount" and deal.amount:
        return {"amount": format(Decimal(deal.amount).normalize(), "f"), "currency": deal.currency}
    return None


def _ask_next(session: Session, iv: Interview, deal: Deal, step: Step, ctx: hooks.HookContext) -> Step:
    """Ask the current question if it has no answer yet, else the first unanswered; none left: finish."""
    qset = ctx.process.questions
    answers = repo.current_answers(session, interview_id=iv.id)
    key = iv.current_key if iv.current_key and iv.current_key not in answers else None
    key = key or next((q.key for q in qset.questions if q.key not in answers), None)
    if key is None:
        return _finish(session, iv, deal, step, ctx)
    return _ask(session, iv, key, step, qset)


def _ask(session: Session, iv: Interview, key: str, step: Step, qset: QuestionSet) -> Step:
    iv.current_key = key
    session.add(iv)
    answers = repo.current_answers(session, interview_id=iv.id)
    row, number = answers.get(key), qset.index(key) + 1
    from_form = tuple(i + 1 for i, q in enumerate(qset.questions[: number - 1])
                      if q.key in answers and answers[q.key].raw_text == FROM_DEAL)  # fmt: skip
    step.ask = Ask(key, number, len(qset.questions), current=None if row is None or row.skipped else row.value,
                   has_answer=row is not None, from_form=from_form)  # fmt: skip
    return _in_message(iv, step, answers, but=key)


def _in_message(iv: Interview, step: Step, answers: dict, but: str | None = None) -> Step:
    """What the interview's one message shows besides the question or verdict: where it is, and the
    answers so far in the order they were given."""
    step.message_ts = iv.question_ts
    rows = sorted((r for k, r in answers.items() if k != but), key=lambda r: r.id or 0)
    step.transcript = tuple(Answered(None, r.question_key, r.value, r.skipped) for r in rows)
    return step


@dataclass(frozen=True)
class ShownVerdict:
    """A finished interview's verdict as its message shows it, and where that message is (the
    interview row's DM and ts: a click on it is updated there, never where a payload says)."""

    step: Step
    channel: str | None
    ts: str | None


def verdict_of(session: Session, actor: Actor, deal_id: Any, now: datetime, *, settings: Settings,
               process: Process) -> ShownVerdict | None:  # fmt: skip
    """The latest finished interview's verdict of a deal the actor may see; None when there is none."""
    deal = access.load_deal(session, actor, deal_id)
    iv = repo.latest_interview(session, team_id=deal.team_id, deal_id=deal.id)
    if iv is None or iv.status != "done":
        return None
    a = assess_interview(session, deal, iv, now, settings=settings, qset=process.questions)
    step = _in_message(iv, Step(iv.id, DealInfo.of(deal), iv.rep_id, verdict=a),
                       repo.current_answers(session, interview_id=iv.id))  # fmt: skip
    own = iv.rep_id == actor.user_id
    return ShownVerdict(step, iv.channel_id if own else None, iv.question_ts if own else None)


def transcript(session: Session, actor: Actor, interview_id: Any) -> tuple[DealInfo, tuple[Answered, ...]]:
    """Every current answer of an interview of a deal the actor may see (the verdict's "Answers")."""
    iv = repo.get_interview(session, team_id=actor.team_id, interview_id=row_id(interview_id))
    if iv is None:
        raise NotFound()
    deal = access.load_deal(session, actor, iv.deal_id)
    step = _in_message(iv, Step(iv.id, DealInfo.of(deal), actor.user_id),
                       repo.current_answers(session, interview_id=iv.id))  # fmt: skip
    return step.deal, step.transcript


def _finish(session: Session, iv: Interview, deal: Deal, step: Step, ctx: hooks.HookContext) -> Step:
    first_time = iv.finished_at is None
    was_incomplete = deal.assessment_incomplete
    iv.status, iv.dm_active, iv.current_key = "done", False, None  # question_ts: it becomes the verdict
    iv.finished_at = ctx.now
    a = assess_interview(session, deal, iv, ctx.now, settings=ctx.settings, qset=ctx.process.questions)
    cause = (
        "interview finished"
        if first_time
        else f"answers changed: {step.answered.key if step.answered else ''}"
    )
    apply_assessment(session, deal, iv, a, ctx, cause=cause)
    if first_time and not (was_incomplete and a.complete):  # else apply_assessment emitted it
        hooks.emit(session, "interview_finished", deal, ctx, grade=a.grade.grade, score=a.card.total,
                   passed=a.card.passed)  # fmt: skip
    step.verdict = a
    step.deal = DealInfo.of(deal)
    return _in_message(iv, step, repo.current_answers(session, interview_id=iv.id))


# -- answering -------------------------------------------------------------------------------------
def _load(session: Session, actor: Actor, interview_id: Any) -> tuple[Interview, Deal]:
    iv = repo.get_interview(session, team_id=actor.team_id, interview_id=row_id(interview_id), lock=True)
    if iv is None:
        raise NotFound()
    if iv.rep_id != actor.user_id:
        raise NotAllowed()
    return iv, access.load_deal(session, actor, iv.deal_id, edit=True)


def answer(
    session: Session,
    actor: Actor,
    interview_id: Any,
    key: str,
    value: Any,
    now: datetime,
    *,
    skipped: bool = False,
    raw: str | None = None,
    message_ts: str | None = None,
    settings: Settings,
    process: Process,
) -> Step:
    ctx = hooks.HookContext(settings, process, now, actor.user_id)
    iv, deal = _load(session, actor, interview_id)
    q = process.questions.get(key)
    if q is None:
        raise NotFound()
    step = Step(iv.id, DealInfo.of(deal), actor.user_id)
    if iv.status == "replaced":
        step.notes.append(("qualification.notes.replaced", {}))
        return step
    if not skipped and q.kind in ("choice", "yes_no") and q.option(value) is None:
        raise NotFound()
    value = stored_value(q, value)
    is_current = iv.status in ("active", "done") and iv.current_key == key
    ts = (iv.question_ts or message_ts) if is_current else message_ts
    prev = repo.current_answers(session, interview_id=iv.id).get(key)
    if prev is not None and prev.skipped == skipped and prev.value == value and not is_current:
        step.answered = Answered(ts, key, value, skipped)
        step.notes.append(("qualification.notes.already", {"question": q.short.get(actor.locale)}))
        return _still_here(session, iv, deal, step, ctx)
    if prev is None or prev.skipped != skipped or prev.value != value:
        _record(session, iv, deal, q, value, skipped, ctx, raw, ts)
    step.answered = Answered(ts, key, value, skipped, None if prev is None else (prev.value, prev.skipped))
    if is_current and iv.status == "done" and prev is not None and prev.skipped:
        return _next_to_find_out(session, iv, deal, step, ctx)
    if is_current:
        return _ask_next(session, iv, deal, step, ctx)
    step.notes.append(("qualification.notes.changed", {"question": q.short.get(actor.locale)}))
    return _still_here(session, iv, deal, step, ctx, regrade_cause=f"answer changed: {key}")


def _still_here(session: Session, iv: Interview, deal: Deal, step: Step, ctx: hooks.HookContext, *,
                regrade_cause: str | None = None) -> Step:  # fmt: skip
    """The interview did not move: its message shows the same question (or the verdict) again, with
    the note inline, instead of a new message below it."""
    if iv.status == "done" and not iv.current_key:
        if regrade_cause:
            step.verdict = regrade(session, deal, ctx, cause=regrade_cause)
        else:
            step.verdict = assess_interview(session, deal, iv, ctx.now, settings=ctx.settings,
                                            qset=ctx.process.questions)  # fmt: skip
        step.deal = DealInfo.of(deal)
        return _in_message(iv, step, repo.current_answers(session, interview_id=iv.id))
    if iv.status in ("active", "done") and iv.current_key and ctx.process.questions.get(iv.current_key):
        if regrade_cause and iv.status == "done":
            regrade(session, deal, ctx, cause=regrade_cause)
            step.deal = DealInfo.of(deal)
        return _ask(session, iv, iv.current_key, step, ctx.process.questions)
    return step


def stored_value(q: Question, value: Any) -> Any:
    """A scored choice is stored with its score, {"choice": "good", "score": 2}, so that queries over
    answers (the digest's weakest items) read scores without the question set; other kinds as parsed."""
    option = q.option(value) if q.scored and isinstance(value, str) else None
    return {"choice": value, "score": option.score} if option is not None else value


def plain_value(value: Any) -> Any:
    return value["choice"] if isinstance(value, dict) and "choice" in value else value


def _record(session: Session, iv: Interview, deal: Deal, q: Question, value: Any, skipped: bool,
            ctx: hooks.HookContext, raw: str | None, ts: str | None) -> None:  # fmt: skip
    now = ctx.now
    repo.add_answer(session, interview=iv, key=q.key, value=value, skipped=skipped, by=ctx.actor_id, at=now,
                    raw_text=raw, message_ts=ts)  # fmt: skip
    if skipped:
        return
    if q.kind == "person" and isinstance(value, dict):
        repo.upsert_coach(session, deal=deal, name=value["name"], title=value.get("title"), now=now)
    if q.deal_field == "expected_close":
        _save_deal(session, deal, now, expected_close=date.fromisoformat(value))
        hooks.emit(session, "dates_changed", deal, ctx, fields=["expected_close"],
                   cause=f"expected close changed to {value}")  # fmt: skip
    elif q.deal_field == "amount":
        _save_deal(session, deal, now, amount=Decimal(value["amount"]), currency=value["currency"])


def _save_deal(session: Session, deal: Deal, now: datetime, **changes: Any) -> None:
    session.flush()
    if not deals_repo.save_if_version(session, deal=deal, expected_version=deal.version, now=now, **changes):
        session.refresh(deal)
        deals_repo.save_if_version(session, deal=deal, expected_version=deal.version, now=now, **changes)


def answer_typed(
    session: Session, actor: Actor, text: str, now: datetime, *, settings: Settings, process: Process
) -> Step | None:
    """Typed DM text goes to the rep's active interview; None when there is none."""
    iv = repo.dm_interview(session, team_id=actor.team_id, rep_id=actor.user_id)
    if iv is None or iv.current_key is None:
        return None
    q = process.questions.get(iv.current_key)
    deal = access.load_deal(session, actor, iv.deal_id, edit=True)
    try:
        value = parse_answer(q, text, today=today_for(actor, now), currency=deal.currency)
    except Unreadable as e:
        return Step(iv.id, DealInfo.of(deal), actor.user_id, reask=(q.key, e.reason))
    step = answer(session, actor, iv.id, q.key, value, now, raw=text, message_ts=iv.question_ts,
                  settings=settings, process=process)  # fmt: skip
    step.repost = True  # the next question (or the verdict) follows the typed text, not above it
    return step


def today_for(actor: Actor, now: datetime) -> date:
    return now.astimezone(ZoneInfo(actor.tz)).date()


def answer_date(session: Session, actor: Actor, interview_id: Any, key: str, day: str, now: datetime, *,
                message_ts: str | None, settings: Settings, process: Process) -> Step:  # fmt: skip
    """A date picked in the question's datepicker: the same rules as a typed date (not in the past)."""
    try:
        value = parse_date(day, today_for(actor, now)).isoformat()
    except Unreadable as e:
        iv, deal = _load(session, actor, interview_id)
        return Step(iv.id, DealInfo.of(deal), actor.user_id, reask=(key, e.reason))
    return answer(session, actor, interview_id, key, value, now, message_ts=message_ts, settings=settings,
                  process=process)  # fmt: skip
