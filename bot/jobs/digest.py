"""The weekly digest job: once per week per manager channel, with any number of replicas.

Each tick: for every workspace with a manager channel, the latest due week gets its digest_run row
(INSERT … ON CONFLICT DO NOTHING); whoever claims the row (a lease) posts. A reclaimed row
(attempts > 1) first looks in the channel for the digest's metadata, so a replica that died after
posting does not cause a second post. The chart goes up after the text; its failure is only logged.
Before posting, the bot joins the channel (a public one; reading the history and sharing the chart
need membership); a channel it is not in and cannot join is told to the workspace's admins in a DM.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import ids
from bot.blocks.funnel import digest_title, funnel_message
from bot.channel_access import NOT_IN, join_channel
from bot.deps import Deps
from bot.flows.funnel.digest import build_digest, due_digests
from bot.flows.team.config import team_config
from bot.flows.team.roles import admin_ids
from bot.i18n import t
from bot.oauth import workspaces
from bot.uploads import upload_chart
from storage.db import read_scope, session_scope
from storage.models import DigestRun
from storage.repo.funnel import digest as repo

log = logging.getLogger(__name__)
PERMANENT = {"channel_not_found", "not_in_channel", "is_archived", "invalid_auth", "account_inactive"}
RETRY_AFTER = timedelta(minutes=5)


def post_digests(deps: Deps, client: WebClient, now: datetime) -> int:
    """Post every due digest this replica wins, each with its workspace's token; returns how many it
    posted. A workspace that is not installed (OAuth mode) gets none: its token must not be used."""
    served = workspaces(deps, client)
    installed = served.installed()  # None: single-workspace mode, every team (else installed, in scope)
    with read_scope(deps.engine) as s:
        home = _home_team(client) if getattr(deps, "oauth", None) is None else None  # single-workspace mode
        due = due_digests(s, deps.settings, now, home_team=home, only=deps.teams)
    posted = 0
    lease = timedelta(seconds=deps.settings.dealbot_lease_seconds)
    for d in due:
        if installed is not None and d.team_id not in installed:
            log.info("digest for %s skipped: workspace not installed", d.team_id)
            continue
        with session_scope(deps.engine) as s:
            repo.ensure_run(s, team_id=d.team_id, channel_id=d.channel_id, period_start=d.week, now=now)
        with session_scope(deps.engine) as s:
            run = repo.claim_run(
                s,
                team_id=d.team_id,
                channel_id=d.channel_id,
                period_start=d.week,
                now=now,
                worker=deps.worker_id,
                lease=lease,
            )
        if run is not None:
            team_client = served.client_for(d.team_id)
            if team_client is None:
                continue  # uninstalled since; the lease runs out and the next tick skips it
            posted += _post(deps, team_client, now, run)
    return posted


def _home_team(client: WebClient) -> str | None:
    """The workspace of the bot token (auth.test, once per process): DEALBOT_MANAGER_CHANNEL's workspace."""
    token = client.token or ""
    if token not in _HOME:
        try:
            _HOME[token] = client.auth_test()["team_id"]
        except Exception:  # noqa: BLE001 — unknown: the env channel then serves a single workspace only
            log.warning("auth.test failed: cannot tell which workspace DEALBOT_MANAGER_CHANNEL belongs to")
            return None
    return _HOME[token]


_HOME: dict[str, str] = {}


def _post(deps: Deps, client: WebClient, now: datetime, run: DigestRun) -> int:
    me = deps.worker_id
    with read_scope(deps.engine) as s:
        digest = build_digest(
            s,
            deps.settings,
            deps.process,
            team_id=run.team_id,
            channel_id=run.channel_id,
            week=run.period_start,
            now=now,
        )
    cfg, figures, title = digest.cfg, digest.figures, digest_title(digest)
    msg = funnel_message(figures, cfg.stages, cfg.locale, title=title, labels=digest.labels)
    with session_scope(deps.engine) as s:
        repo.save_figures(s, run_id=run.id, worker=me, figures=figures.stored())
    join_channel(client, run.channel_id)  # idempotent; a private channel it is not in fails the post below
    ts = _already_posted(client, run) if run.attempts > 1 else None
    if ts is None:
        try:
            resp = client.chat_postMessage(
                channel=run.channel_id,
                text=msg["text"],
                blocks=msg["blocks"],
                metadata={"event_type": ids.META_DIGEST, "event_payload": {"run_id": run.id}},
                unfurl_links=False,
            )
            ts = resp["ts"]
        except Exception as e:  # noqa: BLE001 — recorded on the run and retried
            _failed(deps, client, run, now, e)
            return 0
    with session_scope(deps.engine) as s:
        if not repo.mark_posted(s, run_id=run.id, worker=me, ts=ts, now=now):
            log.warning("digest run %s: lease lost before marking it posted", run.id)
    log.info("digest posted to %s for the week of %s", run.channel_id, run.period_start.date())
    upload_chart(
        client, channel=run.channel_id, figures=figures, stages=cfg.stages, locale=cfg.locale, title=title
    )
    return 1


def _already_posted(client: WebClient, run: DigestRun) -> str | None:
    """After a crash mid-post: the ts of this run's digest if it already landed in the channel."""
    try:
        history = client.conversations_history(channel=run.channel_id, include_all_metadata=True, limit=100)
    except Exception:  # noqa: BLE001 — unknown: post (at-least-once beats never)
        log.warning("digest run %s: could not read the channel history", run.id, exc_info=True)
        return None
    for m in history.get("messages", []):
        meta = m.get("metadata") or {}
        if (
            meta.get("event_type") == ids.META_DIGEST
            and (meta.get("event_payload") or {}).get("run_id") == run.id
        ):
            return m["ts"]
    return None


def _failed(deps: Deps, client: WebClient, run: DigestRun, now: datetime, e: Exception) -> None:
    error = e.response.get("error", str(e)) if isinstance(e, SlackApiError) else repr(e)
    give_up = error in PERMANENT or run.attempts >= repo.MAX_ATTEMPTS
    log.warning(
        "digest run %s to %s failed (%s)%s", run.id, run.channel_id, error, "; giving up" if give_up else ""
    )
    with session_scope(deps.engine) as s:
        repo.release_run(
            s,
            run_id=run.id,
            worker=deps.worker_id,
            error=error,
            retry_at=None if give_up else now + RETRY_AFTER,
        )
    if error in NOT_IN:
        _tell_admins(deps, client, run, error)


def _tell_admins(deps: Deps, client: WebClient, run: DigestRun, error: str) -> None:
    """The bot is not in the channel (private, never invited): the admins get a DM saying how to fix it."""
    with read_scope(deps.engine) as s:
        locale = team_config(s, deps.settings, run.team_id).locale
        admins = admin_ids(s, run.team_id, deps.settings.admins)
    text = t("funnel.unreachable", locale, channel=run.channel_id, error=error)
    for admin in admins:
        try:
            client.chat_postMessage(channel=admin, text=text)
        except Exception as e:  # noqa: BLE001 — the failure is on the run and in the log already
            log.warning("could not tell admin %s that %s is unreachable: %s", admin, run.channel_id, e)
