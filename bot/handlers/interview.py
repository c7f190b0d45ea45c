"""Clicks on interview questions: answer, pick a date, skip, back, stop for now, change an answer."""

from __future__ import annotations

import logging
import re

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import ids
from bot.blocks.interview import change_picker, transcript_modal
from bot.deps import Deps
from bot.flows.errors import NotFound, row_id
from bot.flows.qualification import interview as qualification
from bot.flows.qualification import navigation as interview_nav
from bot.handlers.interview_send import send_step
from storage.db import read_scope, session_scope

log = logging.getLogger(__name__)


def _parts(value: str | None, n: int) -> list[str]:
    parts = (value or "").split(":", n - 1)
    if len(parts) != n:
        raise NotFound()
    return parts


def _clicked_ts(body: dict) -> str | None:
    """The clicked question message's ts; where messages go comes from the interview row (send_step)."""
    ts = (body.get("container") or {}).get("message_ts")
    return ts if isinstance(ts, str) else None


def register(app, deps: Deps) -> None:  # noqa: ANN001
    env = dict(settings=deps.settings, process=deps.process)  # what the flows that grade and emit read
    qset = deps.process.questions

    def run(body: dict, context: BoltContext, client: WebClient, fn) -> None:  # noqa: ANN001
        actor = context["actor"]
        with session_scope(deps.engine) as s:
            step = fn(s, actor, _clicked_ts(body))
        send_step(client, deps, actor, step)

    @app.action(re.compile(ids.Q_ANSWER_PATTERN))
    def on_answer_clicked(
        ack: Ack, action: dict, body: dict, context: BoltContext, client: WebClient
    ) -> None:
        ack()
        iid, key, opt = _parts(action.get("value"), 3)
        now = deps.clock.now()
        run(
            body,
            context,
            client,
            lambda s, a, ts: qualification.answer(s, a, iid, key, opt, now, message_ts=ts, **env),
        )

    @app.action(ids.ACT_Q_DATE)
    def on_date_picked(ack: Ack, action: dict, body: dict, context: BoltContext, client: WebClient) -> None:
        ack()
        _, iid, key = _parts(action.get("block_id"), 3)
        day, now = action.get("selected_date") or "", deps.clock.now()
        run(
            body,
            context,
            client,
            lambda s, a, ts: qualification.answer_date(s, a, iid, key, day, now, message_ts=ts, **env),
        )

    @app.action(ids.ACT_Q_SKIP)
    def on_skip_clicked(ack: Ack, action: dict, body: dict, context: BoltContext, client: WebClient) -> None:
        ack()
        iid, key = _parts(action.get("value"), 2)
        now = deps.clock.now()
        run(body, context, client, lambda s, a, ts: interview_nav.skip(s, a, iid, key, now, ts, **env))

    @app.action(ids.ACT_Q_BACK)
    def on_back_clicked(ack: Ack, action: dict, body: dict, context: BoltContext, client: WebClient) -> None:
        ack()
        iid, key = _parts(action.get("value"), 2)
        run(body, context, client, lambda s, a, ts: interview_nav.back(s, a, iid, key, ts, qset=qset))

    @app.action(ids.ACT_Q_MENU)
    def on_menu_chosen(ack: Ack, action: dict, body: dict, context: BoltContext, client: WebClient) -> None:
        ack()
        what, iid, _key = _parts((action.get("selected_option") or {}).get("value"), 3)
        if what == "stop":
            run(body, context, client, lambda s, a, ts: interview_nav.stop(s, a, iid, ts))
            return
        actor = context["actor"]
        with session_scope(deps.engine) as s:
            step, keys = interview_nav.answered_keys(s, actor, iid, qset=qset)
        if not keys:
            step.notes.append(("qualification.notes.no_answers", {}))
            send_step(client, deps, actor, step)
            return
        picker = change_picker(qset, step.interview_id, keys, actor.locale)
        with read_scope(deps.engine) as s:
            channel = interview_nav.interview_channel(s, actor, step.interview_id)
        client.chat_postMessage(channel=channel or actor.user_id, **picker)

    @app.action(ids.ACT_Q_CHANGE)
    def on_change_chosen(ack: Ack, action: dict, body: dict, context: BoltContext, client: WebClient) -> None:
        ack()
        iid, key = _parts((action.get("selected_option") or {}).get("value"), 2)
        actor = context["actor"]
        with read_scope(deps.engine) as s:
            channel, main = interview_nav.interview_message(s, actor, row_id(iid))
        run(body, context, client, lambda s, a, ts: interview_nav.change(s, a, iid, key, qset=qset))
        picker = _clicked_ts(body)
        clicked_in = (body.get("container") or {}).get("channel_id")
        if channel and picker and picker != main and clicked_in == channel:  # the picker, in the DM
            _tidy_away(client, channel, picker)

    @app.action(ids.ACT_Q_TRANSCRIPT)
    def on_transcript_clicked(
        ack: Ack, action: dict, body: dict, context: BoltContext, client: WebClient
    ) -> None:
        """The verdict's "Answers (n)": every answer of the interview, in a modal."""
        ack()
        actor = context["actor"]
        with read_scope(deps.engine) as s:
            deal, answers = qualification.transcript(s, actor, action.get("value"))
        view = transcript_modal(qset, deal.account, answers, actor.locale)
        client.views_open(trigger_id=body["trigger_id"], view=view)


def _tidy_away(client: WebClient, channel: str, ts: str) -> None:
    """Delete a message the bot posted in the interview's own DM (the change picker, once used)."""
    try:
        client.chat_delete(channel=channel, ts=ts)
    except SlackApiError as e:
        log.info("could not delete the change picker %s: %s", ts, e.response.get("error"))
