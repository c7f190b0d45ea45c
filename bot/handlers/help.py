"""/deal help and /funnel help."""

from __future__ import annotations

from bot import ids
from bot.blocks.help import help_message
from bot.deps import Deps
from bot.handlers.router import CommandCall, deal_subcommand, funnel_subcommand


@deal_subcommand("help", "帮助")
def deal_help(call: CommandCall) -> None:
    call.ack(**help_message(ids.CMD_DEAL, call.actor.locale))


@funnel_subcommand("help", "帮助")
def funnel_help(call: CommandCall) -> None:
    call.ack(**help_message(ids.CMD_FUNNEL, call.actor.locale))


def register(app, deps: Deps) -> None:  # noqa: ANN001
    """Subcommands register through the router; nothing else to wire."""
