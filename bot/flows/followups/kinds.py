"""Nudge kinds, each declared once (ARCHITECTURE rule 11): how it is planned, when it goes stale, what
its message shows, what the deal list flags for the same reason, and its catalog keys.

Planning and the deal hooks, the sweep's renderer, the DM, the deal card and the deal status all read
``KINDS``; adding a kind touches this file (its rules may come from ``kind_rules.py``), the catalogs
(``followups.kind.<key>``: the DM's question; ``card.nudge_kind.<key>``: its name on the deal card)
and a test. Storage keeps ``Nudge.kind`` a plain string: a key of ``KINDS``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from bot.flows.followups import kind_rules as rule
from storage.models import Deal

if TYPE_CHECKING:
    from bot.process.schema import StageDef

# What happens to a deal (the deal hooks, status_changed split into reopened / closed). Every act in
# PLANS runs the planners of the kinds planned on it; every act in ANSWERS answers the sent rows of
# the kinds answered by it.
#   created             the deal was registered
#   stage_changed       it moved to another stage
#   reopened            back to open (reopened, or back from on hold), after its new follow-up cycle
#   closed              won, lost, dropped or put on hold
#   dates_changed       expected close, tender or signing date edited
#   interview_finished  its qualification interview ended
#   checkin             the rep checked in
#   new_cycle           a new follow-up cycle began (reopened, or kept / downgraded at day 30)
#   contact_lowered     kept at lower contact, or a light touch answered (its next one is due)
PLANS = frozenset(
    {"created", "stage_changed", "reopened", "dates_changed", "interview_finished", "checkin", "new_cycle",
     "contact_lowered"}
)  # fmt: skip
ANSWERS = frozenset({"stage_changed", "closed", "reopened", "dates_changed", "interview_finished", "checkin"})

# The answer buttons a DM leads with (bot/blocks/nudges.py draws them); snooze and open always follow.
CHECK_IN = ("checkin",)
RECORD_MILESTONE = ("milestone", "checkin")
QUALIFY = ("qualify",)
# a decision, with a recommendation; a check-in does not answer it
DECIDE = ("keep", "downgrade", "lower", "drop")
WAKE = ("resume", "still_on_hold", "lost", "drop")  # a held deal is back: what now?
TOUCH = ("requalify", "still_low", "drop")  # a lower-contact deal's light touch: anything changed?


@dataclass(frozen=True)
class Attention:
    """The flag an open deal shows in lists and on its card while this kind's reason holds."""

    flag: str  # Summary.attention; catalog card.attention.<flag>
    weight: int  # how far it moves the deal up "my deals"
    holds: Callable[[Deal, StageDef, int, date], bool]  # rule.AttentionRule


@dataclass(frozen=True)
class NudgeKind:
    key: str  # Nudge.kind (at most 32 characters)
    plan: rule.Planner  # its due-time rule: enqueues its rows for the deal, returns how many
    planned_on: tuple[str, ...]  # the acts that (re)plan it
    answered_on: Mapping[str, rule.AnswerCondition]  # the acts that answer its sent rows, and when
    stale: rule.StaleRule = rule.while_open  # why a row no longer applies (the sweep skips it)
    shows: rule.ShownRule = rule.nothing_more  # the facts its question names
    actions: tuple[str, ...] = CHECK_IN
    attention: Attention | None = None
    while_status: str = "open"  # the deal status in which its rows apply (else skipped as deal_<status>)
    # planned and sent only for a deal at lower contact (SPEC §3.3); every other kind only for one at
    # normal contact — a lower-contact deal gets no follow-up cycle, stall or milestone nudges
    at_low_contact: bool = False

    def __post_init__(self) -> None:
        unknown = (set(self.planned_on) - PLANS) | (set(self.answered_on) - ANSWERS)
        if unknown or not 0 < len(self.key) <= 32:
            raise ValueError(f"nudge kind {self.key!r}: bad key or unknown acts {sorted(unknown)}")

    @property
    def question_key(self) -> str:
        return f"followups.kind.{self.key}"

    @property
    def label_key(self) -> str:
        return f"card.nudge_kind.{self.key}"

    @property
    def decides(self) -> bool:
        """Answered by keep / downgrade / lower contact / drop (the day-30 review), with a recommendation."""
        return self.actions == DECIDE


def answered(*acts: str, **conditional: rule.AnswerCondition) -> Mapping[str, rule.AnswerCondition]:
    """``answered("checkin", dates_changed=cond)``: always by a check-in, by a date edit when ``cond``."""
    return {**dict.fromkeys(acts, rule.always), **conditional}


class Registry:
    """The nudge kinds, in planning order (an act enqueues its kinds' rows in this order)."""

    def __init__(self, *kinds: NudgeKind) -> None:
        self._kinds: dict[str, NudgeKind] = {}
        for k in kinds:
            self._add(k)

    def _add(self, kind: NudgeKind) -> None:
        if kind.key in self._kinds:
            raise ValueError(f"nudge kind {kind.key!r} is declared twice")
        self._kinds[kind.key] = kind

    def __contains__(self, key: object) -> bool:
        return key in self._kinds

    def __iter__(self) -> Iterator[NudgeKind]:
        return iter(tuple(self._kinds.values()))

    def get(self, key: str) -> NudgeKind:
        kind = self.find(key)
        if kind is None:
            raise ValueError(f"unknown nudge kind {key!r}")
        return kind

    def find(self, key: str) -> NudgeKind | None:
        return self._kinds.get(key)

    def planned_on(self, act: str) -> tuple[NudgeKind, ...]:
        _check(act, PLANS)
        return tuple(k for k in self if act in k.planned_on)

    def answered_on(self, act: str, deal: Deal, now: datetime) -> tuple[str, ...]:
        """Keys of the kinds whose sent rows ``act`` answers for this deal."""
        _check(act, ANSWERS)
        return tuple(k.key for k in self if act in k.answered_on and k.answered_on[act](deal, now))

    def for_contact(self, kinds: tuple[NudgeKind, ...], deal: Deal) -> tuple[NudgeKind, ...]:
        """Of ``kinds``, those that apply at the deal's contact level."""
        lower = deal.contact_level == "lower"
        return tuple(k for k in kinds if k.at_low_contact == lower)

    def attention(self) -> tuple[Attention, ...]:
        return tuple(k.attention for k in self if k.attention)

    @contextmanager
    def added(self, kind: NudgeKind) -> Iterator[NudgeKind]:
        """The registry with ``kind`` for the duration of the block (tests of a new kind)."""
        self._add(kind)
        try:
            yield kind
        finally:
            del self._kinds[kind.key]


def _check(act: str, acts: frozenset[str]) -> None:
    if act not in acts:
        raise ValueError(f"unknown act {act!r}")


# --------------------------------------------------------------------------- the kinds
FOLLOWUPS_ON = ("created", "new_cycle")
DATES_ON = ("created", "stage_changed", "reopened", "dates_changed")

FOLLOWUP_1 = NudgeKind(
    key="followup_1",
    plan=rule.cycle_day(1),
    planned_on=FOLLOWUPS_ON,
    answered_on=answered("checkin", "closed"),
    stale=rule.same_followup_cycle,
)
FOLLOWUP_15 = NudgeKind(
    key="followup_15",
    plan=rule.cycle_day(15),
    planned_on=FOLLOWUPS_ON,
    answered_on=answered("checkin", "closed"),
    stale=rule.same_followup_cycle,
    shows=rule.since_day_1,
)
FOLLOWUP_30 = NudgeKind(
    key="followup_30",
    plan=rule.cycle_day(30),
    planned_on=FOLLOWUPS_ON,
    answered_on=answered("closed"),
    stale=rule.same_followup_cycle,
    actions=DECIDE,
)
QUALIFICATION_INCOMPLETE = NudgeKind(  # keeps coming, a cycle at a time, while items are to find out
    key="qualification_incomplete",
    plan=rule.while_assessment_open(days=1),
    planned_on=("created", "new_cycle", "interview_finished"),
    answered_on=answered("checkin", "closed", interview_finished=rule.assessment_complete),
    stale=rule.assessment_unfinished,
    shows=rule.since_registration,
    actions=QUALIFY,
)
STALL = NudgeKind(
    key="stall",
    plan=rule.past_stage_duration,
    planned_on=("created", "stage_changed", "reopened"),
    answered_on=answered("stage_changed", "checkin", "closed"),
    stale=rule.same_stage_entry,
    shows=rule.since_stage_entry,
    actions=RECORD_MILESTONE,
    attention=Attention("stalled", 4, rule.over_stage_duration),
)
CLOSE_DATE_PASSED = NudgeKind(
    key="close_date_passed",
    plan=rule.day_after_close,
    planned_on=DATES_ON,
    answered_on=answered("checkin", "closed", dates_changed=rule.close_not_passed),
    stale=rule.same_close_date,
    shows=rule.close_date,
    attention=Attention("close_passed", 2, rule.past_close_date),
)
MILESTONE_DUE = NudgeKind(
    key="milestone_due",
    plan=rule.before_key_dates(days=7),
    planned_on=DATES_ON,
    answered_on=answered("stage_changed", "checkin", "closed"),
    stale=rule.milestone_unrecorded,
    shows=rule.key_date,
    actions=RECORD_MILESTONE,
    attention=Attention("milestone_due", 1, rule.milestone_soon),
)


# A deal on hold comes back to its rep on its new expected date (SPEC §5, §12): resume, still on hold
# (a new date: the next hold's row), lost or drop. It applies while the deal is on hold.
HOLD_WAKE = NudgeKind(
    key="hold_wake",
    plan=rule.on_held_close,
    planned_on=("dates_changed",),
    answered_on=answered("reopened", closed=rule.left_hold, dates_changed=rule.close_not_passed),
    stale=rule.same_hold,
    shows=rule.close_date,
    actions=WAKE,
    while_status="on_hold",
)
# ---- lower contact (SPEC §3.3): one light touch every N days, nothing else
LOW_CONTACT_TOUCH = NudgeKind(
    key="low_contact_touch",
    plan=rule.low_contact_touch,
    planned_on=("contact_lowered",),
    answered_on=answered("closed"),
    stale=rule.same_contact_touch,
    shows=rule.since_contact_lowered,
    actions=TOUCH,
    at_low_contact=True,
)
# ---- the weekly review (SPEC §7.1): a manager asks for a check-in now; one row per request (its cycle is
# the request's review_note id), planned by the review's act, answered by the check-in
CHECKIN_REQUESTED = NudgeKind(
    key="checkin_requested",
    plan=rule.planned_elsewhere,
    planned_on=(),
    answered_on=answered("checkin", "closed"),
)
# ----

KINDS = Registry(
    FOLLOWUP_1,
    FOLLOWUP_15,
    FOLLOWUP_30,
    QUALIFICATION_INCOMPLETE,
    STALL,
    CLOSE_DATE_PASSED,
    MILESTONE_DUE,
    HOLD_WAKE,
    LOW_CONTACT_TOUCH,
    CHECKIN_REQUESTED,
)
