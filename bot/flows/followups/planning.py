"""Nudges planned as rows (SPEC §5, §6, §12): the 1/15/30 cycle, stall, milestone due, close date
passed, qualification incomplete. Rows are enqueued in the caller's transaction, unique on
(deal, kind, cycle), so a replayed change never doubles them; nothing scans deals for due work.

Cycle numbers: follow-ups use the deal's ``followup_cycle``; a stall the stage entry instant (epoch
seconds); a milestone-due row ``yyyymmdd·100 + stage index·10 + date kind``; close date passed the
date as ``yyyymmdd``; qualification incomplete 0. The sweep re-checks each against the deal
(``stale_reason``) and skips rows whose reason went away.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import Session

from bot.config import Settings
from bot.flows.followups.worktime import WorkTime
from bot.flows.team.config import team_config
from storage.models import Deal, Nudge
from storage.repo import nudges as repo
from storage.repo import users as users_repo

FOLLOWUP_DAYS = {"followup_1": 1, "followup_15": 15, "followup_30": 30}
KEY_DATES = {"tender_date": 1, "signing_date": 2}
MILESTONE_LEAD_DAYS = 7
QUALIFY_AFTER_DAYS = 1


def worktime(session: Session, settings: Settings, team_id: str, user_id: str) -> WorkTime:
    cfg = team_config(session, settings, team_id)
    user = users_repo.get_user(session, team_id=team_id, user_id=user_id)
    tz = (user.tz if user and user.tz else None) or cfg.timezone
    spans = tuple((v.starts_on, v.ends_on) for v in repo.vacations(session, team_id=team_id, user_id=user_id))
    return WorkTime(tz=tz, hours=cfg.work_hours, days=cfg.work_days, vacations=spans)


def _enqueue(session: Session, wt: WorkTime, deal: Deal, kind: str, cycle: int, due: datetime,
             now: datetime) -> bool:  # fmt: skip
    return repo.enqueue(
        session,
        team_id=deal.team_id,
        deal_id=deal.id,
        owner_id=deal.owner_id,
        kind=kind,
        cycle=cycle,
        due_at=due,
        send_after=wt.next_slot(due),
        now=now,
    )


# --------------------------------------------------------------------------- planning
def plan_cycle(session: Session, settings: Settings, deal: Deal, now: datetime) -> int:
    """Day 1, 15 and 30 of the deal's current cycle, from T0 in the rep's local wall time."""
    wt = worktime(session, settings, deal.team_id, deal.owner_id)
    t0 = wt.local(deal.followup_t0 or now)
    n = 0
    for kind, days in FOLLOWUP_DAYS.items():
        due = datetime.combine(t0.date() + timedelta(days=days), t0.time(), tzinfo=wt.zone)
        n += _enqueue(session, wt, deal, kind, deal.followup_cycle, due, now)
    return n


def plan_qualification(session: Session, settings: Settings, deal: Deal, now: datetime) -> int:
    wt = worktime(session, settings, deal.team_id, deal.owner_id)
    due = (deal.created_at or now) + timedelta(days=QUALIFY_AFTER_DAYS)
    return int(_enqueue(session, wt, deal, "qualification_incomplete", 0, due, now))


def plan_stall(session: Session, settings: Settings, deal: Deal, now: datetime) -> int:
    stages = team_config(session, settings, deal.team_id).stages
    if deal.status != "open" or deal.stage not in {s.key for s in stages.stages}:
        return 0
    wt = worktime(session, settings, deal.team_id, deal.owner_id)
    due = deal.stage_entered_at + timedelta(days=stages.get(deal.stage).duration_days)
    return int(_enqueue(session, wt, deal, "stall", stall_cycle(deal), due, now))


def plan_dates(session: Session, settings: Settings, deal: Deal, now: datetime) -> int:
    """Close date passed (the day after it) and milestone due (7 days before a tender/signing date)."""
    if deal.status != "open":
        return 0
    wt = worktime(session, settings, deal.team_id, deal.owner_id)
    n = 0
    if deal.expected_close:
        due = wt.start_of_day(deal.expected_close + timedelta(days=1))
        n += _enqueue(session, wt, deal, "close_date_passed", ymd(deal.expected_close), due, now)
    stages = team_config(session, settings, deal.team_id).stages
    keys = [s.key for s in stages.stages]
    today = wt.local(now).date()
    for attr in KEY_DATES:
        day: date | None = getattr(deal, attr)
        if day is None or day < today or deal.stage not in keys:
            continue
        due = max(wt.start_of_day(day - timedelta(days=MILESTONE_LEAD_DAYS)), now)
        cycle = milestone_cycle(deal, attr, keys.index(deal.stage))
        n += _enqueue(session, wt, deal, "milestone_due", cycle, due, now)
    return n


def plan_all(session: Session, settings: Settings, deal: Deal, now: datetime) -> int:
    return (
        plan_cycle(session, settings, deal, now)
        + plan_qualification(session, settings, deal, now)
        + plan_stall(session, settings, deal, now)
        + plan_dates(session, settings, deal, now)
    )


def start_new_cycle(session: Session, settings: Settings, deal: Deal, now: datetime) -> None:
    """Intent confirmed (or the deal reopened): T0 = now, the next cycle number, its three rows."""
    deal.followup_cycle += 1
    deal.followup_t0 = now
    session.add(deal)
    session.flush()
    plan_cycle(session, settings, deal, now)


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


# --------------------------------------------------------------------------- cycle keys
def ymd(d: date) -> int:
    return d.year * 10000 + d.month * 100 + d.day


def stall_cycle(deal: Deal) -> int:
    return int(deal.stage_entered_at.timestamp())


def milestone_cycle(deal: Deal, attr: str, stage_index: int) -> int:
    return ymd(getattr(deal, attr)) * 100 + stage_index * 10 + KEY_DATES[attr]


def milestone_date_attr(cycle: int) -> str:
    return next(a for a, k in KEY_DATES.items() if k == cycle % 10)


# --------------------------------------------------------------------------- still relevant?
def skip_stale_pending(session: Session, settings: Settings, deal: Deal, now: datetime) -> int:
    """Skip the deal's pending nudges whose reason just went away, so no card or home lists them.

    The sweep still checks every row at claim time (``stale_reason``) for what no hook reports.
    """
    skipped = 0
    for n in repo.of_deal(session, team_id=deal.team_id, deal_id=deal.id, statuses=("pending",)):
        reason = stale_reason(session, settings, n, deal)
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
    if deal.status != "open":
        return f"deal_{deal.status}"
    if n.kind in FOLLOWUP_DAYS:
        return None if deal.followup_cycle == n.cycle else "new_cycle"
    if n.kind == "stall":
        return None if stall_cycle(deal) == n.cycle else "stage_changed"
    if n.kind == "close_date_passed":
        return None if deal.expected_close and ymd(deal.expected_close) == n.cycle else "date_changed"
    if n.kind == "qualification_incomplete":
        done = repo.has_finished_interview(session, team_id=deal.team_id, deal_id=deal.id)
        return "interview_finished" if done else None
    if n.kind == "milestone_due":
        keys = [s.key for s in team_config(session, settings, deal.team_id).stages.stages]
        attr = milestone_date_attr(n.cycle)
        if getattr(deal, attr) is None or deal.stage not in keys:
            return "date_changed"
        if milestone_cycle(deal, attr, keys.index(deal.stage)) != n.cycle:
            return "date_changed"
        if repo.has_milestone(session, team_id=deal.team_id, deal_id=deal.id, stage=deal.stage):
            return "milestone_recorded"
        return None
    raise ValueError(f"unknown nudge kind {n.kind!r}")
