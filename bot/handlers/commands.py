"""/deal and /funnel: parse the text, find the subcommand, hand over. Subcommands live per feature."""

from __future__ import annotations

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot import ids
from bot.blocks.help import help_message
from bot.deps import Deps
from bot.handlers import router
from bot.handlers.router import CommandCall, Router

ROUTERS: dict[str, Router] = {ids.CMD_DEAL: router.deal, ids.CMD_FUNNEL: router.funnel}


def register(app, deps: Deps) -> None:  # noqa: ANN001
    for command, table in ROUTERS.items():
        app.command(command)(_dispatcher(command, table, deps))


def _dispatcher(command: str, table: Router, deps: Deps):  # noqa: ANN202
    def on_command(ack: Ack, respond: Respond, client: WebClient, body: dict, context: BoltContext) -> None:
        handler, word, args = table.resolve(body.get("text", ""))
        actor = context["actor"]
        if handler is None:
            ack(**help_message(command, actor.locale, unknown=body.get("text", "").strip()))
            return
        handler(CommandCall(actor, command, word, args, ack, respond, client, body, deps))

    on_command.__name__ = f"on_{command.strip('/')}_command"
    return on_command
