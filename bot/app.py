"""build_app(settings, deps) -> a Bolt App with every listener registered. Nothing runs at import."""

from __future__ import annotations

import logging

from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot import handlers, middleware
from bot.config import Settings
from bot.deps import Deps

log = logging.getLogger(__name__)


class DealbotApp(App):
    """Bolt's App, plus: an event whose listeners failed is released so Slack's retry runs it again."""

    deps: Deps

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
