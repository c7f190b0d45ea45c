"""Nudges planned as rows (SPEC §5, §6, §12), each kind by its own rule (``kinds.py``). Rows are
enqueued in the caller's transaction, unique on (deal, kind, cycle), so a replayed change never doubles
them; nothing scans deals for due work. The sweep re-checks each against the deal (``stale_reason``)
and skips rows whose reason went away.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from sqlmodel import Session

from bot.config import Settings
from bot.flows.followups.kinds import KINDS
from bot.flows.followups.worktime import WorkTime
from bot.flows.team.config import team_config
from bot.process.schema import StageSet
from storage.models import Deal, Nudge
from storage.repo import nudges as repo
from storage.repo import users as users_repo


def worktime(session: Session, settings: Settings, team_id: str, user_id: str) -> WorkTime:
    cfg = team_config(session, settings, team_id)
    user = users_repo.get_user(session, team_id=team_id, user_id=user_id)
    tz = (user.tz if user and user.tz else None) or cfg.timezone
    spans = tuple((v.starts_on, v.ends_on) for v in repo.vacations(session, team_id=team_id, user_id=user_id))
    return WorkTime(tz=tz, hours=cfg.work_hours, days=cfg.work_days, vacations=spans)


@dataclass
class KindContext:
    """The deal as the kinds' rules see it: its session and team settings, and — read once per act —
    the rep's working time and the team's stages."""

    session: Session
    settings: Settings
    deal: Deal

    @cached_property
    def worktime(self) -> WorkTime:
        return worktime(self.session, self.settings, self.deal.team_id, self.deal.owner_id)

    @cached_property
    def stages(self) -> StageSet:
        return team_config(self.session, self.settings, self.deal.team_id).stages

    @cached_property
    def stage_keys(self) -> list[str]:
        return [s.key for s in self.stages.stages]

    def enqueue(self, kind: str, cycle: int, due: datetime, now: datetime) -> bool:
        return repo.enqueue(
            self.session,
            team_id=self.deal.team_id,
            deal_id=self.deal.id,
            owner_id=self.deal.owner_id,
            kind=kind,
            cycle=cycle,
            due_at=due,
            send_after=self.worktime.next_slot(due),
            now=now,
        )


# --------------------------------------------------------------------------- planning
def plan_on(act: str, session: Session, settings: Settings, deal: Deal, now: datetime) -> int:
    """Plan every kind that ``act`` (kinds.PLANS) plans, in the registry's order; rows created."""
    ctx = KindContext(session, settings, deal)
    return sum(kind.plan(ctx, kind.key, now) for kind in KINDS.for_contact(KINDS.planned_on(act), deal))


def plan_all(session: Session, settings: Settings, deal: Deal, now: datetime) -> int:
    return plan_on("created", session, settings, deal, now)


def start_new_cycle(session: Session, settings: Settings, deal: Deal, now: datetime) -> None:
    """Intent confirmed (or the deal reopened): T0 = now, the next cycle number, its rows."""
    deal.followup_cycle += 1
    deal.followup_t0 = now
    session.add(deal)
    session.flush()
    plan_on("new_cycle", session, settings, deal, now)


def rezone_owner(session: Session, settings: Settings, team_id: str, user_id: str) -> int:
    """The rep's zone or vacations changed: re-derive every pending send_after (stored as UTC)."""
    wt = worktime(session, settings, team_id, user_id)
    rows = repo.pending_of_owner(session, team_id=team_id, owner_id=user_id)
    for n in rows:
        n.send_after = wt.next_slot(n.snoozed_until or n.due_at)
        n.available_at = n.send_after
        session.add(n)
    session.flush()
    return len(rows)


# --------------------------------------------------------------------------- still relevant?
def skip_stale_pending(session: Session, settings: Settings, deal: Deal, now: datetime) -> int:
    """Skip the deal's pending nudges whose reason just went away, so no card or home lists them.

    The sweep still checks every row at claim time (``stale_reason``) for what no hook reports.
    """
    skipped = 0
    ctx = KindContext(session, settings, deal)
    for n in repo.of_deal(session, team_id=deal.team_id, deal_id=deal.id, statuses=("pending",)):
        if KINDS.find(n.kind) is None:  # left to the sweep, which fails it with the reason
            continue
        reason = _stale(ctx, n)
        if reason:
            n.status, n.reason, n.available_at = "skipped", reason, None
            session.add(n)
            skipped += 1
    session.flush()
    return skipped


def stale_reason(session: Session, settings: Settings, n: Nudge, deal: Deal | None) -> str | None:
    """Why the nudge no longer applies (it is then skipped), or None when it should go out."""
    if deal is None:
        return "deal_gone"
    return _stale(KindContext(session, settings, deal), n)


def _stale(ctx: KindContext, n: Nudge) -> str | None:
    kind = KINDS.get(n.kind)  # an unknown kind raises: the sweep marks that row failed (poisoned)
    if ctx.deal.status != kind.while_status:
        return f"deal_{ctx.deal.status}"
    if not KINDS.for_contact((kind,), ctx.deal):  # lower contact: only its light touch (SPEC §3.3)
        return f"contact_{ctx.deal.contact_level}"
    return kind.stale(ctx, n)
