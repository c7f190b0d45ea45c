"""Helpers shared by the pipeline's handlers: find the deal a command names, show a card or a notice.
How a listener turns a refusal into what the user sees is in ``bot.handlers._listeners``."""

from __future__ import annotations

import logging
from datetime import date

from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot.blocks.deal_card import deal_card_message
from bot.blocks.deal_list import pick_list_message
from bot.blocks.modals import modal
from bot.deps import Deps
from bot.flows.errors import DomainError, NotFound
from bot.flows.funnel.weighting import current_period
from bot.flows.pipeline.status import card_of, deal_card, summarize
from bot.flows.team.access import find_visible_deals
from bot.flows.team.config import TeamConfig, effective_pass_line, team_config
from bot.flows.team.users import Actor
from bot.handlers.router import CommandCall
from bot.i18n import t
from bot.process.schema import StageSet
from storage.db import read_scope

log = logging.getLogger(__name__)


def config(deps: Deps, session: Session, team_id: str) -> TeamConfig:
    return team_config(session, deps.settings, team_id)


def team_today(deps: Deps, cfg: TeamConfig) -> date:
    return deps.clock.now().astimezone(cfg.zone).date()


def pass_line(deps: Deps, cfg: TeamConfig) -> int:
    return effective_pass_line(cfg, deps.process.questions)


def text_of(error: DomainError, locale: str) -> str:
    return t(error.key, locale, **error.values)


def find_one(call: CommandCall, action_id: str) -> int | None:
    """The deal the command's text names, among those the caller may see; otherwise reply and None."""
    query = call.args.strip()
    locale = call.actor.locale
    if not query:
        call.ack(text=t("list.usage", locale, word=call.word))
        return None
    with read_scope(call.deps.engine) as s:
        deals = find_visible_deals(s, call.actor, query)
        if len(deals) == 1:
            return deals[0].id
        if not deals:
            call.ack(text=text_of(NotFound(), locale))
            return None
        stages = config(call.deps, s, call.actor.team_id).stages
        now = call.deps.clock.now()
        summaries = [summarize(d, stages, now, []) for d in deals]
    call.ack(**pick_list_message(summaries, locale, action_id, query))
    return None


def card_payload(deps: Deps, actor: Actor, deal_id: object, notice: str | None = None) -> dict:
    with read_scope(deps.engine) as s:
        cfg, now = config(deps, s, actor.team_id), deps.clock.now()
        card = deal_card(s, actor, cfg.stages, deal_id, now=now, questions=deps.process.questions,
                         period=current_period(cfg, now).key, today=team_today(deps, cfg),
                         pass_line=pass_line(deps, cfg))  # fmt: skip
    return deal_card_message(card, actor.locale, notice)


def fresh_card_for(deps: Deps, session: Session, actor: Actor, stages: StageSet, deal) -> dict:  # noqa: ANN001
    now = deps.clock.now()
    cfg = config(deps, session, actor.team_id)
    card = card_of(session, deal, stages, now, questions=deps.process.questions, period=current_period(cfg, now).key,
                   today=team_today(deps, cfg), pass_line=pass_line(deps, cfg))  # fmt: skip
    return deal_card_message(card, actor.locale)


def post_to_user(client, actor: Actor, payload: dict) -> None:  # noqa: ANN001
    client.chat_postMessage(channel=actor.user_id, **payload)


CARD_BLOCKS = ("card_", "ladder_", "customer_", "verdict:")  # a deal card's (or verdict's) own blocks


def origin_of(body: dict) -> dict | None:
    """The (non-ephemeral) deal card or verdict a click came from, as the payload says: ``{"channel",
    "ts"}`` (a click on a nudge or anything else: None, that message keeps its own way of settling).
    A hint only: ``own_dm_message`` decides whether it may be updated."""
    c = body.get("container") or {}
    channel, ts = c.get("channel_id"), c.get("message_ts")
    block = ((body.get("actions") or [{}])[0] or {}).get("block_id")
    if not (isinstance(block, str) and block.startswith(CARD_BLOCKS)):
        return None
    if (
        c.get("type") == "message"
        and not c.get("is_ephemeral")
        and isinstance(channel, str)
        and isinstance(ts, str)
    ):
        return {"channel": channel, "ts": ts}
    return None


def own_dm_message(client, actor: Actor, origin: object) -> dict | None:  # noqa: ANN001
    """``origin`` when it is a message in the actor's own DM with the bot (as conversations.open tells),
    else None: a message a payload names is never updated anywhere else."""
    if not isinstance(origin, dict):
        return None
    channel, ts = origin.get("channel"), origin.get("ts")
    if not (isinstance(channel, str) and isinstance(ts, str)):
        return None
    try:
        dm = client.conversations_open(users=actor.user_id)["channel"]["id"]
    except SlackApiError as e:
        log.info("could not open the DM of %s: %s", actor.user_id, e.response.get("error"))
        return None
    return {"channel": channel, "ts": ts} if channel == dm else None


def update_own_dm(client, actor: Actor, origin: object, payload: dict) -> bool:  # noqa: ANN001
    """Update the clicked message in place when it is in the actor's own DM; False when it is not
    (or is gone), and the caller shows the payload another way."""
    target = own_dm_message(client, actor, origin)
    if target is None:
        return False
    try:
        client.chat_update(channel=target["channel"], ts=target["ts"], **payload)
    except SlackApiError as e:
        log.info("could not update %s: %s", target, e.response.get("error"))
        return False
    return True


def post_card(deps: Deps, client, actor: Actor, deal_id: object, notice: str | None = None,  # noqa: ANN001
              origin: object = None) -> None:  # fmt: skip
    """A card after an action: the card the action came from, updated in place (in the actor's own
    DM), else a new card in the DM. Older cards of the deal are refreshed when clicked (StaleCard)."""
    payload = card_payload(deps, actor, deal_id, notice)
    if not update_own_dm(client, actor, origin, payload):
        post_to_user(client, actor, payload)


def show(respond, client, actor: Actor, body: dict, payload: dict, *, replace: bool = False) -> None:  # noqa: ANN001
    """Reply where the click came from: replace the card clicked (an ephemeral one through its
    response_url, one in the actor's own DM in place), else a new ephemeral, else a DM."""
    container = body.get("container") or {}
    if (
        replace
        and not container.get("is_ephemeral")
        and update_own_dm(client, actor, origin_of(body), payload)
    ):
        return
    if body.get("response_url") and container.get("type") == "message":
        respond(
            **payload, response_type="ephemeral", replace_original=replace and container.get("is_ephemeral")
        )
    else:
        post_to_user(client, actor, payload)


def notice_modal(text: str, locale: str) -> dict:
    from slack_sdk.models.blocks import SectionBlock

    from bot.blocks.deal_card import md

    return modal(
        None,
        t("common.notice_title", locale),
        [SectionBlock(text=md(text))],
        submit=None,
        close=t("common.close", locale),
    )
