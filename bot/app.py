"""build_app(settings, deps) -> a Bolt App with every listener registered. Nothing runs at import."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot import handlers, middleware
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


def make_client(settings: Settings, token: str | None = None) -> WebClient:
    client = WebClient(token=token or settings.slack_bot_token, base_url=settings.slack_api_url, timeout=30)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))
    return client


def build_app(settings: Settings, deps: Deps) -> App:
    app = DealbotApp(
        client=make_client(settings),
        signing_secret=settings.slack_signing_secret or "",
        process_before_response=True,  # effects are done when the response leaves; slow work goes lazy
        request_verification_enabled=True,
        token_verification_enabled=True,
        raise_error_for_unhandled_request=False,
        logger=logging.getLogger("slack_bolt"),
    )
    app.deps = deps
    middleware.register(app, deps)
    handlers.register_all(app, deps)
    return app
