"""The weekly review: `/funnel review [@rep]`, a rep's review opened from the weekly DM or App Home (in
pages), a deal's menu (comment, ask for a check-in, agree with or challenge a verdict or a day-30
judgement), the note modals, and the rep's answer — each said to the other side in a DM."""

from __future__ import annotations

import json
import logging

from bot import ids
from bot.blocks.nudges import deal_name
from bot.blocks.review import (
    TEXT_FIELD,
    note_modal,
    note_to_rep,
    reply_modal,
    reply_to_manager,
    review_message,
)
from bot.deps import Deps
from bot.flows import review as flow
from bot.flows.errors import BadInput, NotFound, row_id
from bot.flows.review.view import require_reader, reviewable_reps, user_locale
from bot.flows.team.access import load_deal
from bot.flows.team.config import team_config
from bot.flows.team.mentions import take_mention
from bot.handlers._listeners import Click, Submission, card_action, guarded, view_submission
from bot.handlers.router import CommandCall, funnel_subcommand
from bot.i18n import t
from storage.db import read_scope, session_scope
from storage.repo import review as repo

log = logging.getLogger(__name__)
MENU_NOTES = {"comment": ("comment", "deal"), "challenge_verdict": ("challenge", "verdict"),
              "challenge_judgement": ("challenge", "judgement")}  # fmt: skip
MENU_AGREE = {"agree_verdict": "verdict", "agree_judgement": "judgement"}


def review_payload(deps: Deps, actor, rep_id: str, page: int = 0) -> dict:  # noqa: ANN001
    """A rep's review as the reader opens it (recorded: reviewed, not just posted)."""
    with session_scope(deps.engine) as s:
        cfg = team_config(s, deps.settings, actor.team_id)
        review = flow.open_review(s, actor, rep_id, now=deps.clock.now(), zone=cfg.zone)
    return review_message(review, cfg.stages, actor.locale, page=page)


@funnel_subcommand("review", "周例会", "过漏斗")
@guarded
def show_review(call: CommandCall) -> None:
    """`/funnel review @rep` (a manager's only rep may be left out): that rep's review, ephemeral."""
    mention, _ = take_mention(call.args)
    with read_scope(call.deps.engine) as s:
        reps = reviewable_reps(s, call.actor)
    if mention is not None:
        rep_id = mention.user_id
    elif len(reps) == 1:
        rep_id = reps[0]
    else:
        raise BadInput("review.errors.usage")
    call.ack(**review_payload(call.deps, call.actor, rep_id))


def _dm(client, user_id: str, payload: dict) -> None:  # noqa: ANN001
    client.chat_postMessage(channel=user_id, **payload)


def register(app, deps: Deps) -> None:  # noqa: ANN001
    @app.action(ids.ACT_REVIEW_OPEN)
    @card_action(deps)
    def on_open(click: Click) -> None:
        rep_id, _, page = str(click.action.get("value") or "").partition(":")
        payload = review_payload(deps, click.actor, rep_id, int(page) if page.isdigit() else 0)
        container = click.body.get("container") or {}
        if container.get("type") == "message" and container.get("is_ephemeral"):
            click.show(payload, replace=True)
        else:
            _dm(click.client, click.actor.user_id, payload)

    @app.action(ids.ACT_REVIEW_MENU)
    @card_action(deps)
    def on_menu(click: Click) -> None:
        value = str((click.action.get("selected_option") or {}).get("value") or "")
        act, _, deal_id = value.partition(":")
        actor, now = click.actor, deps.clock.now()
        if act in MENU_NOTES:
            kind, target = MENU_NOTES[act]
            with read_scope(deps.engine) as s:
                deal = load_deal(s, actor, deal_id)
                require_reader(s, actor, deal.owner_id)
                name, found = deal_name(deal.account, deal.title), deal.id
            click.open(note_modal(found, kind, target, name, actor.locale))
            return
        with session_scope(deps.engine) as s:
            if act == "checkin":
                said = flow.ask_checkin(s, deps.settings, actor, deal_id, now=now)
            elif act in MENU_AGREE:
                said = flow.agree(s, actor, deal_id, MENU_AGREE[act], now=now)
            else:
                raise NotFound()
            rep_locale = user_locale(s, deps.settings, actor.team_id, said.to)
            note, name = said.note, deal_name(said.deal.account, said.deal.title)
            to, note_id, did, target = said.to, note.id, said.deal.id, note.target
        if act in MENU_AGREE:
            _dm(
                click.client,
                to,
                note_to_rep("agree", target, note_id, did, name, actor.user_id, "", rep_locale),
            )
        done = t(
            "review.done.checkin" if act == "checkin" else "review.done.agree", actor.locale, rep=f"<@{to}>"
        )
        click.client.chat_postMessage(channel=actor.user_id, text=done)

    @app.view(ids.VIEW_REVIEW_NOTE)
    @view_submission(deps, {TEXT_FIELD})
    def on_note(sub: Submission) -> None:
        meta = json.loads(sub.view.get("private_metadata") or "{}")
        text = sub.values.get(TEXT_FIELD)
        actor, now = sub.actor, deps.clock.now()
        with session_scope(deps.engine) as s:
            if meta.get("k") == "challenge":
                said = flow.challenge(s, actor, meta.get("d"), str(meta.get("t")), text, now=now)
            else:
                said = flow.comment(s, actor, meta.get("d"), text, now=now)
            rep_locale = user_locale(s, deps.settings, actor.team_id, said.to)
            n, name, to, did = said.note, deal_name(said.deal.account, said.deal.title), said.to, said.deal.id
            kind, target, note_id, body = n.kind, n.target, n.id, n.body
        sub.ack()
        _dm(sub.client, to, note_to_rep(kind, target, note_id, did, name, actor.user_id, body, rep_locale))
        sub.client.chat_postMessage(
            channel=actor.user_id, text=t(f"review.done.{kind}", actor.locale, rep=f"<@{to}>")
        )

    @app.action(ids.ACT_REVIEW_REPLY)
    @card_action(deps)
    def on_reply_open(click: Click) -> None:
        with read_scope(deps.engine) as s:
            note = repo.get_note(s, team_id=click.actor.team_id, note_id=row_id(click.action.get("value")))
            if note is None or note.rep_id != click.actor.user_id:
                raise NotFound()
            note_id, kind, body = note.id, note.kind, note.body
        click.open(reply_modal(note_id, kind, body, click.actor.locale))

    @app.view(ids.VIEW_REVIEW_REPLY)
    @view_submission(deps, {TEXT_FIELD})
    def on_reply(sub: Submission) -> None:
        meta = json.loads(sub.view.get("private_metadata") or "{}")
        actor, now = sub.actor, deps.clock.now()
        with session_scope(deps.engine) as s:
            said = flow.reply(s, actor, meta.get("n"), sub.values.get(TEXT_FIELD), now=now)
            locale = user_locale(s, deps.settings, actor.team_id, said.to)
            n, name, to, did = said.note, deal_name(said.deal.account, said.deal.title), said.to, said.deal.id
            kind, body, answer = n.kind, n.body, n.reply
        sub.ack()
        _dm(sub.client, to, reply_to_manager(kind, actor.user_id, name, body, answer or "", did, locale))
        sub.client.chat_postMessage(
            channel=actor.user_id, text=t("review.done.reply", actor.locale, who=f"<@{to}>")
        )
