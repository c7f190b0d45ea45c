"""Where is the customer, where are we (SPEC §2; seed 000's diagnosis of a rep who met the customer
too late): the rep records the customer's own buying step; when the customer is ahead of our stage,
the milestones we have not met are the diagnosis. Each stage's work items are its to-do list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.flows.errors import BadInput, StaleCard
from bot.flows.pipeline.stage import check_version, stage_position
from bot.flows.team.access import load_deal
from bot.flows.team.users import Actor
from bot.process.schema import StageDef, StageSet
from storage.models import Deal
from storage.repo import deals as deals_repo
from storage.repo import people as people_repo
from storage.repo import pipeline as repo

PASSED_GRADES = ("A", "B", "C")


@dataclass(frozen=True)
class Gap:
    """A milestone (or one of its checks) we have not met: ``key`` is coach | decision_maker | assessed
    (catalog ``card.gap.<key>``) or milestone (the stage's own milestone text)."""

    key: str
    stage: StageDef


@dataclass(frozen=True)
class CustomerStep:
    step: StageDef | None  # the stage whose buying step the customer is at (None: not recorded)
    index: int | None
    ahead: bool  # the customer is at a later step than our stage
    gaps: tuple[Gap, ...]  # when ahead: the milestones before the customer's step we have not met


def customer_step(session: Session, deal: Deal, stages: StageSet) -> CustomerStep:
    keys = [s.key for s in stages.stages]
    if deal.customer_step not in keys:
        return CustomerStep(None, None, False, ())
    at = keys.index(deal.customer_step)
    ours, _ = stage_position(stages, deal.stage)
    ahead = at > ours
    return CustomerStep(stages.stages[at], at, ahead, gaps_before(session, deal, stages, at) if ahead else ())


def ahead_of(
    session: Session, team_id: str, stages: StageSet, deal_ids: list[int]
) -> dict[int, CustomerStep]:
    """Of these deals, those whose customer is ahead of our stage, with what we have not met."""
    found = {}
    for deal in repo.deals_with_customer_step(session, team_id=team_id, deal_ids=deal_ids):
        c = customer_step(session, deal, stages)
        if c.ahead:
            found[deal.id] = c
    return found


def gaps_before(session: Session, deal: Deal, stages: StageSet, upto: int) -> tuple[Gap, ...]:
    """The milestones of the stages before ``upto`` that the deal has not met: a gate checked from the
    deal's people (coach, decision-maker met) by its checks now; the assessment by a passing grade or its
    recorded milestone; any other by its recorded milestone."""
    met = {m.stage for m in repo.milestones_of(session, team_id=deal.team_id, deal_id=deal.id)}
    people = people_repo.people_of(session, team_id=deal.team_id, deal_id=deal.id)
    gaps: list[Gap] = []
    for st in stages.stages[:upto]:
        if st.gate == "coach_and_decision_maker":
            if not any(p.role == "coach" for p in people):
                gaps.append(Gap("coach", st))
            if not any(p.role == "decision_maker" and p.met for p in people):
                gaps.append(Gap("decision_maker", st))
        elif st.gate == "interview_passed":
            if st.key not in met and deal.grade not in PASSED_GRADES:
                gaps.append(Gap("assessed", st))
        elif st.key not in met:
            gaps.append(Gap("milestone", st))
    return tuple(gaps)


def set_customer_step(session: Session, actor: Actor, stages: StageSet, deal_id: object, step: str | None,
                      *, version: int | None, now: datetime) -> Deal:  # fmt: skip
    """Record which of its buying steps the customer is at (named by the stage that mirrors it)."""
    deal = load_deal(session, actor, deal_id, edit=True)
    check_version(deal, version)
    if step not in [s.key for s in stages.stages]:
        raise BadInput("pipeline.errors.customer_step")
    if step == deal.customer_step:
        return deal
    before = deal.customer_step
    if not deals_repo.save_if_version(
        session, deal=deal, expected_version=deal.version, now=now, customer_step=step
    ):
        raise StaleCard(deal_id=deal.id)
    deals_repo.add_event(session, deal=deal, kind="edit", actor_id=actor.user_id, at=now, from_value=before,
                         to_value=step, note=f"customer step: {stages.get(step).buying_step.en}")  # fmt: skip
    return deal
