"""Advance a deal through its stages with a milestone gate (SPEC §2).

A stage's milestone opens the next stage. Stage gates: ``record`` (the rep records what, when,
evidence), ``interview_passed`` (a finished, complete assessment — nothing essential left to find out, SPEC §3.3 —
at or above the pass line, no knock-out),
``coach_and_decision_maker`` (a coach and a met key decision-maker among the deal's people),
``signed`` (recorded; sets the signing date), ``paid`` (the last stage: leaving it is "won").
Forcing past an unmet gate needs a reason and raises a stored red flag.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from bot.config import Settings
from bot.flows import hooks
from bot.flows.errors import BadInput, MilestoneMissing, StaleCard
from bot.flows.team.access import load_deal
from bot.flows.team.users import Actor
from bot.process import Process
from bot.process.schema import StageDef, StageSet
from storage.models import Deal
from storage.repo import deals as deals_repo
from storage.repo import people as people_repo
from storage.repo import pipeline as repo

MAX_TEXT = 2000


@dataclass(frozen=True)
class GateCheck:
    key: str  # catalog key under pipeline.check.*
    ok: bool


@dataclass(frozen=True)
class AdvancePlan:
    """What the advance dialog shows: where the deal is, where it goes, and what the gate needs."""

    deal_id: int
    version: int
    account: str
    title: str
    index: int
    total: int
    stage: StageDef
    next_stage: StageDef | None
    checks: tuple[GateCheck, ...]

    @property
    def auto_met(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def needs_record(self) -> bool:
        """A gate the rep meets by recording it (no automatic check)."""
        return self.stage.gate in ("record", "signed")


@dataclass(frozen=True)
class StageChange:
    deal_id: int
    from_stage: str
    to_stage: str
    forced: bool
    version: int


# --------------------------------------------------------------------------- references
def parse_ref(value: str | None) -> tuple[str | None, int | None]:
    """A button value ``"<deal id>"`` or ``"<deal id>:<version>"`` -> (id text, version or None)."""
    head, _, tail = (value or "").partition(":")
    return (head or None), (int(tail) if tail.isdigit() else None)


def card_ref(deal: Deal) -> str:
    return f"{deal.id}:{deal.version}"


def metadata(deal: Deal, **extra) -> str:
    return metadata_of(deal.id, deal.version, **extra)


def metadata_of(deal_id: int, version: int, **extra) -> str:
    return json.dumps({"d": deal_id, "v": version, **extra})


def version_of(meta: dict) -> int | None:
    v = meta.get("v")
    return v if isinstance(v, int) and not isinstance(v, bool) else None


MAX_METADATA = 3000  # Slack's limit on a view's private_metadata


def parse_metadata(text: str | None) -> dict:
    """private_metadata -> dict; anything malformed (not JSON, nested too deep, longer than Slack
    allows, not an object) is an empty dict: the deal then isn't found."""
    if not isinstance(text, str) or len(text) > MAX_METADATA:
        return {}
    try:
        data = json.loads(text or "{}")
    except (ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def check_version(deal: Deal, version: int | None) -> None:
    check_version_of(deal.id, deal.version, version)


def check_version_of(deal_id: int, current: int, version: int | None) -> None:
    """A card or form made at another version is stale: refuse, and say so (StaleCard)."""
    if version is not None and version != current:
        raise StaleCard(deal_id=deal_id)


# --------------------------------------------------------------------------- stages
def stage_position(stages: StageSet, key: str) -> tuple[int, StageDef]:
    """The deal's stage in this set; a key the set doesn't know (the set was changed) counts as the first."""
    for i, s in enumerate(stages.stages):
        if s.key == key:
            return i, s
    return 0, stages.first


def gate_checks(session: Session, deal: Deal, stage: StageDef, pass_line: int) -> tuple[GateCheck, ...]:
    if stage.gate == "interview_passed":
        iv = repo.latest_done_interview(session, team_id=deal.team_id, deal_id=deal.id)
        return (
            GateCheck("interview_done", iv is not None),
            GateCheck("assessment_complete", iv is not None and not deal.assessment_incomplete),
            GateCheck("interview_passed", bool(iv and not iv.knocked_out and (iv.score or 0) >= pass_line)),
        )
    if stage.gate == "coach_and_decision_maker":
        people = people_repo.people_of(session, team_id=deal.team_id, deal_id=deal.id)
        return (
            GateCheck("coach", any(p.role == "coach" for p in people)),
            GateCheck("decision_maker_met", any(p.role == "decision_maker" and p.met for p in people)),
        )
    return ()


def plan_advance(
    session: Session,
    actor: Actor,
    stages: StageSet,
    deal_id: object,
    *,
    pass_line: int,
    version: int | None = None,
) -> AdvancePlan:
    deal = load_deal(session, actor, deal_id, edit=True)
    check_version(deal, version)
    if deal.status != "open":
        raise BadInput("pipeline.errors.not_open")
    return _plan_for(session, deal, stages, pass_line)


def _plan_for(session: Session, deal: Deal, stages: StageSet, pass_line: int) -> AdvancePlan:
    i, stage = stage_position(stages, deal.stage)
    return AdvancePlan(
        deal_id=deal.id,
        version=deal.version,
        account=deal.account,
        title=deal.title,
        index=i,
        total=len(stages.stages),
        stage=stage,
        next_stage=stages.stages[i + 1] if i + 1 < len(stages.stages) else None,
        checks=gate_checks(session, deal, stage, pass_line),
    )


def advance(
    session: Session,
    actor: Actor,
    stages: StageSet,
    deal_id: object,
    *,
    version: int | None,
    now: datetime,
    pass_line: int,
    what: str | None,
    met_on: date,
    evidence: str | None = None,
    force_reason: str | None = None,
    settings: Settings,
    process: Process,
) -> StageChange:
    """Record the milestone and move on; or, with a reason, force past an unmet gate (red flag)."""
    deal = load_deal(session, actor, deal_id, edit=True)
    check_version(deal, version)
    if deal.status != "open":
        raise BadInput("pipeline.errors.not_open")
    plan = _plan_for(session, deal, stages, pass_line)
    if plan.next_stage is None:
        raise BadInput("pipeline.errors.last_stage")
    what, evidence, force_reason = (
        _text(x, f) for x, f in ((what, "what"), (evidence, "evidence"), (force_reason, "force_reason"))
    )
    met = plan.auto_met and (bool(what) if plan.needs_record else True)
    if not met and not force_reason:  # said on the field the rep fills next (issue 17)
        if plan.needs_record and plan.auto_met:
            raise MilestoneMissing("pipeline.errors.gate_record", field="what")
        raise MilestoneMissing("pipeline.errors.gate_checks", field="force_reason")
    changes: dict = {"stage": plan.next_stage.key, "stage_entered_at": now}
    if met and plan.stage.gate == "signed" and deal.signing_date is None:
        changes["signing_date"] = met_on
    if not deals_repo.save_if_version(session, deal=deal, expected_version=plan.version, now=now, **changes):
        raise StaleCard(deal_id=deal.id)
    _record(
        session,
        actor,
        deal,
        plan,
        now=now,
        met=met,
        what=what,
        met_on=met_on,
        evidence=evidence,
        reason=force_reason,
    )
    ctx = hooks.HookContext(settings, process, now, actor.user_id)
    hooks.emit(
        session,
        "stage_changed",
        deal,
        ctx,
        from_stage=plan.stage.key,
        to_stage=plan.next_stage.key,
        forced=not met,
    )
    if "signing_date" in changes:
        hooks.emit(session, "dates_changed", deal, ctx, fields=["signing_date"])
    return StageChange(deal.id, plan.stage.key, plan.next_stage.key, not met, deal.version)


def _text(value: str | None, field: str) -> str | None:
    value = (value or "").strip()
    if len(value) > MAX_TEXT:
        raise BadInput("outcomes.errors.too_long", field=field, limit=MAX_TEXT)
    return value or None


def _record(
    session: Session,
    actor: Actor,
    deal: Deal,
    plan: AdvancePlan,
    *,
    now: datetime,
    met: bool,
    what: str | None,
    met_on: date,
    evidence: str | None,
    reason: str | None,
) -> None:
    if met:
        repo.add_milestone(
            session,
            deal=deal,
            stage=plan.stage.key,
            what=what or plan.stage.milestone.get(actor.locale),
            evidence=evidence,
            met_on=met_on,
            by=actor.user_id,
            at=now,
        )
    else:
        repo.raise_flag(
            session, deal=deal, kind="forced_advance", reason=reason or "", by=actor.user_id, at=now
        )
    deals_repo.add_event(
        session,
        deal=deal,
        kind="stage",
        actor_id=actor.user_id,
        at=now,
        from_value=plan.stage.key,
        to_value=plan.next_stage.key if plan.next_stage else None,
        milestone_met=met,
        forced=not met,
        reason=None if met else reason,
        note=what if met else None,
    )
