"""Answering nudges: check in, snooze, the day-30 decision (keep / downgrade / lower contact; drop is the
pipeline's dialog), a held deal's wake-up (resume; still on hold, lost and drop are the pipeline's
dialogs), and a rep's vacation dates. Every deal access goes through ``access.load_deal``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session

from bot.config import Settings
from bot.flows.errors import BadInput, NotFound, StaleCard, row_id
from bot.flows.followups import planning as plan
from bot.flows.followups.kinds import FOLLOWUP_30, HOLD_WAKE, KINDS
from bot.flows.followups.worktime import zone_or_utc
from bot.flows.hooks import HookContext, emit
from bot.flows.team.access import load_deal
from bot.flows.team.users import Actor
from bot.process import Process
from storage.models import Deal, Nudge, Vacation
from storage.repo import deals as deals_repo
from storage.repo import nudges as repo

GRADE_DOWN = {"A": "B", "B": "C", "C": "D", "D": "D", None: "C"}
DOWNGRADE_CAUSE = f"{FOLLOWUP_30.key}: intent not confirmed at the day-30 review"
MAX_TEXT = 3000
MAX_AWAY_DAYS = 366


@dataclass(frozen=True)
class CheckinForm:
    done_text: str
    progress: bool
    progress_text: str | None = None
    blockers: str | None = None
    next_step: str | None = None
    next_step_date: date | None = None


def validate_checkin(form: CheckinForm, today: date) -> dict[str, str]:
    """Field -> catalog key of what is wrong (empty when the form is fine)."""
    errors: dict[str, str] = {}
    if not form.done_text.strip():
        errors["done"] = "followups.checkin.err_done"
    for name, text in (("done", form.done_text), ("progress_text", form.progress_text),
                       ("blockers", form.blockers)):  # fmt: skip
        if text and len(text) > MAX_TEXT:
            errors[name] = "followups.checkin.err_long"
    if form.next_step and len(form.next_step) > 500:
        errors["next_step"] = "followups.checkin.err_long"
    if form.next_step_date and form.next_step_date < today:
        errors["next_date"] = "followups.checkin.err_past"
    return errors


def local_today(actor: Actor, now: datetime) -> date:
    return now.astimezone(zone_or_utc(actor.tz)).date()


def record_checkin(session: Session, settings: Settings, actor: Actor, deal_id: int | str, form: CheckinForm,
                   now: datetime, *, process: Process) -> tuple[Deal, list[Nudge]]:  # fmt: skip
    """Store the check-in, the deal's next step, and answer the deal's open nudges (not day 30)."""
    deal = load_deal(session, actor, deal_id, edit=True)
    if deal.status != "open":
        raise StaleCard()
    errors = validate_checkin(form, local_today(actor, now))
    if errors:
        raise BadInput("followups.checkin.err_form")
    repo.add_checkin(
        session,
        team_id=deal.team_id,
        deal_id=deal.id,
        rep_id=actor.user_id,
        done_text=form.done_text.strip(),
        progress=form.progress,
        progress_text=(form.progress_text or "").strip() or None,
        blockers=(form.blockers or "").strip() or None,
        next_step=(form.next_step or "").strip() or None,
        next_step_date=form.next_step_date,
        created_at=now,
    )
    if form.next_step or form.next_step_date:
        deal.next_step = (form.next_step or "").strip() or deal.next_step
        deal.next_step_date = form.next_step_date or deal.next_step_date
        deal.updated_at = now
        session.add(deal)
        session.flush()
    before = {
        n.id for n in repo.of_deal(session, team_id=deal.team_id, deal_id=deal.id, statuses=["answered"])
    }
    emit(session, "checkin", deal, HookContext(settings, process, now, actor.user_id))
    answered = repo.of_deal(session, team_id=deal.team_id, deal_id=deal.id, statuses=["answered"])
    return deal, [n for n in answered if n.id not in before]


def messages_of(nudges: list[Nudge]) -> list[dict]:
    """Where these nudges' DMs (and reminders) are: ``{"channel", "ts"}`` from the rows, never from a payload."""
    return [
        {"channel": n.channel_id, "ts": ts}
        for n in nudges
        for ts in (n.slack_ts, n.reminder_ts)
        if ts and n.channel_id
    ]


def nudge_messages(session: Session, actor: Actor, nudge_id: int | str) -> list[dict]:
    """The messages of one nudge the actor may answer (the ones a click on it may update)."""
    n, _ = _own_nudge(session, actor, nudge_id)
    return messages_of([n])


def deal_nudge_messages(session: Session, actor: Actor, deal_id: int | str) -> list[dict]:
    """The messages of every nudge of a deal the actor may change."""
    deal = load_deal(session, actor, deal_id, edit=True)
    return messages_of(repo.of_deal(session, team_id=deal.team_id, deal_id=deal.id))


def _own_nudge(session: Session, actor: Actor, nudge_id: int | str) -> tuple[Nudge, Deal]:
    n = repo.get(session, team_id=actor.team_id, nudge_id=row_id(nudge_id))
    if n is None:
        raise NotFound()
    return n, load_deal(session, actor, n.deal_id, edit=True)


def snooze(session: Session, settings: Settings, actor: Actor, nudge_id: int | str, days: int,
           now: datetime) -> Nudge:  # fmt: skip
    """Send it again ``days`` later, in the rep's next working slot; the clock for it starts over."""
    n, deal = _own_nudge(session, actor, nudge_id)
    if n.status in ("answered", "skipped", "failed") or deal.status != "open":
        raise StaleCard()
    wt = plan.worktime(session, settings, n.team_id, n.owner_id)
    n.snoozed_until = now + timedelta(days=days)
    n.send_after = wt.next_slot(n.snoozed_until)
    n.available_at = n.send_after
    n.status, n.attempts, n.claimed_at, n.lease_owner, n.lease_expires_at = "pending", 0, None, None, None
    n.sent_at = n.reminder_sent_at = n.overdue_at = None
    session.add(n)
    session.flush()
    return n


@dataclass(frozen=True)
class Recommendation:
    """Day 30's advice and what it rests on: what counted as progress since the cycle began."""

    what: str  # keep | drop
    since: datetime
    found: dict[str, int]  # repo.PROGRESS_KINDS -> how many since ``since``


def recommendation(session: Session, deal: Deal) -> Recommendation:
    """Day 30: keep when anything recorded since the cycle began (day 1) counts as progress — a check-in
    with progress, a milestone or checkpoint, a stage change, a person added; drop only when none does."""
    since = deal.followup_t0 or deal.created_at
    found = repo.progress_counts(session, team_id=deal.team_id, deal_id=deal.id, since=since)
    return Recommendation("keep" if any(found.values()) else "drop", since, found)


def _decide(session: Session, actor: Actor, nudge_id: int | str, now: datetime,
            decision: str | None = None) -> tuple[Nudge, Deal]:  # fmt: skip
    n, deal = _own_nudge(session, actor, nudge_id)
    kind = KINDS.find(n.kind)
    if kind is None or not kind.decides or n.status == "answered" or deal.status != "open":
        raise StaleCard()
    if n.cycle != deal.followup_cycle:
        raise StaleCard()
    if decision is not None:  # the judgement and the recommendation the rep saw, for the weekly review
        deals_repo.add_event(session, deal=deal, kind="day30", actor_id=actor.user_id, at=now,
                             to_value=decision, reason=decision, note=recommendation(session, deal).what)  # fmt: skip
    repo.mark_answered(n, now)
    session.add(n)
    return n, deal


def keep(session: Session, settings: Settings, actor: Actor, nudge_id: int | str, now: datetime) -> Deal:
    """Intent confirmed: answer day 30 and start a new 30-day cycle from now."""
    _, deal = _decide(session, actor, nudge_id, now, "keep")
    plan.start_new_cycle(session, settings, deal, now)
    return deal


def downgrade(session: Session, settings: Settings, actor: Actor, nudge_id: int | str,
              now: datetime, *, process: Process) -> tuple[Deal, str | None, str]:  # fmt: skip
    """One grade lower (a 'grade' event with its cause), held against regrades until the score or the
    expected close changes; the deal stays in the funnel at its contact level; then a new cycle."""
    _, deal = _decide(session, actor, nudge_id, now, "downgrade")
    old, new = deal.grade, GRADE_DOWN.get(deal.grade, "D")
    held = {"downgraded_at": now, "downgrade_score": deal.score, "downgrade_close": deal.expected_close}
    if not deals_repo.save_if_version(
        session, deal=deal, expected_version=deal.version, now=now, grade=new, **held
    ):
        raise StaleCard()
    deals_repo.add_event(
        session, deal=deal, kind="grade", actor_id=actor.user_id, at=now, from_value=old, to_value=new,
        reason=DOWNGRADE_CAUSE,
    )  # fmt: skip
    emit(session, "regraded", deal, HookContext(settings, process, now, actor.user_id), cause=DOWNGRADE_CAUSE)
    plan.start_new_cycle(session, settings, deal, now)
    return deal, old, new


def lower_contact_from_day30(session: Session, settings: Settings, actor: Actor, nudge_id: int | str,
                             now: datetime, *, process: Process) -> Deal:  # fmt: skip
    """Day 30's "lower contact": answer the review, then the pipeline's lower-contact act (out of the
    funnel, a light touch every N days, no red flag)."""
    from bot.flows.pipeline.contact import lower_contact

    _, deal = _decide(session, actor, nudge_id, now, "lower")
    lower_contact(session, actor, deal.id, now=now, settings=settings, process=process,
                  cause="day-30 review: keep at lower contact level")  # fmt: skip
    return deal


def resume_from_hold(session: Session, settings: Settings, actor: Actor, nudge_id: int | str,
                     now: datetime, *, process: Process) -> Deal:  # fmt: skip
    """A held deal's wake-up answered with "resume": reopen it (a fresh follow-up cycle; the reopen
    answers the wake-up)."""
    from bot.flows.pipeline.outcomes import reopen

    n, deal = _own_nudge(session, actor, nudge_id)
    if n.kind != HOLD_WAKE.key or n.status in ("answered", "skipped", "failed") or deal.status != "on_hold":
        raise StaleCard()
    reopen(session, actor, deal.id, version=None, now=now, settings=settings, process=process)
    return deal


# --------------------------------------------------------------------------- vacations
def set_away(session: Session, settings: Settings, actor: Actor, start: date, end: date,
             now: datetime) -> Vacation:  # fmt: skip
    if end < start:
        raise BadInput("followups.away.err_order")
    if end < local_today(actor, now):
        raise BadInput("followups.away.err_past")
    if (end - start).days >= MAX_AWAY_DAYS:
        raise BadInput("followups.away.err_long")
    row = repo.add_vacation(
        session, team_id=actor.team_id, user_id=actor.user_id, starts_on=start, ends_on=end
    )
    plan.rezone_owner(session, settings, actor.team_id, actor.user_id)
    return row


def clear_away(session: Session, settings: Settings, actor: Actor, now: datetime) -> int:
    n = repo.clear_vacations(
        session, team_id=actor.team_id, user_id=actor.user_id, from_day=local_today(actor, now)
    )
    plan.rezone_owner(session, settings, actor.team_id, actor.user_id)
    return n


def list_away(session: Session, actor: Actor, now: datetime) -> list[Vacation]:
    return repo.vacations(
        session, team_id=actor.team_id, user_id=actor.user_id, until_after=local_today(actor, now)
    )
