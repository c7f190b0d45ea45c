"""The one error handler: log with the traceback, tell the user in their language, never a traceback."""

from __future__ import annotations

import logging

from slack_bolt import BoltContext, BoltResponse
from slack_sdk import WebClient

from bot.deps import Deps
from bot.flows.errors import DomainError
from bot.i18n import t
from bot.middleware import CLAIMED_EVENT
from storage.db import session_scope
from storage.repo import events as event_repo

log = logging.getLogger(__name__)


def register(app, deps: Deps) -> None:  # noqa: ANN001
    @app.error
    def on_error(
        error: Exception, body: dict, context: BoltContext, client: WebClient
    ) -> BoltResponse | None:
        actor = context.get("actor")
        locale = actor.locale if actor else deps.settings.dealbot_locale
        expected = isinstance(error, DomainError)
        if expected:
            text = t(error.key, locale, **error.values)
        else:
            log.exception("unhandled error in a listener", exc_info=error)
            text = t("errors.generic", locale)
        if first_telling(deps, context):
            tell_user(client, context, body, text)
        return answer_after_error(body, expected)


def first_telling(deps: Deps, context: BoltContext) -> bool:
    """An event Slack delivers again after a failure tells the user once, not once per retry."""
    event_id = context.get(CLAIMED_EVENT)
    if not event_id:
        return True
    with session_scope(deps.engine) as s:
        first = event_repo.mark_told(s, event_id=event_id, now=deps.clock.now())
    if not first:
        log.info("event %s failed again; the user was already told", event_id)
    return first


def answer_after_error(body: dict, expected: bool) -> BoltResponse | None:
    """What Slack gets once the user has been told. None keeps Bolt's 500: an event that failed
    unexpectedly is retried by Slack (and run again, see DealbotApp.dispatch); a modal submission
    stays open. Otherwise 200, so Slack does not add its own "failed" notice to ours."""
    kind = body.get("type")
    if not expected and kind in ("event_callback", "view_submission"):
        return None
    return BoltResponse(status=200, body="")


def tell_user(client: WebClient, context: BoltContext, body: dict, text: str) -> None:
    try:
        if context.get("respond") and (body.get("response_url") or body.get("response_urls")):
            context["respond"](text=text, response_type="ephemeral", replace_original=False)
        elif context.user_id:
            client.chat_postMessage(channel=context.user_id, text=text)
    except Exception:  # the user can't be told; the log above has the cause
        log.warning("could not tell %s about an error", context.user_id, exc_info=True)
