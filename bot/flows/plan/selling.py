"""Time for selling (SPEC §13, seed 003): at the end of each rep's working day, in their zone and only
when the team turned it on, a one-tap DM "today: mostly selling / half / mostly other work" with an
optional line. One row per rep per working day (``selling_day``), created once and claimed with a
lease, so any number of replicas send it exactly once; the weekly review reads the week's share
(``storage.repo.plan.selling_share``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session

from bot.config import Settings
from bot.flows.errors import BadInput, NotAllowed
from bot.flows.followups.worktime import WorkTime
from bot.flows.team.config import team_config
from bot.flows.team.users import Actor
from storage.models import Deal, SellingDay, SlackUser, TeamSettings
from storage.repo import plan as repo

ANSWERS = ("selling", "half", "other")
BEFORE_END = timedelta(minutes=30)  # the prompt goes out in the last half hour of the working day


@dataclass(frozen=True)
class Due:
    team_id: str
    rep_id: str
    day: date
    due_at: datetime


def prompt_time(wt: WorkTime, now: datetime) -> tuple[date, datetime, datetime] | None:
    """(the rep's day, when the prompt is due, when their working day ends) for today in their zone,
    or None when today is not a working day."""
    local = wt.local(now)
    d = local.date()
    if not wt.is_work_day(d):
        return None
    end = datetime.combine(d, wt.hours[1], tzinfo=wt.zone)
    start = datetime.combine(d, wt.hours[0], tzinfo=wt.zone)
    return d, max(start, end - BEFORE_END), end


def due_prompts(session: Session, settings: Settings, now: datetime) -> list[Due]:
    """Reps of the teams that turned the prompt on whose end of day has come (and not yet gone)."""
    teams = session.execute(
        select(TeamSettings.team_id).where(TeamSettings.selling_prompt.is_(True))
    ).scalars()
    out = []
    for team_id in list(teams):
        cfg = team_config(session, settings, team_id)
        reps = session.execute(
            select(Deal.owner_id, SlackUser.tz)
            .distinct()
            .outerjoin(SlackUser, (SlackUser.team_id == Deal.team_id) & (SlackUser.user_id == Deal.owner_id))
            .where(Deal.team_id == team_id, Deal.status == "open")
        ).all()
        for rep_id, tz in reps:
            wt = WorkTime(tz or cfg.timezone, cfg.work_hours, cfg.work_days)
            when = prompt_time(wt, now)
            if when is not None and when[1] <= now < when[2]:
                out.append(Due(team_id, rep_id, when[0], when[1]))
    return out


def still_in_hours(session: Session, settings: Settings, row: SellingDay, now: datetime) -> bool:
    """A claimed row is sent only while the rep's working day lasts (never after hours)."""
    cfg = team_config(session, settings, row.team_id)
    if not cfg.selling_prompt:
        return False
    user = session.get(SlackUser, (row.team_id, row.rep_id))
    wt = WorkTime((user.tz if user else None) or cfg.timezone, cfg.work_hours, cfg.work_days)
    when = prompt_time(wt, now)
    return when is not None and when[0] == row.day and now < when[2]


def answer(session: Session, actor: Actor, row_id: int, value: str, now: datetime) -> SellingDay:
    """The rep's one tap; a second tap changes the answer."""
    if value not in ANSWERS:
        raise BadInput("selling.errors.answer")
    row = session.get(SellingDay, row_id)
    if row is None or row.team_id != actor.team_id or row.rep_id != actor.user_id:
        raise NotAllowed()
    row.answer, row.answered_at, row.status = value, now, "answered"
    session.add(row)
    session.flush()
    return row


def add_line(session: Session, actor: Actor, row_id: int, text: str) -> SellingDay:
    row = session.get(SellingDay, row_id)
    if row is None or row.team_id != actor.team_id or row.rep_id != actor.user_id:
        raise NotAllowed()
    row.note = (text or "").strip()[:500] or None
    session.add(row)
    session.flush()
    return row


__all__ = ["ANSWERS", "Due", "add_line", "answer", "due_prompts", "repo", "still_in_hours"]
