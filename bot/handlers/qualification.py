"""/deal new, /deal qualify, the register modal, Start/Redo buttons and the verdict card's own buttons."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import ids
from bot.blocks.deal_list import notice_message
from bot.blocks.interview import note_message, pick_list
from bot.blocks.register import register_modal, say
from bot.blocks.verdict import Chosen, verdict_message
from bot.deps import Deps
from bot.flows.errors import NotFound
from bot.flows.qualification import navigation as interview_nav
from bot.flows.qualification import registration, verdict_actions
from bot.flows.qualification.interview import start_or_resume, verdict_of
from bot.flows.team import access, team_config
from bot.flows.team.users import Actor
from bot.handlers._listeners import Click, card_action, guarded
from bot.handlers._views import read_register_draft
from bot.handlers.interview_send import send_step
from bot.handlers.router import CommandCall, deal_subcommand
from bot.i18n import t
from storage.db import read_scope, session_scope

log = logging.getLogger(__name__)
OPEN = ("open", "on_hold")


@deal_subcommand("new", "新建")
@guarded
def deal_new(call: CommandCall) -> None:
    with session_scope(call.deps.engine) as s:
        base = team_config(s, call.deps.settings, call.actor.team_id).base_currency
    draft = registration.draft_from_command(call.args, base)  # a name over the limit: refused, not cut
    call.ack()
    call.client.views_open(trigger_id=call.trigger_id, view=register_modal(draft, call.actor.locale))


@deal_subcommand("qualify", "审核")
def deal_qualify(call: CommandCall) -> None:
    actor, text = call.actor, call.args.strip()
    if not text:
        call.ack(text=t("qualification.pick.usage", actor.locale))
        return
    with session_scope(call.deps.engine) as s:
        found = [(d.id, f"*{d.account}* · {d.title}" if d.title else f"*{d.account}*")
                 for d in access.find_visible_deals(s, actor, text, statuses=OPEN)]  # fmt: skip
    if not found:
        call.ack(text=t("qualification.pick.none", actor.locale, text=text[:100]))
    elif len(found) > 1:
        call.ack(**pick_list(found, actor.locale))
    else:
        start(call.deps, call.client, actor, found[0][0], reply=call.ack)


def start(
    deps: Deps, client: WebClient, actor: Actor, deal_id: object, *, reply: Callable, redo: bool = False
) -> None:
    """Start, resume or redo the deal's interview in the DM; a finished one shows its verdict."""
    with session_scope(deps.engine) as s:
        step = start_or_resume(
            s, actor, deal_id, deps.clock.now(), redo=redo, settings=deps.settings, process=deps.process
        )
    if step.offer_redo and step.verdict:
        reply(
            **verdict_message(
                deps.process.questions,
                step.deal,
                step.verdict,
                step.interview_id,
                actor.locale,
                offer_redo=True,
            )
        )
        return
    reply(**note_message("qualification.notes.started", {"deal": step.deal.account}, actor.locale))
    send_step(client, deps, actor, step)


def register(app, deps: Deps) -> None:  # noqa: ANN001
    @app.view(ids.VIEW_DEAL_NEW)
    def on_register_submitted(ack: Ack, view: dict, context: BoltContext, client: WebClient) -> None:
        actor = context["actor"]
        draft = read_register_draft(view)
        try:
            with session_scope(deps.engine) as s:
                first = team_config(s, deps.settings, actor.team_id).stages.first.key
                step = registration.register(
                    s, actor, draft, deps.clock.now(), first, settings=deps.settings, process=deps.process
                )
        except registration.DraftErrors as e:
            errors = {b: say(msg, actor.locale) for b, msg in e.errors.items()}
            ack(response_action="errors", errors=errors)
            return
        ack()
        send_step(client, deps, actor, step)

    @app.action(ids.ACT_QUALIFY_START)
    def on_qualify_start(
        ack: Ack, action: dict, context: BoltContext, client: WebClient, respond: Respond
    ) -> None:
        ack()
        start(deps, client, context["actor"], action.get("value"), reply=_ephemeral(respond))

    @app.action(ids.ACT_QUALIFY_REDO)
    def on_qualify_redo(
        ack: Ack, action: dict, context: BoltContext, client: WebClient, respond: Respond
    ) -> None:
        ack()
        start(deps, client, context["actor"], action.get("value"), reply=_ephemeral(respond), redo=True)

    @app.action(ids.ACT_VERDICT_PURSUE)
    def on_pursue(
        ack: Ack, action: dict, body: dict, context: BoltContext, client: WebClient, respond: Respond
    ) -> None:
        ack()
        _verdict_done(
            deps, context["actor"], verdict_actions.pursue, action.get("value"), respond, body, client
        )

    @app.action(ids.ACT_CARD_FIND_OUT)
    @card_action(deps)
    def on_card_find_out(click: Click) -> None:
        """An item of the card's to-find-out checklist: ask it in the DM; the verdict follows the answer."""
        iid, _, key = ((click.action.get("selected_option") or {}).get("value") or "").partition(":")
        if not key:
            raise NotFound()
        with session_scope(deps.engine) as s:
            step = interview_nav.change(s, click.actor, iid, key, qset=deps.process.questions)
        send_step(click.client, deps, click.actor, step)
        q = deps.process.questions.get(key)
        name = q.short.get(click.actor.locale) if q else key
        click.show(notice_message(t("card.find_out_asked", click.actor.locale, question=name)))

    @app.action(ids.ACT_VERDICT_FIND_OUT)
    def on_find_out(
        ack: Ack, action: dict, body: dict, context: BoltContext, client: WebClient, respond: Respond
    ) -> None:
        ack()
        _verdict_done(
            deps, context["actor"], verdict_actions.find_out, action.get("value"), respond, body, client
        )

    @app.action(ids.ACT_VERDICT_LOWER)
    def on_keep_lower(
        ack: Ack, action: dict, body: dict, context: BoltContext, client: WebClient, respond: Respond
    ) -> None:
        ack()
        lower = functools.partial(verdict_actions.keep_lower, settings=deps.settings, process=deps.process)
        _verdict_done(deps, context["actor"], lower, action.get("value"), respond, body, client)


def _ephemeral(respond: Respond) -> Callable:
    def reply(**payload: object) -> None:
        respond(**payload, response_type="ephemeral", replace_original=False)

    return reply


def _verdict_done(
    deps: Deps, actor: Actor, fn: Callable, deal_id: object, respond: Respond, body: dict, client: WebClient
) -> None:
    """A verdict choice: done, then the verdict clicked shows what was chosen, by whom and when, in
    place of its buttons (the interview's own message, or the ephemeral verdict clicked)."""
    if deal_id is None:
        raise NotFound()
    with session_scope(deps.engine) as s:
        done = fn(s, actor, deal_id, deps.clock.now())
    text = t(f"qualification.verdict.done.{done.what}", actor.locale, deal=done.account)
    if done.flagged:
        text += " " + t("qualification.verdict.done.flagged", actor.locale)
    chosen = Chosen(done.what, actor.user_id, deps.clock.now(), tz=actor.tz, detail=text)
    settled = settle_verdict(deps, client, actor, done.deal_id, chosen, body=body, respond=respond)
    if settled and settled == (body.get("container") or {}).get("message_ts"):
        return
    respond(text=text, response_type="ephemeral", replace_original=False)


def settle_verdict_clicked(
    deps: Deps, client: WebClient, actor: Actor, deal_id: object, chosen: Chosen, origin: object
) -> object:
    """When a dialog was opened from the deal's verdict (its row's message), settle the verdict with
    what was done and return None (the card follows as a new message); else return ``origin``."""
    with read_scope(deps.engine) as s:
        shown = verdict_of(s, actor, deal_id, deps.clock.now(), settings=deps.settings, process=deps.process)
    if shown is None or not shown.ts or not isinstance(origin, dict) or origin.get("ts") != shown.ts:
        return origin
    settle_verdict(deps, client, actor, deal_id, chosen)
    return None


def settle_verdict(
    deps: Deps,
    client: WebClient,
    actor: Actor,
    deal_id: object,
    chosen: Chosen,
    *,
    body: dict | None = None,
    respond: Respond | None = None,
) -> str | None:
    """Replace the deal's verdict buttons with what was chosen: the ephemeral verdict the click came
    from (through its response_url), else the interview's own DM message (from its row). Returns the
    ts of the message settled, None when there was none."""
    with read_scope(deps.engine) as s:
        shown = verdict_of(s, actor, deal_id, deps.clock.now(), settings=deps.settings, process=deps.process)
    if shown is None:
        return None
    step = shown.step
    payload = verdict_message(deps.process.questions, step.deal, step.verdict, step.interview_id,
                              actor.locale, answers=len(step.transcript), chosen=chosen)  # fmt: skip
    container = (body or {}).get("container") or {}
    if respond is not None and container.get("is_ephemeral"):
        respond(**payload, response_type="ephemeral", replace_original=True)
        return container.get("message_ts")
    if not (shown.channel and shown.ts):
        return None
    try:
        client.chat_update(channel=shown.channel, ts=shown.ts, **payload)
    except SlackApiError as e:
        log.info("could not settle the verdict %s: %s", shown.ts, e.response.get("error"))
        return None
    return shown.ts
