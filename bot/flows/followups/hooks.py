"""Deal hooks -> nudge rows, in the same transaction as the change (the outbox of SPEC §12).

Planning is idempotent (unique (deal, kind, cycle) + ON CONFLICT DO NOTHING), so a replayed event
cannot double a nudge. An act that resolves a sent nudge's reason answers it (the digest's
compliance); pending rows whose reason went away are skipped by the sweep when claimed. Which kinds an
act plans and which it answers is declared with each kind (``kinds.py``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.flows.followups import planning as plan
from bot.flows.followups.kinds import KINDS
from bot.flows.hooks import HookContext, on
from storage.models import Deal
from storage.repo import nudges as repo


@on("created")
def on_created(session: Session, deal: Deal, ctx: HookContext, **info: Any) -> None:
    plan.plan_all(session, ctx.settings, deal, ctx.now)


@on("stage_changed")
def on_stage_changed(session: Session, deal: Deal, ctx: HookContext, **info: Any) -> None:
    _answer(session, deal, "stage_changed", ctx.now)
    plan.plan_on("stage_changed", session, ctx.settings, deal, ctx.now)
    plan.skip_stale_pending(session, ctx.settings, deal, ctx.now)


@on("status_changed")
def on_status_changed(session: Session, deal: Deal, ctx: HookContext, **info: Any) -> None:
    if deal.status == "open":  # reopened, or back from on hold: a fresh cycle and fresh plans
        _answer(session, deal, "reopened", ctx.now)
        plan.start_new_cycle(session, ctx.settings, deal, ctx.now)
        plan.plan_on("reopened", session, ctx.settings, deal, ctx.now)
    else:  # won, lost, dropped, on hold: every open nudge got its answer
        _answer(session, deal, "closed", ctx.now)
    plan.skip_stale_pending(session, ctx.settings, deal, ctx.now)


@on("interview_finished")
def on_interview_finished(session: Session, deal: Deal, ctx: HookContext, **info: Any) -> None:
    _answer(session, deal, "interview_finished", ctx.now)
    plan.plan_on("interview_finished", session, ctx.settings, deal, ctx.now)
    plan.skip_stale_pending(session, ctx.settings, deal, ctx.now)


@on("checkin")
def on_checkin(session: Session, deal: Deal, ctx: HookContext, **info: Any) -> None:
    """A check-in answers the deal's open nudges, except those that ask for a decision (day 30)."""
    _answer(session, deal, "checkin", ctx.now)
    plan.plan_on("checkin", session, ctx.settings, deal, ctx.now)


@on("dates_changed")
def on_dates_changed(session: Session, deal: Deal, ctx: HookContext, **info: Any) -> None:
    _answer(session, deal, "dates_changed", ctx.now)
    plan.plan_on("dates_changed", session, ctx.settings, deal, ctx.now)
    plan.skip_stale_pending(session, ctx.settings, deal, ctx.now)


@on("contact_changed")
def on_contact_changed(session: Session, deal: Deal, ctx: HookContext, **info: Any) -> None:
    """Lowered (or a touch answered): the other kinds' sent rows are answered, their pending ones
    skipped, the next light touch planned. Back to normal: a new 1/15/30 cycle and the stage's kinds."""
    if deal.contact_level == "lower":
        others = [k.key for k in KINDS if not k.at_low_contact]
        repo.answer_open(session, team_id=deal.team_id, deal_id=deal.id, kinds=others, now=ctx.now)
        plan.plan_on("contact_lowered", session, ctx.settings, deal, ctx.now)
    else:
        plan.start_new_cycle(session, ctx.settings, deal, ctx.now)
        plan.plan_on("reopened", session, ctx.settings, deal, ctx.now)
    plan.skip_stale_pending(session, ctx.settings, deal, ctx.now)


def _answer(session: Session, deal: Deal, act: str, now: datetime) -> None:
    """Answer the deal's sent nudges of every kind that ``act`` answers (kinds.py)."""
    kinds = KINDS.answered_on(act, deal, now)
    if kinds:
        repo.answer_open(session, team_id=deal.team_id, deal_id=deal.id, kinds=kinds, now=now)
