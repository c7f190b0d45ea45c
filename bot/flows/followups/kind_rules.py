"""The rules the nudge kinds of ``kinds.py`` are built from: when a row is due (planners), whether it
still applies (stale rules), what its question names (shown facts), whether an act on the deal answers
it (answer conditions) and when the deal needs attention for the same reason. No rule names a kind: a
planner gets the key of the kind it plans, so a new kind reuses them or brings its own.

Cycle numbers (with deal and kind, a row's unique key) are the planner's: the deal's follow-up cycle
(``cycle_day``, ``while_assessment_open``), 0 (``after_registration``), the stage entry instant in epoch seconds
(``past_stage_duration``), the close date as ``yyyymmdd`` (``day_after_close``),
``yyyymmdd·100 + stage index·10 + date kind`` (``before_key_dates``) and the hold's number
(``on_held_close``). A stale rule compares them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from bot.flows.team.config import team_config
from storage.models import Deal, Nudge
from storage.repo import nudges as repo

if TYPE_CHECKING:
    from bot.flows.followups.planning import KindContext
    from bot.flows.followups.worktime import WorkTime
    from bot.process.schema import StageDef

KEY_DATES = {"tender_date": 1, "signing_date": 2}
DUE_SOON = timedelta(days=3)


@dataclass(frozen=True)
class Shown:
    """What a nudge's question names besides the deal and its stage (fields of its catalog text)."""

    since: date | None = None
    key_date: date | None = None
    date_kind: str | None = None  # tender | signing


Planner = Callable[["KindContext", str, datetime], int]  # (deal, kind key, now) -> rows created
StaleRule = Callable[["KindContext", Nudge], "str | None"]  # why the row no longer applies, or None
ShownRule = Callable[[Nudge, Deal, "WorkTime"], Shown]
AnswerCondition = Callable[[Deal, datetime], bool]  # after the act, is the reason gone?
AttentionRule = Callable[[Deal, "StageDef", int, date], bool]  # open deal, its stage, days in it, today


# --------------------------------------------------------------------------- planners
def planned_elsewhere(ctx: KindContext, kind: str, now: datetime) -> int:
    """No deal act plans it: its rows are enqueued by the act that asks for it (the weekly review)."""
    return 0


def cycle_day(days: int) -> Planner:
    """Day ``days`` of the deal's follow-up cycle, from T0 in the rep's local wall time."""

    def plan(ctx: KindContext, kind: str, now: datetime) -> int:
        wt = ctx.worktime
        t0 = wt.local(ctx.deal.followup_t0 or now)
        due = datetime.combine(t0.date() + timedelta(days=days), t0.time(), tzinfo=wt.zone)
        return int(ctx.enqueue(kind, ctx.deal.followup_cycle, due, now))

    return plan


def after_registration(days: int) -> Planner:
    """Once per deal, ``days`` after it was registered."""

    def plan(ctx: KindContext, kind: str, now: datetime) -> int:
        due = (ctx.deal.created_at or now) + timedelta(days=days)
        return int(ctx.enqueue(kind, 0, due, now))

    return plan


def while_assessment_open(days: int) -> Planner:
    """Once per follow-up cycle, ``days`` after its T0 (the first: after registration), while the deal
    has no complete assessment — none finished, or items still to find out (SPEC §3.3)."""

    def plan(ctx: KindContext, kind: str, now: datetime) -> int:
        deal = ctx.deal
        if deal.status != "open" or assessment_unfinished(ctx, None) is not None:
            return 0
        due = (deal.followup_t0 or deal.created_at or now) + timedelta(days=days)
        return int(ctx.enqueue(kind, deal.followup_cycle, due, now))

    return plan


def past_stage_duration(ctx: KindContext, kind: str, now: datetime) -> int:
    """When the open deal has been in its stage for the stage's expected duration."""
    deal = ctx.deal
    if deal.status != "open" or deal.stage not in ctx.stage_keys:
        return 0
    due = deal.stage_entered_at + timedelta(days=ctx.stages.get(deal.stage).duration_days)
    return int(ctx.enqueue(kind, stall_cycle(deal), due, now))


def day_after_close(ctx: KindContext, kind: str, now: datetime) -> int:
    """The start of the working day after the open deal's expected close date."""
    deal = ctx.deal
    if deal.status != "open" or not deal.expected_close:
        return 0
    due = ctx.worktime.start_of_day(deal.expected_close + timedelta(days=1))
    return int(ctx.enqueue(kind, ymd(deal.expected_close), due, now))


def before_key_dates(days: int) -> Planner:
    """``days`` before each coming tender / signing date of the open deal (at once when closer)."""

    def plan(ctx: KindContext, kind: str, now: datetime) -> int:
        deal = ctx.deal
        if deal.status != "open":
            return 0
        wt, keys = ctx.worktime, ctx.stage_keys
        today = wt.local(now).date()
        n = 0
        for attr in KEY_DATES:
            day: date | None = getattr(deal, attr)
            if day is None or day < today or deal.stage not in keys:
                continue
            due = max(wt.start_of_day(day - timedelta(days=days)), now)
            n += ctx.enqueue(kind, milestone_cycle(deal, attr, keys.index(deal.stage)), due, now)
        return n

    return plan


def on_held_close(ctx: KindContext, kind: str, now: datetime) -> int:
    """A deal on hold comes back on its new expected close date (SPEC §5): the start of that working
    day. Cycle = the hold's number; the close date edited while held moves the pending row."""
    deal = ctx.deal
    if deal.status != "on_hold" or deal.expected_close is None:
        return 0
    due = max(ctx.worktime.start_of_day(deal.expected_close), now)
    cycle = repo.hold_number(ctx.session, team_id=deal.team_id, deal_id=deal.id)
    if ctx.enqueue(kind, cycle, due, now):
        return 1
    repo.reschedule_pending(
        ctx.session,
        deal_id=deal.id,
        kind=kind,
        cycle=cycle,
        due_at=due,
        send_after=ctx.worktime.next_slot(due),
    )
    return 0


def low_contact_touch(ctx: KindContext, kind: str, now: datetime) -> int:
    """The lower-contact deal's next light touch: the team's N days after the wait began; its cycle
    is the touch's number (``Deal.contact_touch``)."""
    deal = ctx.deal
    if deal.status != "open" or deal.contact_level != "lower":
        return 0
    days = team_config(ctx.session, ctx.settings, deal.team_id).low_contact_days
    due = (deal.contact_touch_t0 or now) + timedelta(days=days)
    return int(ctx.enqueue(kind, deal.contact_touch, due, now))


# --------------------------------------------------------------------------- still relevant?
def same_followup_cycle(ctx: KindContext, n: Nudge) -> str | None:
    return None if ctx.deal.followup_cycle == n.cycle else "new_cycle"


def same_stage_entry(ctx: KindContext, n: Nudge) -> str | None:
    return None if stall_cycle(ctx.deal) == n.cycle else "stage_changed"


def same_close_date(ctx: KindContext, n: Nudge) -> str | None:
    close = ctx.deal.expected_close
    return None if close and ymd(close) == n.cycle else "date_changed"


def interview_unfinished(ctx: KindContext, n: Nudge | None) -> str | None:
    done = repo.has_finished_interview(ctx.session, team_id=ctx.deal.team_id, deal_id=ctx.deal.id)
    return "interview_finished" if done else None


def assessment_unfinished(ctx: KindContext, n: Nudge | None) -> str | None:
    """Applies until the interview has finished with a complete assessment (no item left open that
    keeps it incomplete)."""
    if ctx.deal.assessment_incomplete:
        return None
    return interview_unfinished(ctx, n)


def milestone_unrecorded(ctx: KindContext, n: Nudge) -> str | None:
    deal, keys = ctx.deal, ctx.stage_keys
    attr = milestone_date_attr(n.cycle)
    if getattr(deal, attr) is None or deal.stage not in keys:
        return "date_changed"
    if milestone_cycle(deal, attr, keys.index(deal.stage)) != n.cycle:
        return "date_changed"
    if repo.has_milestone(ctx.session, team_id=deal.team_id, deal_id=deal.id, stage=deal.stage):
        return "milestone_recorded"
    return None


def same_hold(ctx: KindContext, n: Nudge) -> str | None:
    held = repo.hold_number(ctx.session, team_id=ctx.deal.team_id, deal_id=ctx.deal.id)
    return None if held == n.cycle else "new_hold"


def same_contact_touch(ctx: KindContext, n: Nudge) -> str | None:
    return None if ctx.deal.contact_touch == n.cycle else "touch_answered"


def while_open(ctx: KindContext, n: Nudge) -> str | None:
    """Applies as long as the deal is open (checked before any kind's rule)."""
    return None


# --------------------------------------------------------------------------- what the question names
def nothing_more(n: Nudge, deal: Deal, wt: WorkTime) -> Shown:
    return Shown()


def since_day_1(n: Nudge, deal: Deal, wt: WorkTime) -> Shown:
    return Shown(since=wt.local((deal.followup_t0 or deal.created_at) + timedelta(days=1)).date())


def since_stage_entry(n: Nudge, deal: Deal, wt: WorkTime) -> Shown:
    return Shown(since=wt.local(deal.stage_entered_at).date())


def since_registration(n: Nudge, deal: Deal, wt: WorkTime) -> Shown:
    return Shown(since=wt.local(deal.created_at).date())


def since_contact_lowered(n: Nudge, deal: Deal, wt: WorkTime) -> Shown:
    return Shown(since=wt.local(deal.contact_touch_t0 or deal.updated_at).date())


def close_date(n: Nudge, deal: Deal, wt: WorkTime) -> Shown:
    return Shown(key_date=deal.expected_close)


def key_date(n: Nudge, deal: Deal, wt: WorkTime) -> Shown:
    attr = milestone_date_attr(n.cycle)
    return Shown(key_date=getattr(deal, attr), date_kind=attr.removesuffix("_date"))


# --------------------------------------------------------------------------- answered by the act?
def always(deal: Deal, now: datetime) -> bool:
    return True


def assessment_complete(deal: Deal, now: datetime) -> bool:
    return not deal.assessment_incomplete


def left_hold(deal: Deal, now: datetime) -> bool:
    return deal.status != "on_hold"


def close_not_passed(deal: Deal, now: datetime) -> bool:
    return deal.expected_close is None or deal.expected_close >= now.date()


# --------------------------------------------------------------------------- attention (open deals)
def over_stage_duration(deal: Deal, stage: StageDef, days: int, today: date) -> bool:
    return days > stage.duration_days


def past_close_date(deal: Deal, stage: StageDef, days: int, today: date) -> bool:
    return bool(deal.expected_close and deal.expected_close < today)


def milestone_soon(deal: Deal, stage: StageDef, days: int, today: date) -> bool:
    soon = [d for d in (deal.tender_date, deal.signing_date) if d and today <= d <= today + DUE_SOON]
    return bool(soon or stage.duration_days - days in range(0, DUE_SOON.days + 1))


# --------------------------------------------------------------------------- cycle keys
def ymd(d: date) -> int:
    return d.year * 10000 + d.month * 100 + d.day


def stall_cycle(deal: Deal) -> int:
    return int(deal.stage_entered_at.timestamp())


def milestone_cycle(deal: Deal, attr: str, stage_index: int) -> int:
    return ymd(getattr(deal, attr)) * 100 + stage_index * 10 + KEY_DATES[attr]


def milestone_date_attr(cycle: int) -> str:
    return next(a for a, k in KEY_DATES.items() if k == cycle % 10)
