"""Show an interview step in the rep's DM. The interview is ONE message, updated in place: it asks each
question in turn with the answers so far folded above it, and becomes the verdict when it ends
(UX.md "Clean up after yourself"). Where it is comes from the interview row, never from a payload."""

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
from bot.i18n import t
from storage.db import read_scope, session_scope

log = logging.getLogger(__name__)
RESUMABLE = ("qualification.notes.paused",)


def _update(client: WebClient, channel: str, ts: str, payload: dict) -> bool:
    try:
        client.chat_update(channel=channel, ts=ts, **payload)
        return True
    except SlackApiError as e:  # the old message is gone: nothing to tidy
        log.info("could not update interview message %s: %s", ts, e.response.get("error"))
        return False


def _delete(client: WebClient, channel: str, ts: str) -> None:
    try:
        client.chat_delete(channel=channel, ts=ts)
    except SlackApiError as e:
        log.info("could not delete interview message %s: %s", ts, e.response.get("error"))


def _main_payload(deps: Deps, actor: Actor, step: Step, notes: tuple[str, ...]) -> dict | None:
    """The interview's message for this step: the question being asked, or the verdict."""
    qset, loc = deps.process.questions, actor.locale
    if step.ask:
        return question_message(qset, step.ask, step.interview_id, step.deal.account, loc,
                                transcript=step.transcript, notes=notes)  # fmt: skip
    if step.verdict:
        return verdict_message(qset, step.deal, step.verdict, step.interview_id, loc,
                               offer_redo=step.offer_redo, answers=len(step.transcript))  # fmt: skip
    if step.notes and step.notes[0][0] in RESUMABLE and step.message_ts:
        key, values = step.notes[0]
        return note_message(key, values, loc, resume_deal_id=step.deal.id)
    return None


def send_step(client: WebClient, deps: Deps, actor: Actor, step: Step) -> None:
    """Update the interview's message in its own DM (stored with the interview), else post it in the
    actor's DM: never in a channel a payload names."""
    qset, loc = deps.process.questions, actor.locale
    with read_scope(deps.engine) as s:
        ch = interview_nav.interview_channel(s, actor, step.interview_id) or actor.user_id
    main = step.message_ts
    # an answer or marker on an older message (one posted before the interview was one message)
    if step.marker and step.marker[0] and step.marker[0] != main:
        _update(client, ch, step.marker[0], marker_message(step.marker[1], loc))
    if step.answered and step.answered.ts and step.answered.ts != main:
        _update(client, ch, step.answered.ts, answered_message(qset, step.answered, loc))
    if step.reask:
        client.chat_postMessage(channel=ch, **reask_message(qset.get(step.reask[0]), step.reask[1], loc))
    inline = bool(step.ask or step.verdict)
    payload = _main_payload(deps, actor, step, tuple(t(k, loc, **v) for k, v in step.notes) if inline else ())
    if payload is None:
        for key, values in step.notes:
            resume = step.deal.id if key in RESUMABLE else None
            client.chat_postMessage(channel=ch, **note_message(key, values, loc, resume_deal_id=resume))
        return
    if main and step.repost and inline:
        _delete(client, ch, main)  # moved below the typed answer, the picker or the card
    elif main and _update(client, ch, main, payload):
        return
    posted = client.chat_postMessage(channel=ch, **payload)
    if inline:
        with session_scope(deps.engine) as s:
            key = step.ask.key if step.ask else None
            interview_nav.mark_posted(s, actor, step.interview_id, key, posted["ts"], posted["channel"])
