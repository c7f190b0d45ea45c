"""The end-of-day time-for-selling prompt (SPEC §13): for each rep of a team that turned it on, in
the last half hour of their working day (their zone), one DM with three buttons. A row per rep per
day is created with ``INSERT … ON CONFLICT DO NOTHING`` and claimed with a lease: sent once whatever
the number of replicas; a row whose working day has ended before it was sent is skipped."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from slack_sdk import WebClient

from bot.blocks.plan import selling_prompt_message
from bot.deps import Deps
from bot.flows.plan import selling
from bot.flows.team.config import team_config
from bot.i18n import normalize_locale
from bot.oauth import workspaces
from storage.db import read_scope, session_scope
from storage.models import SellingDay, SlackUser
from storage.repo import plan as repo

log = logging.getLogger(__name__)


def send_prompts(deps: Deps, client: WebClient, now: datetime) -> int:
    with read_scope(deps.engine) as s:
        due = selling.due_prompts(s, deps.settings, now)
    if due:
        with session_scope(deps.engine) as s:
            for d in due:
                repo.plan_selling_day(
                    s, team_id=d.team_id, rep_id=d.rep_id, day=d.day, due_at=d.due_at, now=now
                )
    lease = now + timedelta(seconds=deps.settings.dealbot_lease_seconds)
    with session_scope(deps.engine) as s:
        claimed = [(r.id, r.team_id) for r in
                   repo.claim_selling_days(s, now=now, owner=deps.worker_id, lease_until=lease)]  # fmt: skip
    served = workspaces(deps, client)  # each workspace's prompts with its own token (OAuth mode)
    sent = 0
    for row_id, team_id in claimed:
        team_client = served.client_for(team_id)
        if team_client is None:  # not installed: its token must not be used; the lease lapses
            continue
        try:
            sent += _send(deps, team_client, now, row_id)
        except Exception:  # one bad row never stops the others; its lease lapses and it is retried
            log.exception("time-for-selling prompt %s failed", row_id)
    return sent


def _send(deps: Deps, client: WebClient, now: datetime, row_id: int) -> int:
    with session_scope(deps.engine) as s:
        row = s.get(SellingDay, row_id)
        if not selling.still_in_hours(s, deps.settings, row, now):
            row.status = "skipped"
            s.add(row)
            return 0
        user = s.get(SlackUser, (row.team_id, row.rep_id))
        locale = normalize_locale(
            user.locale if user else None, team_config(s, deps.settings, row.team_id).locale
        )
        rep_id = row.rep_id
    channel = client.conversations_open(users=rep_id)["channel"]["id"]
    posted = client.chat_postMessage(channel=channel, **selling_prompt_message(row_id, locale))
    with session_scope(deps.engine) as s:
        row = s.get(SellingDay, row_id)
        row.status, row.sent_at, row.channel_id, row.slack_ts = "sent", now, channel, posted.get("ts")
        s.add(row)
    return 1
