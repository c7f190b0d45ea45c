"""Deal hooks -> nudge rows, in the same transaction as the change (the outbox of SPEC §12).

Planning is idempotent (unique (deal, kind, cycle) + ON CONFLICT DO NOTHING), so a replayed event
cannot double a nudge. An act that resolves a sent nudge's reason answers it (the digest's
compliance); pending rows whose reason went away are skipped by the sweep when claimed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.flows.followups import planning as plan
from bot.flows.hooks import on
from storage.models import Deal
from storage.repo import nudges as repo

ALL_KINDS = (*plan.FOLLOWUP_DAYS, "stall", "milestone_due", "close_date_passed", "qualification_incomplete")


def _settings(info: dict[str, Any]):  # noqa: ANN202
    return info.get("settings") or plan.default_settings()


@on("created")
def on_created(session: Session, deal: Deal, *, now: datetime, **info: Any) -> None:
    plan.plan_all(session, _settings(info), deal, now)


@on("stage_changed")
def on_stage_changed(session: Session, deal: Deal, *, now: datetime, **info: Any) -> None:
    repo.answer_open(
        session, team_id=deal.team_id, deal_id=deal.id, kinds=("stall", "milestone_due"), now=now
    )
    plan.plan_stall(session, _settings(info), deal, now)
    plan.plan_dates(session, _settings(info), deal, now)
    plan.skip_stale_pending(session, _settings(info), deal, now)


@on("status_changed")
def on_status_changed(session: Session, deal: Deal, *, now: datetime, **info: Any) -> None:
    if deal.status == "open":  # reopened, or back from on hold: a fresh cycle and fresh plans
        plan.start_new_cycle(session, _settings(info), deal, now)
        plan.plan_stall(session, _settings(info), deal, now)
        plan.plan_dates(session, _settings(info), deal, now)
    else:  # won, lost, dropped, on hold: every open nudge got its answer
        repo.answer_open(session, team_id=deal.team_id, deal_id=deal.id, kinds=ALL_KINDS, now=now)
    plan.skip_stale_pending(session, _settings(info), deal, now)


@on("interview_finished")
def on_interview_finished(session: Session, deal: Deal, *, now: datetime, **info: Any) -> None:
    repo.answer_open(
        session, team_id=deal.team_id, deal_id=deal.id, kinds=("qualification_incomplete",), now=now
    )
    plan.skip_stale_pending(session, _settings(info), deal, now)


@on("checkin")
def on_checkin(session: Session, deal: Deal, *, now: datetime, **info: Any) -> None:
    """A check-in answers the deal's open nudges, except day 30, which asks for a decision."""
    kinds = tuple(k for k in ALL_KINDS if k != "followup_30")
    repo.answer_open(session, team_id=deal.team_id, deal_id=deal.id, kinds=kinds, now=now)


@on("dates_changed")
def on_dates_changed(session: Session, deal: Deal, *, now: datetime, **info: Any) -> None:
    if deal.expected_close is None or deal.expected_close >= now.date():
        repo.answer_open(
            session, team_id=deal.team_id, deal_id=deal.id, kinds=("close_date_passed",), now=now
        )
    plan.plan_dates(session, _settings(info), deal, now)
    plan.skip_stale_pending(session, _settings(info), deal, now)
