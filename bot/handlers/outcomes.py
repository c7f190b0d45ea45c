"""Outcome dialogs: /deal won|lost|drop|hold|reopen|edit, the shared drop button, and the card's
overflow menu; each submission re-checks who may change the deal and the card's version."""

from __future__ import annotations

from collections.abc import Callable

from bot import ids
from bot.blocks import pipeline_modals as modals
from bot.blocks.verdict import Chosen
from bot.deps import Deps
from bot.flows.funnel.weighting import current_period
from bot.flows.pipeline import edit as deal_edit
from bot.flows.pipeline import outcomes
from bot.flows.pipeline import stage as pipeline
from bot.flows.pipeline.status import card_of
from bot.flows.team.access import load_deal
from bot.flows.team.users import Actor
from bot.handlers import _deal_ui as ui
from bot.handlers._listeners import Click, Submission, card_action, guarded, view_submission
from bot.handlers.qualification import settle_verdict_clicked
from bot.handlers.router import CommandCall, deal_subcommand
from bot.i18n import t
from storage.db import read_scope, session_scope

DIALOGS = ("won", "lost", "drop", "hold", "reopen", "edit")
ACTS = {"drop": ids.ACT_DROP_OPEN}  # the pick list of other acts opens the card
OPENERS = {ids.ACT_DROP_OPEN: "drop", ids.ACT_LOST_OPEN: "lost", ids.ACT_HOLD_OPEN: "hold"}  # value: deal


def dialog(
    deps: Deps, actor: Actor, which: str, deal_id: object, version: int | None, origin: dict | None = None
) -> dict:
    with read_scope(deps.engine) as s:
        cfg = ui.config(deps, s, actor.team_id)
        deal = load_deal(s, actor, deal_id, edit=True)
        now = deps.clock.now()
        card = card_of(
            s, deal, cfg.stages, now, questions=deps.process.questions, period=current_period(cfg, now).key
        )
        pipeline.check_version_of(card.summary.id, card.summary.version, version)
        meta = pipeline.metadata_of(
            card.summary.id, card.summary.version, **({"o": origin} if origin else {})
        )
        loc = actor.locale
        if which == "won":
            return modals.won_modal(card, loc, ui.team_today(deps, cfg), meta)
        if which == "lost":
            return modals.lost_modal(card, loc, cfg.lost_reasons, meta)
        if which == "drop":
            return modals.drop_modal(card, loc, meta)
        if which == "hold":
            return modals.hold_modal(card, loc, meta)
        if which == "reopen":
            return modals.reopen_modal(card, loc, meta)
        return modals.edit_modal(card, loc, meta)


def _command(which: str) -> Callable[[CommandCall], None]:
    @guarded
    def run(call: CommandCall) -> None:
        deal_id = ui.find_one(call, ACTS.get(which, ids.ACT_DEAL_OPEN))
        if deal_id is None:
            return
        view = dialog(call.deps, call.actor, which, deal_id, None)
        call.ack()
        call.client.views_open(trigger_id=call.trigger_id, view=view)

    run.__name__ = f"on_{which}_command"
    return run


deal_subcommand("won", "赢单")(_command("won"))
deal_subcommand("lost", "丢单")(_command("lost"))
deal_subcommand("drop", "放弃")(_command("drop"))
deal_subcommand("hold", "暂缓")(_command("hold"))
deal_subcommand("reopen", "重开")(_command("reopen"))
deal_subcommand("edit", "编辑")(_command("edit"))


def _submit(deps: Deps, which: str, actor: Actor, meta: dict, v: dict):  # noqa: ANN202
    now, version, deal_id = deps.clock.now(), pipeline.version_of(meta), meta.get("d")
    with session_scope(deps.engine) as s:
        cfg = ui.config(deps, s, actor.team_id)
        today = ui.team_today(deps, cfg)
        if which == "won":
            return outcomes.mark_won(
                s,
                actor,
                cfg.stages,
                deal_id,
                version=version,
                now=now,
                today=today,
                amount=v.get("amount"),
                paid_on=v.get("paid_on"),
                settings=deps.settings,
                process=deps.process,
                force_reason=v.get("force_reason"),
            )
        if which == "lost":
            return outcomes.mark_lost(
                s,
                actor,
                deal_id,
                version=version,
                now=now,
                reasons=cfg.lost_reasons,
                reason=v.get("reason"),
                competitor=v.get("competitor"),
                note=v.get("note"),
                settings=deps.settings,
                process=deps.process,
            )
        if which == "drop":
            return outcomes.mark_dropped(
                s,
                actor,
                deal_id,
                version=version,
                now=now,
                reason=v.get("reason"),
                settings=deps.settings,
                process=deps.process,
            )
        if which == "hold":
            return outcomes.put_on_hold(
                s,
                actor,
                deal_id,
                version=version,
                now=now,
                today=today,
                new_close=v.get("expected_close"),
                note=v.get("note"),
                settings=deps.settings,
                process=deps.process,
            )
        if which == "reopen":
            return outcomes.reopen(
                s,
                actor,
                deal_id,
                version=version,
                now=now,
                note=v.get("note"),
                settings=deps.settings,
                process=deps.process,
            )
        return deal_edit.edit_deal(
            s,
            actor,
            deal_id,
            version=version,
            now=now,
            today=today,
            expected_close=v.get("expected_close"),
            tender_date=v.get("tender_date"),
            signing_date=v.get("signing_date"),
            committed="yes" in (v.get("committed") or []),
            probability=v.get("probability"),
            next_step=v.get("next_step"),
            next_step_date=v.get("next_step_date"),
            settings=deps.settings,
            process=deps.process,
        )


VIEWS = {
    ids.VIEW_WON: "won",
    ids.VIEW_LOST: "lost",
    ids.VIEW_DROP: "drop",
    ids.VIEW_HOLD: "hold",
    ids.VIEW_REOPEN: "reopen",
    ids.VIEW_DEAL_EDIT: "edit",
}
FIELDS = {
    "amount",
    "paid_on",
    "reason",
    "competitor",
    "note",
    "expected_close",
    "tender_date",
    "signing_date",
    "probability",
    "next_step",
    "next_step_date",
    "force_reason",
}


def register(app, deps: Deps) -> None:  # noqa: ANN001
    def open_dialog(click: Click, which: str, ref: str | None) -> None:
        deal_id, version = pipeline.parse_ref(ref)
        click.open(dialog(deps, click.actor, which, deal_id, version, ui.origin_of(click.body)))

    def opener(which: str):  # noqa: ANN202
        @card_action(deps)
        def on_opener_clicked(click: Click) -> None:
            open_dialog(click, which, click.action.get("value"))

        on_opener_clicked.__name__ = f"on_{which}_clicked"
        return on_opener_clicked

    for action_id, which in OPENERS.items():  # shared buttons (the nudges' drop, lost, still on hold)
        app.action(action_id)(opener(which))

    @app.action(ids.ACT_DEAL_MORE)
    @card_action(deps)
    def on_more_chosen(click: Click) -> None:
        which, _, ref = ((click.action.get("selected_option") or {}).get("value") or "").partition(":")
        if which in DIALOGS:
            open_dialog(click, which, ref)

    @view_submission(deps, FIELDS)
    def on_submitted(sub: Submission) -> None:
        actor, which = sub.actor, VIEWS[sub.view["callback_id"]]
        meta = pipeline.parse_metadata(sub.view.get("private_metadata"))
        result = _submit(deps, which, actor, meta, sub.values)
        sub.ack()
        notice = t(f"outcomes.{which}.done", actor.locale)
        origin = meta.get("o")  # the card (or verdict) it was opened from: updated when in the own DM
        if which == "drop":
            chosen = Chosen("dropped", actor.user_id, deps.clock.now(), tz=actor.tz)
            origin = settle_verdict_clicked(deps, sub.client, actor, result.deal_id, chosen, origin)
        ui.post_card(deps, sub.client, actor, result.deal_id, notice, origin)

    for callback_id in VIEWS:
        app.view(callback_id)(on_submitted)
