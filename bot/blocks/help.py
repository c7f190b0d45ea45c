from __future__ import annotations

import json
from functools import cache

from slack_sdk.models.blocks import ContextBlock, HeaderBlock, MarkdownTextObject, SectionBlock

from bot import ids
from bot.blocks import clip, message
from bot.i18n import t

DEAL_WORDS = (
    "new",
    "list",
    "find",
    "qualify",
    "advance",
    "milestone",
    "people",
    "checkin",
    "away",
    "won",
    "lost",
    "drop",
    "hold",
    "reopen",
    "edit",
    "history",
    "role",
)
FUNNEL_WORDS = ("digest", "filter", "quota", "plan", "odds", "export")


def help_message(command: str, locale: str, unknown: str | None = None) -> dict:
    """The help of /deal or /funnel; the plain help is rendered once per command and locale."""
    if unknown:
        return _render(command, locale, unknown)
    return json.loads(_plain_help(command, locale))  # a fresh copy: callers may change it


@cache
def _plain_help(command: str, locale: str) -> str:
    return json.dumps(_render(command, locale, None))


def _render(command: str, locale: str, unknown: str | None) -> dict:
    which = "deal" if command == ids.CMD_DEAL else "funnel"
    words = DEAL_WORDS if which == "deal" else FUNNEL_WORDS
    lines = "\n".join(t(f"help.{which}.lines.{w}", locale) for w in words)
    blocks = [HeaderBlock(text=t(f"help.{which}.title", locale))]
    if unknown:
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text=clip(t("help.unknown", locale, text=unknown), 3000)))
        )
    blocks += [
        SectionBlock(text=MarkdownTextObject(text=t(f"help.{which}.intro", locale))),
        SectionBlock(text=MarkdownTextObject(text=lines)),
        ContextBlock(elements=[MarkdownTextObject(text=t(f"help.{which}.footer", locale))]),
    ]
    return message(t(f"help.{which}.title", locale), blocks)
