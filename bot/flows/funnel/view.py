"""/funnel on demand: what the caller may see (a rep their own deals, a manager their reps', an admin
the team), optionally narrowed to one rep, stage or grade. Returns the figures and what the title says;
the handler renders them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from bot.config import Settings
from bot.flows.errors import BadInput, NotAllowed
from bot.flows.funnel.digest import question_labels, question_scoring
from bot.flows.funnel.figures import Figures, compute
from bot.flows.funnel.periods import week_start
from bot.flows.team.access import visible_owner_ids
from bot.flows.team.config import TeamConfig, team_config
from bot.flows.team.mentions import take_mention
from bot.flows.team.users import Actor
from bot.process import Process
from storage.repo.funnel import Scope
from storage.repo.funnel import digest as digest_repo

GRADES = ("A", "B", "C", "D")


@dataclass(frozen=True)
class Filter:
    rep: str | None = None
    stage: str | None = None
    grade: str | None = None
    rep_name: str | None = None  # as typed in the mention (<@U…|name>)


def parse_filter(text: str, cfg: TeamConfig) -> Filter:
    """``@rep`` (``<@U…>`` or a bare id), ``stage <key|number|name>``, ``grade <A-D>`` in any order;
    BadInput otherwise."""
    mention, text = take_mention(text)
    rep, rep_name = (mention.user_id, mention.name) if mention else (None, None)
    stage = grade = None
    words = text.split()
    while words:
        word = words.pop(0).lower()
        if word in ("stage", "阶段") and words:
            stage = _stage_key(words.pop(0), cfg)
        elif word in ("grade", "等级") and words:
            grade = words.pop(0).upper()
            if grade not in GRADES:
                raise BadInput("funnel.bad_grade")
        else:
            raise BadInput("funnel.bad_filter")
    return Filter(rep, stage, grade, rep_name)


def _stage_key(word: str, cfg: TeamConfig) -> str:
    stages = cfg.stages.stages
    if word.isdigit() and 1 <= int(word) <= len(stages):
        return stages[int(word) - 1].key
    for s in stages:
        if word.lower() in (s.key.lower(), s.name.en.lower(), s.name.zh):
            return s.key
    raise BadInput("funnel.unknown_stage", stage=word[:40], stages=", ".join(s.key for s in stages))


def scope_for(session: Session, actor: Actor, f: Filter) -> Scope:
    owners = visible_owner_ids(session, actor)
    if f.rep is not None:
        if owners is not None and f.rep not in owners:
            raise NotAllowed("funnel.rep_not_visible")
        owners = [f.rep]
    return Scope(actor.team_id, tuple(owners) if owners is not None else None, stage=f.stage, grade=f.grade)


def _whose(actor: Actor) -> str:
    """Whose funnel the caller sees: ``all`` (an admin), ``reps`` (a manager's reps) or ``mine``."""
    if actor.is_admin:
        return "all"
    return "reps" if actor.is_manager else "mine"


@dataclass(frozen=True)
class FunnelView:
    cfg: TeamConfig
    figures: Figures
    whose: str  # "all" | "reps" | "mine" (see _whose)
    day: date  # today, in the team's time zone
    filter: Filter
    labels: dict[str, str]  # question key -> short label, in the caller's locale


def prepare(
    session: Session, settings: Settings, actor: Actor, text: str
) -> tuple[TeamConfig, Filter, Scope]:
    """Parse and check the request (fast, before the ack): BadInput / NotAllowed tell the user at once."""
    cfg = team_config(session, settings, actor.team_id)
    f = parse_filter(text, cfg)
    return cfg, f, scope_for(session, actor, f)


def on_demand(
    session: Session, settings: Settings, process: Process, actor: Actor, text: str, now: datetime
) -> FunnelView:
    """The figures and what the title says (the big queries: run after the ack)."""
    cfg, f, scope = prepare(session, settings, actor, text)
    previous = None
    if scope == Scope(actor.team_id) and cfg.manager_channel:  # the digest's own scope: show the change
        previous = digest_repo.previous_figures(
            session, team_id=actor.team_id, channel_id=cfg.manager_channel, before=week_start(now, cfg.zone)
        )
    figures = compute(
        session, cfg, now=now, scope=scope, previous=previous, scoring=question_scoring(process)
    )
    day = now.astimezone(cfg.zone).date()
    return FunnelView(cfg, figures, _whose(actor), day, f, question_labels(process, actor.locale))
