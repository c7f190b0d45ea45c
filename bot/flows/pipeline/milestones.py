"""Record a milestone without moving the stage: stage 5's checkpoint ("negotiation under way", 80%) from
the card, or a milestone the deal was forced past. Either may raise the deal's rung on the 965531
ladder (``ladder.refresh`` runs on ``milestone_recorded``); the stage stays where it is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from bot.config import Settings
from bot.flows import hooks
from bot.flows.errors import BadInput
from bot.flows.pipeline.stage import check_version, stage_position
from bot.flows.team.access import load_deal
from bot.flows.team.users import Actor
from bot.process import Process
from bot.process.schema import StageSet
from storage.repo import deals as deals_repo
from storage.repo import pipeline as repo


@dataclass(frozen=True)
class Recorded:
    deal_id: int
    stage: str
    checkpoint: str | None
    rung: str | None  # the deal's rung after it
    version: int


def record_rung(
    session: Session,
    actor: Actor,
    stages: StageSet,
    deal_id: object,
    *,
    stage: str,
    checkpoint: str | None = None,
    version: int | None = None,
    now: datetime,
    met_on: date,
    settings: Settings,
    process: Process,
) -> Recorded:
    """Record ``stage``'s checkpoint (it must be the deal's current stage) or an earlier stage's
    skipped milestone; recording one already recorded changes nothing."""
    deal = load_deal(session, actor, deal_id, edit=True)
    check_version(deal, version)
    if deal.status != "open":
        raise BadInput("pipeline.errors.not_open")
    index, current = stage_position(stages, deal.stage)
    keys = [s.key for s in stages.stages]
    if stage not in keys:
        raise BadInput("pipeline.errors.unknown_milestone")
    target = stages.get(stage)
    if checkpoint is not None:
        if stage != current.key or target.checkpoint is None or target.checkpoint.key != checkpoint:
            raise BadInput("pipeline.errors.unknown_milestone")
        what = target.checkpoint.name.get(actor.locale)
    else:
        if keys.index(stage) >= index:
            raise BadInput("pipeline.errors.unknown_milestone")
        what = target.milestone.get(actor.locale)
    done = {
        (m.stage, m.checkpoint) for m in repo.milestones_of(session, team_id=deal.team_id, deal_id=deal.id)
    }
    if (stage, checkpoint) not in done:
        repo.add_milestone(session, deal=deal, stage=stage, checkpoint=checkpoint, what=what, evidence=None,
                           met_on=met_on, by=actor.user_id, at=now)  # fmt: skip
        deals_repo.add_event(session, deal=deal, kind="milestone", actor_id=actor.user_id, at=now,
                             to_value=stage, note=checkpoint or what)  # fmt: skip
        deal.version += 1
        deal.updated_at = now
        session.add(deal)
        session.flush()
        ctx = hooks.HookContext(settings, process, now, actor.user_id)
        hooks.emit(session, "milestone_recorded", deal, ctx, stage=stage, checkpoint=checkpoint)
    return Recorded(deal.id, stage, checkpoint, deal.earned_rung, deal.version)
