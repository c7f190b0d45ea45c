"""build_app(settings, deps) -> a Bolt App with every listener registered. Nothing runs at import."""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot import handlers, ids, middleware
from bot.config import Settings
from bot.deps import Deps

log = logging.getLogger(__name__)
LISTENER_KINDS = ("commands", "actions", "views", "events", "options")


class DealbotApp(App):
    """Bolt's App, plus: an event whose listeners failed is released so Slack's retry runs it again,
    and a record of what is registered (``registered[kind]``: commands, actions, views, events,
    options), which the manifest contract test holds against bot/ids.py and manifest.yaml."""

    deps: Deps

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.registered: dict[str, set[str]] = {k: set() for k in LISTENER_KINDS}

    def _remember(self, kind: str, constraints: Any, key: str) -> None:
        if isinstance(constraints, dict):
            constraints = constraints.get(key)
        if isinstance(constraints, re.Pattern):
            constraints = f"re:{constraints.pattern}"
        if isinstance(constraints, str):
            self.registered[kind].add(constraints)

    def command(self, command, *args, **kwargs):  # noqa: ANN001, ANN201, D102
        self._remember("commands", command, "command")
        return super().command(command, *args, **kwargs)

    def action(self, constraints, *args, **kwargs):  # noqa: ANN001, ANN201, D102
        self._remember("actions", constraints, "action_id")
        return super().action(constraints, *args, **kwargs)

    def block_action(self, constraints, *args, **kwargs):  # noqa: ANN001, ANN201, D102
        self._remember("actions", constraints, "action_id")
        return super().block_action(constraints, *args, **kwargs)

    def view(self, constraints, *args, **kwargs):  # noqa: ANN001, ANN201, D102
        self._remember("views", constraints, "callback_id")
        return super().view(constraints, *args, **kwargs)

    def view_submission(self, constraints, *args, **kwargs):  # noqa: ANN001, ANN201, D102
        self._remember("views", constraints, "callback_id")
        return super().view_submission(constraints, *args, **kwargs)

    def view_closed(self, constraints, *args, **kwargs):  # noqa: ANN001, ANN201, D102
        self._remember("views", constraints, "callback_id")
        return super().view_closed(constraints, *args, **kwargs)

    def event(self, event, *args, **kwargs):  # noqa: ANN001, ANN201, D102
        self._remember("events", event, "type")
        return super().event(event, *args, **kwargs)

    def message(self, *args, **kwargs):  # noqa: ANN201, D102
        self.registered["events"].add("message")
        return super().message(*args, **kwargs)

    def options(self, constraints, *args, **kwargs):  # noqa: ANN001, ANN201, D102
        self._remember("options", constraints, "action_id")
        return super().options(constraints, *args, **kwargs)

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        resp = super().dispatch(req)
        middleware.finish_claimed_event(self.deps, req.context, ok=resp.status < 500)
        return resp


def _token_gone(body: dict) -> None:
    """Single-workspace mode: SLACK_BOT_TOKEN no longer works; nothing is stored to delete."""
    log.error(
        "Slack says dealbot was uninstalled or its tokens revoked in workspace %s (%s): "
        "SLACK_BOT_TOKEN no longer works; reinstall the app and set the new token",
        body.get("team_id"),
        (body.get("event") or {}).get("type"),
    )


_ENV_LOCK = threading.Lock()


@contextmanager
def _without_oauth_environment() -> Iterator[None]:
    """Bolt's App builds a file-based OAuth setup by itself when SLACK_CLIENT_ID and
    SLACK_CLIENT_SECRET are in the environment, and then drops the bot token. Single-workspace and
    sandbox modes take their token from Settings, so Bolt must not see those two while it is built."""
    names = ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET")
    with _ENV_LOCK:
        saved = {n: os.environ.pop(n) for n in names if n in os.environ}
        try:
            yield
        finally:
            os.environ.update(saved)


def make_client(settings: Settings, token: str | None = None) -> WebClient:
    client = WebClient(token=token or settings.slack_bot_token, base_url=settings.slack_api_url, timeout=30)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))
    return client


def build_app(settings: Settings, deps: Deps) -> App:
    common: dict[str, Any] = dict(
        name="dealbot",  # Bolt would otherwise find a name in inspect.stack(): 0.2 s at every start
        signing_secret=settings.slack_signing_secret or "",
        process_before_response=True,  # effects are done when the response leaves; slow work goes lazy
        request_verification_enabled=True,
        raise_error_for_unhandled_request=False,
        logger=logging.getLogger("slack_bolt"),
    )
    if deps.oauth is not None:  # OAuth: every setting passed explicitly, none read from the environment
        app = DealbotApp(
            client=deps.oauth.flow.client,
            oauth_flow=deps.oauth.flow,
            authorize=deps.oauth.authorize,
            installation_store=deps.oauth.installation_store,
            installation_store_bot_only=True,
            **common,
        )
        app.enable_token_revocation_listeners()  # app_uninstalled / tokens_revoked delete the installation
    else:
        with _without_oauth_environment():
            app = DealbotApp(client=make_client(settings), token_verification_enabled=True, **common)
        app.event(ids.EV_APP_UNINSTALLED)(_token_gone)
        app.event(ids.EV_TOKENS_REVOKED)(_token_gone)
    app.deps = deps
    middleware.register(app, deps)
    handlers.register_all(app, deps)
    return app
