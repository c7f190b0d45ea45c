"""/deal and /funnel: parse the text, find the subcommand, hand over. Subcommands live per feature.

The text arrives as Slack escapes it (entities; with should_escape on, mentions, channels and links in
<…>): ``command_text`` gives the subcommands what the user typed, user mentions kept as ``<@U…>``."""

from __future__ import annotations

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot import ids
from bot.blocks.help import help_message
from bot.deps import Deps
from bot.flows.team.mentions import command_text
from bot.handlers import router
from bot.handlers.router import CommandCall, Router

ROUTERS: dict[str, Router] = {ids.CMD_DEAL: router.deal, ids.CMD_FUNNEL: router.funnel}


def register(app, deps: Deps) -> None:  # noqa: ANN001
    """Each command twice: subcommands with slow work after the ack get Bolt's lazy listener, the rest
    (most: help, list, the modal openers) do not pay for it (Bolt deep-copies the request for a lazy
    listener and hands it to another thread: more than half the cost of a /deal help)."""
    for command, table in ROUTERS.items():
        dispatcher = _dispatcher(command, table, deps)
        app.command(command, matchers=[_has_slow_part(table)])(
            ack=dispatcher, lazy=[_after_ack(command, table, deps)]
        )
        app.command(command)(dispatcher)


def _has_slow_part(table: Router):  # noqa: ANN202
    def has_slow_part(body: dict) -> bool:
        handler, _, _ = table.resolve(body.get("text", ""))
        return getattr(handler, "after_ack", None) is not None

    return has_slow_part


def _dispatcher(command: str, table: Router, deps: Deps):  # noqa: ANN202
    def on_command(ack: Ack, respond: Respond, client: WebClient, body: dict, context: BoltContext) -> None:
        handler, word, args = table.resolve(command_text(body.get("text", "")))
        actor = context["actor"]
        if handler is None:  # echoed as Slack sent it: still escaped for mrkdwn
            ack(**help_message(command, actor.locale, unknown=body.get("text", "").strip()))
            return
        handler(CommandCall(actor, command, word, args, ack, respond, client, body, deps))

    on_command.__name__ = f"on_{command.strip('/')}_command"
    return on_command


def _after_ack(command: str, table: Router, deps: Deps):  # noqa: ANN202
    """Slow work of a subcommand (charts, uploads), run by Bolt after the ack: the handler's ``after_ack``."""

    def after_ack(respond: Respond, client: WebClient, body: dict, context: BoltContext) -> None:
        handler, word, args = table.resolve(command_text(body.get("text", "")))
        slow = getattr(handler, "after_ack", None)
        if slow is not None and context.get("actor") is not None:
            slow(CommandCall(context["actor"], command, word, args, _no_ack, respond, client, body, deps))

    after_ack.__name__ = f"after_{command.strip('/')}_command"
    return after_ack


def _no_ack(*_args, **_kwargs) -> None:
    """The ack was sent already; a slow handler answers with ``respond`` or a message."""
