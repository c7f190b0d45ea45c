"""Typed DM text: goes to the rep's active interview when there is one, else a short hint."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.deps import Deps
from bot.flows.users import Actor
from bot.i18n import t


def on_text(deps: Deps, actor: Actor, event: dict, client: WebClient) -> None:
    client.chat_postMessage(channel=event["channel"], text=t("dm.no_interview", actor.locale))
