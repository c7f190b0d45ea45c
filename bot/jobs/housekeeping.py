"""Housekeeping: forget Events API deliveries a day after they finished (the dedupe table stays small).

Slack retries a failed delivery within minutes (three times, over about five), so a day is far more than
dedupe ever needs.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.deps import Deps
from storage.db import session_scope
from storage.repo import events as event_repo

log = logging.getLogger(__name__)
KEEP_EVENTS = timedelta(days=1)


def prune_events(deps: Deps, client, now: datetime) -> int:  # noqa: ANN001
    with session_scope(deps.engine) as s:
        gone = event_repo.prune(s, before=now - KEEP_EVENTS, teams=deps.teams)
    if gone:
        log.info("forgot %d Slack event deliveries finished before %s", gone, now - KEEP_EVENTS)
    return gone
