"""What App Home shows: a rep's deals by urgency; a manager's team by rep; an admin's settings too."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from bot.config import Settings
from bot.flows.pipeline.customer import CustomerStep, ahead_of
from bot.flows.pipeline.status import URGENCY, Summary, visible_summaries
from bot.flows.team.config import TeamConfig, team_config
from bot.flows.team.roles import RoleRow, team_roles
from bot.flows.team.users import Actor
from storage.repo import pipeline as repo


@dataclass(frozen=True)
class RepRow:
    owner_id: str
    open: int
    amount: Decimal
    weighted: Decimal
    stalled: int
    overdue: int
    other_currency: int  # deals not in the base currency (not added up: no exchange rates)


@dataclass(frozen=True)
class Home:
    actor: Actor
    config: TeamConfig
    mine: list[Summary]
    team: list[RepRow] | None  # managers and admins
    roles: list[RoleRow] | None  # admins
    flags: list[tuple[Summary, str, str]] | None = None  # managers: stored red flags (deal, kind, reason)
    ahead: list[tuple[Summary, CustomerStep]] | None = None  # the customer ahead of our stage (visible deals)
    plan: Any = None  # the actor's own backward plan (bot.flows.plan, SPEC §13)
    odds: Any = None  # admins: the team's own odds, beside the defaults (bot.flows.plan)
    review: list | None = (
        None  # managers and admins: this week's review, a TeamLine per rep (bot/flows/review)
    )
    setup: Any = None  # admins: the setup checklist until it is done (bot.flows.team.first_run)

    @property
    def needs_you(self) -> list[Summary]:
        """Grouped by urgency (overdue, today, this week), by grade inside a group: A first (SPEC §3.4)."""
        return [s for _, group in self.needs_groups for s in group]

    @property
    def needs_groups(self) -> list[tuple[str, list[Summary]]]:
        groups = [(u, [s for s in self.mine if s.urgency == u]) for u in URGENCY]
        return [(u, sorted(g, key=lambda s: (s.grade_rank, s.rank))) for u, g in groups if g]

    @property
    def low_contact(self) -> list[Summary]:
        """My deals kept at lower contact (out of the funnel; a light touch every N days)."""
        return [s for s in self.mine if s.below == "low_contact"]


def rep_rows(summaries: list[Summary], base_currency: str) -> list[RepRow]:
    by_owner: dict[str, list[Summary]] = defaultdict(list)
    for s in summaries:
        by_owner[s.owner_id].append(s)
    rows = []
    for owner, items in by_owner.items():
        # the funnel's figures, as the digest's rep line computes them: open deals in the funnel, and
        # the weighted pipeline (in the funnel, not yet signed) from the same SQL weighting
        funnel = [s for s in items if s.status == "open" and s.below is None]
        base = [s for s in funnel if s.currency == base_currency and s.amount is not None]
        rows.append(
            RepRow(
                owner_id=owner,
                open=len(funnel),
                amount=sum((s.amount for s in base), Decimal(0)),
                weighted=sum((s.weighted for s in base if s.in_pipeline), Decimal(0)),
                stalled=sum(1 for s in items if "stalled" in s.attention),
                overdue=sum(1 for s in items if "overdue" in s.attention),
                other_currency=sum(1 for s in items if s.currency != base_currency),
            )
        )
    return sorted(rows, key=lambda r: (-r.weighted, r.owner_id))


def build_home(session: Session, settings: Settings, actor: Actor, *, now: datetime) -> Home:
    cfg = team_config(session, settings, actor.team_id)
    mine = visible_summaries(session, actor, cfg.stages, now=now, mine_only=True)
    team = flags = None
    if actor.is_manager:
        visible = visible_summaries(session, actor, cfg.stages, now=now)
        team = rep_rows(visible, cfg.base_currency)
        raised = repo.open_flags(session, team_id=actor.team_id, deal_ids=[s.id for s in visible])
        flags = [(s, f.kind, f.reason) for s in visible for f in raised.get(s.id, [])]
    roles = team_roles(session, actor) if actor.is_admin else None
    seen = visible if actor.is_manager else mine
    found = ahead_of(session, actor.team_id, cfg.stages, [s.id for s in seen if s.status == "open"])
    ahead = [(s, found[s.id]) for s in seen if s.id in found]
    review = None
    if actor.is_manager:  # this week's review first (issue 15): one set of queries for every rep
        from bot.flows.review import reviewable_reps, team_week

        review = team_week(
            session,
            actor.team_id,
            reviewable_reps(session, actor),
            now=now,
            reader_id=actor.user_id,
            zone=cfg.zone,
        )
    from bot.flows.plan import backward_plan, team_odds  # plan reads the pipeline's ladder

    plan = backward_plan(session, cfg, rep_id=actor.user_id, owner_ids=None, now=now)
    odds = team_odds(session, cfg, now) if actor.is_admin else None
    setup = None
    if actor.is_admin:  # the first-run setup checklist, shown until every item is done (issue 17)
        from bot.flows.team.first_run import setup_checklist

        checklist = setup_checklist(session, actor.team_id)
        setup = None if checklist.done else checklist
    return Home(actor, cfg, mine, team, roles, flags, ahead, plan=plan, odds=odds, review=review, setup=setup)
