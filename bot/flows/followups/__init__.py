"""Follow-ups: nudges planned from deal changes (1/15/30 days, stalls, dates), answered by the rep."""

from bot.flows.followups.answers import (
    clear_away,
    downgrade,
    keep,
    list_away,
    record_checkin,
    set_away,
    snooze,
)
from bot.flows.followups.planning import plan_all, skip_stale_pending, start_new_cycle

__all__ = [
    "clear_away",
    "downgrade",
    "keep",
    "list_away",
    "plan_all",
    "record_checkin",
    "set_away",
    "skip_stale_pending",
    "snooze",
    "start_new_cycle",
]
