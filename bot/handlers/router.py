"""Subcommand routing for /deal and /funnel: each feature module registers its words here.

A subcommand handler gets a ``CommandCall`` and must ``ack`` first (it may ack with the reply).
Slow work (charts, uploads) goes in a function set as the handler's ``after_ack`` attribute: Bolt runs
it as a lazy listener after the ack, with the same ``CommandCall`` (its ``ack`` does nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.deps import Deps
from bot.flows.team.users import Actor


@dataclass
class CommandCall:
    actor: Actor
    command: str
    word: str  # the subcommand as typed ("" when none)
    args: str  # the rest of the text
    ack: Callable[..., Any]
    respond: Callable[..., Any]
    client: Any
    body: dict
    deps: Deps

    @property
    def trigger_id(self) -> str | None:
        return self.body.get("trigger_id")

    @property
    def channel_id(self) -> str | None:
        return self.body.get("channel_id")


Handler = Callable[[CommandCall], None]


@dataclass
class Router:
    words: dict[str, Handler]
    fallback: Handler | None = None  # free text, e.g. "/deal wenzhou" finds a deal by name
    empty: Handler | None = None  # the command alone

    def add(self, *names: str) -> Callable[[Handler], Handler]:
        def deco(fn: Handler) -> Handler:
            for name in names:
                if name in self.words:
                    raise ValueError(f"subcommand {name!r} registered twice")
                self.words[name] = fn
            return fn

        return deco

    def resolve(self, text: str) -> tuple[Handler | None, str, str]:
        text = (text or "").strip()
        word, _, rest = text.partition(" ")
        handler = self.words.get(word.lower())
        if handler:
            return handler, word.lower(), rest.strip()
        if not text:
            return self.empty, "", ""
        return self.fallback, "", text


deal = Router(words={})
funnel = Router(words={})


def deal_subcommand(*names: str) -> Callable[[Handler], Handler]:
    return deal.add(*names)


def funnel_subcommand(*names: str) -> Callable[[Handler], Handler]:
    return funnel.add(*names)
