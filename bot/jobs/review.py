"""The weekly review DM ("Your team's week") and the loss review of a lost deal: when the team's digest is due — with or without a digest
channel — every manager with reps gets one DM, once per (manager, week) with any number of replicas:
a review_run row per (team, manager, week) created with INSERT … ON CONFLICT DO NOTHING and claimed
with a lease (as the digest). A reclaimed run first looks in the DM for its own message (metadata)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import ids
from bot.blocks.review import loss_review_message, team_week_message
from bot.deps import Deps
from bot.flows.funnel.periods import latest_due
from bot.flows.review.loss import loss_review
from bot.flows.review.view import team_week, user_locale
from bot.flows.team.config import team_config
from bot.i18n.format import format_date
from bot.oauth import workspaces
from storage.db import read_scope, session_scope
from storage.models import Deal, ReviewRun
from storage.repo import review as repo
from storage.repo.funnel.digest import team_ids

log = logging.getLogger(__name__)
RETRY_AFTER = timedelta(minutes=5)
LOSS_WINDOW = timedelta(days=14)  # a deal lost longer ago than this (downtime, an old import) gets none
PERMANENT = {"user_not_found", "cannot_dm_bot", "account_inactive", "invalid_auth", "user_disabled"}


def send_reviews(deps: Deps, client: WebClient, now: datetime) -> int:
    """Send every due weekly review DM (and loss review) this replica wins, each with its workspace's
    token; returns how many it sent. A workspace that is not installed (OAuth mode) gets none."""
    served = workspaces(deps, client)
    installed = served.installed()  # None: single-workspace mode, every team
    due: list[tuple[str, str, datetime, int]] = []
    with read_scope(deps.engine) as s:
        for team_id in team_ids(s):
            if installed is not None and team_id not in installed:
                continue
            cfg = team_config(s, deps.settings, team_id)
            _, week = latest_due(now, cfg.zone, cfg.digest_weekday, cfg.digest_time)
            due += [(team_id, m, week, 0) for m in repo.managers(s, team_id=team_id)]
        for deal in repo.lost_since(s, since=now - LOSS_WINDOW):  # each lost deal's managers, once
            if installed is not None and deal.team_id not in installed:
                continue
            due += [(deal.team_id, m, deal.closed_at, deal.id)
                    for m in repo.managers_of(s, team_id=deal.team_id, rep_id=deal.owner_id)]  # fmt: skip
    lease, sent = timedelta(seconds=deps.settings.dealbot_lease_seconds), 0
    for team_id, manager_id, week, deal_id in due:
        with session_scope(deps.engine) as s:
            repo.ensure_run(s, team_id=team_id, manager_id=manager_id, week=week, now=now, deal_id=deal_id)
        with session_scope(deps.engine) as s:
            run = repo.claim_run(s, team_id=team_id, manager_id=manager_id, week=week, now=now,
                                 worker=deps.worker_id, lease=lease, deal_id=deal_id)  # fmt: skip
        if run is not None and (team_client := served.client_for(team_id)) is not None:
            sent += _send(deps, team_client, now, run)  # uninstalled since: the lease runs out, then skipped
    return sent


def _message(deps: Deps, run: ReviewRun, now: datetime) -> dict:
    with read_scope(deps.engine) as s:
        locale = user_locale(s, deps.settings, run.team_id, run.manager_id)
        cfg = team_config(s, deps.settings, run.team_id)
        if run.deal_id:
            deal = s.get(Deal, run.deal_id)
            return loss_review_message(loss_review(s, deal), cfg.stages, locale)
        reps = repo.managers(s, team_id=run.team_id).get(run.manager_id, [])
        lines = team_week(s, run.team_id, reps, now=now, reader_id=run.manager_id, zone=cfg.zone)
    return team_week_message(lines, locale, week_of=format_date(run.week.astimezone(cfg.zone).date(), locale))


def _send(deps: Deps, client: WebClient, now: datetime, run: ReviewRun) -> int:
    msg = _message(deps, run, now)
    ts = _already_sent(client, run) if run.attempts > 1 else None
    if ts is None:
        try:
            resp = client.chat_postMessage(
                channel=run.manager_id, text=msg["text"], blocks=msg["blocks"],
                metadata={"event_type": ids.META_REVIEW, "event_payload": {"run_id": run.id}},
            )  # fmt: skip
            ts = resp.get("ts")
        except Exception as e:  # noqa: BLE001 — recorded on the run and retried
            error = e.response.get("error", str(e)) if isinstance(e, SlackApiError) else repr(e)
            give_up = error in PERMANENT or run.attempts >= repo.MAX_ATTEMPTS
            log.warning("review run %s to %s failed (%s)", run.id, run.manager_id, error)
            with session_scope(deps.engine) as s:
                repo.release_run(s, run_id=run.id, worker=deps.worker_id, error=error,
                                 retry_at=None if give_up else now + RETRY_AFTER)  # fmt: skip
            return 0
    with session_scope(deps.engine) as s:
        if not repo.mark_sent(s, run_id=run.id, worker=deps.worker_id, ts=ts, now=now):
            log.warning("review run %s: lease lost before marking it sent", run.id)
    return 1


def _already_sent(client: WebClient, run: ReviewRun) -> str | None:
    try:
        channel = client.conversations_open(users=run.manager_id)["channel"]["id"]
        history = client.conversations_history(channel=channel, include_all_metadata=True, limit=100)
    except Exception:  # noqa: BLE001 — unknown: send (at-least-once beats never)
        return None
    for m in history.get("messages", []):
        meta = m.get("metadata") or {}
        if (
            meta.get("event_type") == ids.META_REVIEW
            and (meta.get("event_payload") or {}).get("run_id") == run.id
        ):
            return m["ts"]
    return None
