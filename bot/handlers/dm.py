"""Typed DM text: goes to the rep's active interview when there is one, else a short hint (the first
time, the first-run welcome instead)."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.blocks.home import welcome_message
from bot.deps import Deps
from bot.flows.qualification import interview as qualification
from bot.flows.team.first_run import claim_welcome
from bot.flows.team.users import Actor
from bot.handlers.interview_send import send_step
from bot.i18n import t
from storage.db import session_scope


def on_text(deps: Deps, actor: Actor, event: dict, client: WebClient) -> None:
    with session_scope(deps.engine) as s:
        step = qualification.answer_typed(
            s, actor, event.get("text") or "", deps.clock.now(), settings=deps.settings, process=deps.process
        )
        first = step is None and claim_welcome(s, actor, deps.clock.now())
    if first:  # a person's first DM to dealbot: the welcome says what it does and how to start
        client.chat_postMessage(channel=actor.user_id, **welcome_message(actor.locale))
        return
    if step is None:
        client.chat_postMessage(channel=actor.user_id, text=t("qualification.no_interview", actor.locale))
        return
    send_step(client, deps, actor, step)
