"""/deal list, /deal history, /deal <words> (find a deal by name; ambiguous -> a pick list), and the
deal-card button (ACT_DEAL_OPEN, value = deal id)."""

from __future__ import annotations

from bot import ids
from bot.blocks.deal_card import deal_title
from bot.blocks.deal_list import deal_list_message, history_message
from bot.deps import Deps
from bot.flows.pipeline import status
from bot.flows.team.users import Actor
from bot.handlers import _deal_ui as ui
from bot.handlers import router
from bot.handlers._listeners import Click, card_action, guarded
from bot.handlers.router import CommandCall, deal_subcommand
from storage.db import read_scope

LOW_WORDS = ("low", "lower", "低", "降低接触")


def list_payload(deps: Deps, actor: Actor, args: str = "") -> dict:
    """``/deal list`` (my deals in play) or ``/deal list low`` (those kept at lower contact)."""
    with read_scope(deps.engine) as s:
        stages = ui.config(deps, s, actor.team_id).stages
        summaries = status.visible_summaries(s, actor, stages, now=deps.clock.now(), mine_only=True)
    return deal_list_message(summaries, actor.locale, low=args.strip().lower() in LOW_WORDS)


def history_payload(deps: Deps, actor: Actor, deal_id: object) -> dict:
    with read_scope(deps.engine) as s:
        stages = ui.config(deps, s, actor.team_id).stages
        deal, lines = status.deal_history(s, actor, deal_id)
        title = deal_title(status.summarize(deal, stages, deps.clock.now(), []))
    return history_message(title, lines, stages, actor.locale)


@deal_subcommand("list", "ls", "列表")
@guarded
def on_list_command(call: CommandCall) -> None:
    call.ack(**list_payload(call.deps, call.actor, call.args or ""))


@deal_subcommand("history", "历史")
@guarded
def on_history_command(call: CommandCall) -> None:
    deal_id = ui.find_one(call, ids.ACT_DEAL_OPEN)
    if deal_id is not None:
        call.ack(**history_payload(call.deps, call.actor, deal_id))


@guarded
def on_find_deal(call: CommandCall) -> None:
    """``/deal <words>``: the card of the one deal whose name matches, or a pick list."""
    call.args = " ".join(x for x in (call.word, call.args) if x)
    deal_id = ui.find_one(call, ids.ACT_DEAL_OPEN)
    if deal_id is not None:
        call.ack(**ui.card_payload(call.deps, call.actor, deal_id))


router.deal.fallback = on_find_deal
router.deal.empty = on_list_command


def register(app, deps: Deps) -> None:  # noqa: ANN001
    @app.action(ids.ACT_DEAL_OPEN)
    @card_action(deps)
    def on_deal_open(click: Click) -> None:
        deal_id, _ = click.ref
        click.show(ui.card_payload(deps, click.actor, deal_id), replace=_from_pick_list(click.body))

    @app.action(ids.ACT_DEAL_HISTORY)
    @card_action(deps)
    def on_history_clicked(click: Click) -> None:
        deal_id, _ = click.ref
        click.show(history_payload(deps, click.actor, deal_id))


def _from_pick_list(body: dict) -> bool:
    """A pick list (or an older card) is replaced by the card; a nudge DM keeps its message."""
    return bool((body.get("container") or {}).get("is_ephemeral"))
