"""Global Bolt middleware: event dedupe (in the database) and the Actor on every request."""

from __future__ import annotations

import logging
from datetime import timedelta

from slack_bolt import BoltContext, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.actor_cache import ActorCache
from bot.deps import Deps
from bot.flows.team.users import Actor, cached_actor, resolve_actor
from storage.db import read_scope, session_scope
from storage.repo import events as event_repo

log = logging.getLogger(__name__)
EVENT_LEASE = timedelta(seconds=60)
CLAIMED_EVENT = "dealbot_claimed_event_id"


def register(app, deps: Deps) -> None:  # noqa: ANN001
    @app.middleware
    def dedupe_events(body: dict, context: BoltContext, next) -> BoltResponse | None:  # noqa: ANN001
        """Run each event_id once; a retry after a failed delivery runs again (see DealbotApp.dispatch)."""
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if not event_id:
            return next()
        with session_scope(deps.engine) as s:
            fresh = event_repo.claim_event(
                s,
                event_id=event_id,
                team_id=body.get("team_id") or "",
                now=deps.clock.now(),
                lease=EVENT_LEASE,
            )
        if not fresh:
            log.info("duplicate delivery of %s ignored", event_id)
            return BoltResponse(status=200, body="")  # acked, listeners not run again
        context[CLAIMED_EVENT] = event_id
        return next()

    cache = ActorCache(deps.engine, deps.settings.dealbot_actor_cache_seconds)

    @app.middleware
    def attach_actor(context: BoltContext, client: WebClient, next) -> None:  # noqa: ANN001
        if context.team_id and context.user_id:
            actor = cache.get(context.team_id, context.user_id)
            if actor is None:
                generation = cache.generation
                actor = actor_for(deps, client, context.team_id, context.user_id)
                cache.put(actor, generation)
            context["actor"] = actor
        return next()


def actor_for(deps: Deps, client: WebClient, team_id: str, user_id: str) -> Actor:
    """Read-only on the hot path (no write lock); users.info only when the profile is missing or old,
    called outside any transaction."""
    known = dict(
        team_id=team_id,
        user_id=user_id,
        now=deps.clock.now(),
        default_locale=deps.settings.dealbot_locale,
        default_tz=deps.settings.dealbot_timezone,
        admins=deps.settings.admins,
    )
    with read_scope(deps.engine) as s:
        actor = cached_actor(s, **known)
    if actor is not None:
        return actor
    fetched = fetch_user(client, user_id)
    with session_scope(deps.engine) as s:
        return resolve_actor(s, fetch_user=lambda _: fetched, settings=deps.settings, **known)


def fetch_user(client: WebClient, user_id: str) -> dict | None:
    try:
        return client.users_info(user=user_id, include_locale=True).get("user")
    except SlackApiError as e:
        log.warning("users.info %s failed: %s", user_id, e.response.get("error"))
        return None


def finish_claimed_event(deps: Deps, context: dict, ok: bool) -> None:
    event_id = context.get(CLAIMED_EVENT)
    if event_id:
        with session_scope(deps.engine) as s:
            event_repo.finish_event(s, event_id=event_id, ok=ok, now=deps.clock.now())
