"""Events API listeners: user_change keeps zones and locales fresh; DMs. (App Home: handlers/home.py.)"""

from __future__ import annotations

import logging

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot import ids
from bot.deps import Deps
from bot.flows.team.users import refresh_profile
from storage.db import session_scope

log = logging.getLogger(__name__)


def register(app, deps: Deps) -> None:  # noqa: ANN001
    @app.event(ids.EV_USER_CHANGE)
    def on_user_change(event: dict, context: BoltContext) -> None:
        user = event.get("user") if isinstance(event.get("user"), dict) else {}
        team_id = user.get("team_id") or context.team_id
        if isinstance(user.get("id"), str) and user["id"] and isinstance(team_id, str) and team_id:
            with session_scope(deps.engine) as s:
                refresh_profile(s, deps.settings, team_id=team_id, user=user, now=deps.clock.now())

    @app.event(ids.EV_MESSAGE_IM)
    def on_dm_message(event: dict, context: BoltContext, client: WebClient) -> None:
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return
        from bot.handlers import dm

        dm.on_text(deps, context["actor"], event, client)
