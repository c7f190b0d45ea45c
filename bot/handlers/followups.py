"""Nudge buttons, the check-in modal, `/deal checkin <deal>` and `/deal away <from> <to>`."""

from __future__ import annotations

import logging
import re
from datetime import date, timedelta

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot import ids
from bot.blocks.checkin import checkin_modal, pick_deal_message, text_reply
from bot.blocks.nudges import deal_name, settled_message, slack_time
from bot.blocks.verdict import when_text
from bot.deps import Deps
from bot.flows.errors import BadInput, StaleCard
from bot.flows.followups import answers as flow
from bot.flows.pipeline import contact
from bot.flows.pipeline.stage import parse_metadata
from bot.flows.team.access import find_visible_deals, load_deal
from bot.flows.team.config import team_config
from bot.handlers import _deal_ui as ui
from bot.handlers._views import read_checkin
from bot.handlers.qualification import start as start_interview
from bot.handlers.router import CommandCall, deal_subcommand
from bot.i18n import t
from bot.i18n.format import format_date, format_date_range, join_list
from storage.db import read_scope, session_scope

log = logging.getLogger(__name__)
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _origin(body: dict) -> dict | None:
    """The message a click came from, as the payload says: a hint only, used once it matches a nudge's
    own message (``deal_nudge_messages``), never as a target on its own."""
    c = body.get("container") or {}
    if c.get("type") == "message" and not c.get("is_ephemeral"):
        return {"channel": c.get("channel_id"), "ts": c.get("message_ts")}
    return None


def _update(client: WebClient, spots: list[dict], payload: dict) -> None:
    """Settle the given messages (each taken from a nudge row)."""
    for where in spots:
        try:
            client.chat_update(
                channel=where["channel"], ts=where["ts"], text=payload["text"], blocks=payload["blocks"]
            )
        except Exception as e:  # the answer is stored; a message we cannot tidy is only cosmetic
            log.info("could not update %s: %s", where, e)


def _settled(actor, deps: Deps, text: str) -> dict:  # noqa: ANN001
    """A nudge after its answer: what was chosen, and by whom and when (in each reader's zone)."""
    by = t("followups.done.by", actor.locale, who=f"<@{actor.user_id}>",
           when=when_text(deps.clock.now(), actor.tz, actor.locale))  # fmt: skip
    return settled_message(text, context=by)


def open_checkin(deps: Deps, client: WebClient, actor, deal_id, trigger_id: str, origin: dict | None) -> None:  # noqa: ANN001
    with read_scope(deps.engine) as s:
        deal = load_deal(s, actor, deal_id, edit=True)
        is_open, found, name = deal.status == "open", deal.id, deal_name(deal.account, deal.title)
    if not is_open:
        raise StaleCard()
    view = checkin_modal(deal_id=found, deal_name=name, locale=actor.locale, origin=origin)
    client.views_open(trigger_id=trigger_id, view=view)


def register(app, deps: Deps) -> None:  # noqa: ANN001
    @app.action(ids.ACT_CHECKIN_OPEN)
    def on_checkin_open(ack: Ack, body: dict, context: BoltContext, client: WebClient) -> None:
        ack()
        value = body["actions"][0].get("value")
        open_checkin(deps, client, context["actor"], value, body["trigger_id"], _origin(body))

    @app.view(ids.VIEW_CHECKIN)
    def on_checkin_submit(ack: Ack, body: dict, view: dict, context: BoltContext, client: WebClient) -> None:
        actor = context["actor"]
        form = flow.CheckinForm(**read_checkin(view))
        errors = flow.validate_checkin(form, flow.local_today(actor, deps.clock.now()))
        if errors:
            ack(response_action="errors", errors={k: t(v, actor.locale) for k, v in errors.items()})
            return
        ack()
        meta = parse_metadata(view.get("private_metadata"))
        with session_scope(deps.engine) as s:
            deal, answered = flow.record_checkin(
                s, deps.settings, actor, meta.get("deal"), form, deps.clock.now(), process=deps.process
            )
            spots = flow.messages_of(answered)
            origin = meta.get("origin")  # the nudge message it was opened from, if it is one of the deal's
            if origin not in spots and origin in flow.deal_nudge_messages(s, actor, deal.id):
                spots.append(origin)
        name = deal_name(deal.account, deal.title)
        done = _settled(
            actor, deps, t("followups.done.checkin", actor.locale, deal=name, what=form.done_text[:300])
        )
        _update(client, spots, done)
        saved = t("followups.checkin.saved", actor.locale, deal=name)
        card = origin and origin not in spots and ui.card_payload(deps, actor, deal.id, saved)
        if card and ui.update_own_dm(client, actor, origin, card):
            pass  # opened from a deal card in the actor's own DM: that card now shows the check-in
        elif not spots:
            client.chat_postMessage(channel=actor.user_id, text=saved)

    def snoozer(days: int):  # noqa: ANN202
        def on_snooze(ack: Ack, body: dict, context: BoltContext, client: WebClient) -> None:
            ack()
            actor = context["actor"]
            with session_scope(deps.engine) as s:
                n = flow.snooze(
                    s, deps.settings, actor, body["actions"][0].get("value"), days, deps.clock.now()
                )
                deal = load_deal(s, actor, n.deal_id)
                spots = flow.messages_of([n])
            text = t("followups.done.snoozed", actor.locale, deal=deal_name(deal.account, deal.title),
                     when=slack_time(n.send_after, actor.locale))  # fmt: skip
            _update(client, spots, _settled(actor, deps, text))

        return on_snooze

    app.action(ids.ACT_NUDGE_SNOOZE_DAY)(snoozer(1))
    app.action(ids.ACT_NUDGE_SNOOZE_WEEK)(snoozer(7))

    @app.action(ids.ACT_NUDGE_KEEP)
    def on_keep(ack: Ack, body: dict, context: BoltContext, client: WebClient) -> None:
        ack()
        actor = context["actor"]
        value = body["actions"][0].get("value")
        with session_scope(deps.engine) as s:
            deal = flow.keep(s, deps.settings, actor, value, deps.clock.now())
            spots = flow.nudge_messages(s, actor, value)
        text = t("followups.done.keep", actor.locale, deal=deal_name(deal.account, deal.title))
        _update(client, spots, _settled(actor, deps, text))

    @app.action(ids.ACT_NUDGE_DOWNGRADE)
    def on_downgrade(ack: Ack, body: dict, context: BoltContext, client: WebClient) -> None:
        ack()
        actor = context["actor"]
        value = body["actions"][0].get("value")
        with session_scope(deps.engine) as s:
            deal, old, new = flow.downgrade(
                s, deps.settings, actor, value, deps.clock.now(), process=deps.process
            )
            spots = flow.nudge_messages(s, actor, value)
        text = t("followups.done.downgrade", actor.locale, deal=deal_name(deal.account, deal.title),
                 old=old or "—", new=new)  # fmt: skip
        _update(client, spots, _settled(actor, deps, text))

    def settler(decide, key: str):  # noqa: ANN001, ANN202
        """A day-30 or wake-up answer that settles its nudge: the flow decides, the DM says what was done."""

        def on_settle(ack: Ack, body: dict, context: BoltContext, client: WebClient) -> None:
            ack()
            actor = context["actor"]
            value = body["actions"][0].get("value")
            with session_scope(deps.engine) as s:
                deal = decide(s, deps.settings, actor, value, deps.clock.now(), process=deps.process)
                spots = flow.nudge_messages(s, actor, value)
            text = t(key, actor.locale, deal=deal_name(deal.account, deal.title))
            _update(client, spots, _settled(actor, deps, text))

        return on_settle

    app.action(ids.ACT_NUDGE_LOWER)(settler(flow.lower_contact_from_day30, "followups.done.lower"))
    app.action(ids.ACT_NUDGE_RESUME)(settler(flow.resume_from_hold, "followups.done.resume"))

    # -- a lower-contact deal's light touch (SPEC §3.3)
    @app.action(ids.ACT_TOUCH_STILL_LOW)
    def on_still_low(ack: Ack, body: dict, context: BoltContext, client: WebClient) -> None:
        ack()
        actor, now = context["actor"], deps.clock.now()
        value = body["actions"][0].get("value")
        with session_scope(deps.engine) as s:
            done = contact.still_low(s, deps.settings, actor, value, now, process=deps.process)
            days = team_config(s, deps.settings, actor.team_id).low_contact_days
            spots = flow.nudge_messages(s, actor, value)
        when = format_date(flow.local_today(actor, now) + timedelta(days=days), actor.locale)
        text = t("followups.done.still_low", actor.locale, deal=done.account, date=when)
        _update(client, spots, _settled(actor, deps, text))

    @app.action(ids.ACT_TOUCH_REQUALIFY)
    def on_requalify(ack: Ack, body: dict, context: BoltContext, client: WebClient, respond: Respond) -> None:
        ack()
        actor = context["actor"]
        value = body["actions"][0].get("value")
        with session_scope(deps.engine) as s:
            done = contact.requalify(s, deps.settings, actor, value, deps.clock.now(), process=deps.process)
            spots = flow.nudge_messages(s, actor, value)
        _update(
            client,
            spots,
            _settled(actor, deps, t("followups.done.requalify", actor.locale, deal=done.account)),
        )
        start_interview(
            deps,
            client,
            actor,
            done.deal_id,
            redo=True,
            reply=lambda **p: respond(**p, response_type="ephemeral", replace_original=False),
        )


@deal_subcommand("checkin", "跟进")
def deal_checkin(call: CommandCall) -> None:
    actor, lc = call.actor, call.actor.locale
    if not call.args.strip():
        call.ack(**text_reply(t("followups.checkin.usage", lc)))
        return
    with read_scope(call.deps.engine) as s:
        deals = [
            (d.id, deal_name(d.account, d.title))
            for d in find_visible_deals(s, actor, call.args, statuses=("open",))
        ]
    if not deals:
        call.ack(**text_reply(t("errors.not_found", lc)))
    elif len(deals) > 1:
        call.ack(**pick_deal_message(deals, lc))
    else:
        call.ack()
        open_checkin(call.deps, call.client, actor, deals[0][0], call.trigger_id, None)


@deal_subcommand("away", "休假")
def deal_away(call: CommandCall) -> None:
    actor, lc, deps = call.actor, call.actor.locale, call.deps
    words = call.args.split()
    now = deps.clock.now()
    if words and words[0].lower() in ("off", "clear", "none", "取消"):
        with session_scope(deps.engine) as s:
            count = flow.clear_away(s, deps.settings, actor, now)
        call.ack(**text_reply(t("followups.away.cleared", lc, count=count)))
        return
    if not words:
        with read_scope(deps.engine) as s:
            spans = [(v.starts_on, v.ends_on) for v in flow.list_away(s, actor, now)]
        if not spans:
            call.ack(**text_reply(t("followups.away.none", lc)))
            return
        listed = join_list((format_date_range(a, b, lc) for a, b in spans), lc)
        call.ack(**text_reply(t("followups.away.list", lc, spans=listed)))
        return
    try:
        if len(words) > 2 or not all(DATE.fullmatch(w) for w in words):
            raise ValueError
        start = date.fromisoformat(words[0])
        end = date.fromisoformat(words[-1])
    except ValueError:
        call.ack(**text_reply(t("followups.away.usage", lc)))
        return
    try:
        with session_scope(deps.engine) as s:
            flow.set_away(s, deps.settings, actor, start, end, now)
    except BadInput as e:
        call.ack(**text_reply(t(e.key, lc)))
        return
    call.ack(
        **text_reply(t("followups.away.set", lc, start=format_date(start, lc), end=format_date(end, lc)))
    )
