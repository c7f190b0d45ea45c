"""What the bot has queued, and where a person's working time next begins (the sandbox's clock and queue,
served by the dev routes only). Plain results; the caller serialises them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.config import Settings
from bot.flows.followups import planning as plan
from bot.flows.followups.worktime import WorkTime
from storage.repo import nudges as repo
from storage.repo import users as users_repo


@dataclass(frozen=True)
class Queued:
    nudge_id: int
    deal_id: int
    account: str
    owner_id: str
    kind: str
    status: str  # pending (its first DM) | sent (its one reminder is ahead)
    due_at: datetime
    goes_out_at: datetime  # when the sweep will send it: the owner's working time decides
    tz: str  # the owner's zone


@dataclass(frozen=True)
class ClockTargets:
    """Where the clock buttons take a person: "+1 working day" (inside their working hours: the same
    time on their next working day; outside them: their next working morning) and the next Monday at
    the start of their working day."""

    tz: str
    day_start: str  # "09:00"
    next_working_day: datetime
    next_monday: datetime


def queued(session: Session, settings: Settings, team_id: str, *, limit: int = 50) -> list[Queued]:
    rows = repo.queued(session, team_id=team_id, limit=limit)
    zones: dict[str, str] = {}
    out = []
    for n, account in rows:
        if n.owner_id not in zones:
            zones[n.owner_id] = plan.worktime(session, settings, team_id, n.owner_id).tz
        at = n.send_after if n.status == "pending" else (n.available_at or n.send_after)
        out.append(
            Queued(n.id, n.deal_id, account, n.owner_id, n.kind, n.status, n.due_at, at, zones[n.owner_id])
        )
    return out


def clock_targets(
    session: Session, settings: Settings, team_id: str, user_id: str, now: datetime, *, tz: str | None = None
) -> ClockTargets:
    """``tz``: the person's zone as Slack has it, used while the bot has not stored one for them."""
    wt = plan.worktime(session, settings, team_id, user_id)
    known = users_repo.get_user(session, team_id=team_id, user_id=user_id)
    if tz and not (known is not None and known.tz):
        wt = replace(wt, tz=tz)
    return ClockTargets(
        tz=wt.tz,
        day_start=wt.hours[0].strftime("%H:%M"),
        next_working_day=next_working_day(wt, now),
        next_monday=next_monday(wt, now),
    )


def next_working_day(wt: WorkTime, now: datetime) -> datetime:
    """Inside working hours: the same time on the next working day; outside: the next working morning."""
    slot = wt.next_slot(now)
    return wt.after_working_day(now) if slot <= now else slot


def next_monday(wt: WorkTime, now: datetime) -> datetime:
    """The first working slot of the next Monday (local) strictly after ``now``."""
    local = wt.local(now).date()
    monday = local + timedelta(days=(7 - local.weekday()) % 7)
    target = wt.start_of_day(monday)
    return target if target > now else wt.start_of_day(monday + timedelta(days=7))
