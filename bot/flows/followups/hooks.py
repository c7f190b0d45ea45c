"""Deal hooks -> nudge rows, in the same transaction as the change (the outbox of SPEC §12).

Planning is idempotent (unique (deal, kind, cycle) + ON CONFLICT DO NOTHING), so a replayed event
cannot double a nudge. An act that resolves a sent nudge's reason answers it (the digest's
compliance); pending rows whose reason went away are skipped by the sweep when claimed.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from bot.flows.followups import planning as plan
from bot.flows.hooks import HookContext, on
from storage.models import Deal
from storage.repo import nudges as repo

ALL_KINDS = (*plan.FOLLOWUP_DAYS, "stall", "milestone_due", "close_date_passed", "qualification_incomplete")


@on("created")
def on_created(session: Session, deal: Deal, ctx: HookContext, **info: Any) -> None:
    plan.plan_all(session, ctx.settings, deal, ctx.now)


@on("stage_changed")
def on_stage_changed(session: Session, deal: Deal, ctx: HookContext, **info: Any) -> None:
    repo.answer_open(
        session, team_id=deal.team_id, deal_id=deal.id, kinds=("stall", "milestone_due"), now=ctx.now
    )
    plan.plan_stall(session, ctx.settings, deal, ctx.now)
    plan.plan_dates(session, ctx.settings, deal, ctx.now)
    plan.skip_stale_pending(session, ctx.settings, deal, ctx.now)


@on("status_changed")
def on_status_changed(session: Session, deal: Deal, ctx: HookContext, **info: Any) -> None:
    if deal.status == "open":  # reopened, or back from on hold: a fresh cycle and fresh plans
        plan.start_new_cycle(session, ctx.settings, deal, ctx.now)
        plan.plan_stall(session, ctx.settings, deal, ctx.now)
        plan.plan_dates(session, ctx.settings, deal, ctx.now)
    else:  # won, lost, dropped, on hold: every open nudge got its answer
        repo.answer_open(session, team_id=deal.team_id, deal_id=deal.id, kinds=ALL_KINDS, now=ctx.now)
    plan.skip_stale_pending(session, ctx.settings, deal, ctx.now)


@on("interview_finished")
def on_interview_finished(session: Session, deal: Deal, ctx: HookContext, **info: Any) -> None:
    repo.answer_open(
        session, team_id=deal.team_id, deal_id=deal.id, kinds=("qualification_incomplete",), now=ctx.now
    )
    plan.skip_stale_pending(session, ctx.settings, deal, ctx.now)


@on("checkin")
def on_checkin(session: Session, deal: Deal, ctx: HookContext, **info: Any) -> None:
    """A check-in answers the deal's open nudges, except day 30, which asks for a decision."""
    kinds = tuple(k for k in ALL_KINDS if k != "followup_30")
    repo.answer_open(session, team_id=deal.team_id, deal_id=deal.id, kinds=kinds, now=ctx.now)


@on("dates_changed")
def on_dates_changed(session: Session, deal: Deal, ctx: HookContext, **info: Any) -> None:
    if deal.expected_close is None or deal.expected_close >= ctx.now.date():
        repo.answer_open(
            session, team_id=deal.team_id, deal_id=deal.id, kinds=("close_date_passed",), now=ctx.now
        )
    plan.plan_dates(session, ctx.settings, deal, ctx.now)
    plan.skip_stale_pending(session, ctx.settings, deal, ctx.now)
