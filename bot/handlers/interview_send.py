"""Show an interview step in the rep's DM: tidy the answered message, then post what comes next."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.interview import (
    answered_message,
    marker_message,
    note_message,
    question_message,
    reask_message,
)
from bot.blocks.verdict import verdict_message
from bot.deps import Deps
from bot.flows.qualification import navigation as interview_nav
from bot.flows.qualification.interview import Step
from bot.flows.team.users import Actor
from storage.db import read_scope, session_scope

log = logging.getLogger(__name__)
RESUMABLE = ("qualification.notes.paused",)


def _update(client: WebClient, channel: str, ts: str, payload: dict) -> None:
    try:
        client.chat_update(channel=channel, ts=ts, **payload)
    except SlackApiError as e:  # the old message is gone: nothing to tidy
        log.info("could not update interview message %s: %s", ts, e.response.get("error"))


def send_step(client: WebClient, deps: Deps, actor: Actor, step: Step) -> None:
    """Post and update in the interview's own DM (stored with the interview), else the actor's DM:
    never in a channel a payload names."""
    qset, loc = deps.process.questions, actor.locale
    with read_scope(deps.engine) as s:
        ch = interview_nav.interview_channel(s, actor, step.interview_id) or actor.user_id
    if step.marker and step.marker[0]:
        _update(client, ch, step.marker[0], marker_message(step.marker[1], loc))
    if step.answered and step.answered.ts:
        _update(client, ch, step.answered.ts, answered_message(qset, step.answered, loc))
    if step.reask:
        client.chat_postMessage(channel=ch, **reask_message(qset.get(step.reask[0]), step.reask[1], loc))
    for key, values in step.notes:
        resume = step.deal.id if key in RESUMABLE else None
        client.chat_postMessage(channel=ch, **note_message(key, values, loc, resume_deal_id=resume))
    if step.ask:
        posted = client.chat_postMessage(
            channel=ch, **question_message(qset, step.ask, step.interview_id, step.deal.account, loc)
        )
        with session_scope(deps.engine) as s:
            interview_nav.mark_posted(
                s, actor, step.interview_id, step.ask.key, posted["ts"], posted["channel"]
            )
    if step.verdict:
        client.chat_postMessage(
            channel=ch,
            **verdict_message(
                qset, step.deal, step.verdict, step.interview_id, loc, offer_redo=step.offer_redo
            ),
        )
