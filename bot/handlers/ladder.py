"""The card's ladder buttons: record the stage's checkpoint ("negotiation under way") or a milestone the
deal was forced past; the card comes back with the probability it earned (SPEC §2)."""

from __future__ import annotations

from bot import ids
from bot.deps import Deps
from bot.flows.pipeline import milestones
from bot.flows.pipeline.stage import parse_ref
from bot.handlers import _deal_ui as ui
from bot.handlers._listeners import Click, card_action
from bot.i18n import t
from storage.db import session_scope


def register(app, deps: Deps) -> None:  # noqa: ANN001
    @app.action(ids.ACT_RECORD_RUNG)
    @card_action(deps)
    def on_record_rung(click: Click) -> None:
        stage, checkpoint, ref = (str(click.action.get("value") or "").split("|") + ["", ""])[:3]
        deal_id, version = parse_ref(ref)
        actor = click.actor
        with session_scope(deps.engine) as s:
            cfg = ui.config(deps, s, actor.team_id)
            done = milestones.record_rung(
                s, actor, cfg.stages, deal_id, stage=stage, checkpoint=checkpoint or None, version=version,
                now=deps.clock.now(), met_on=ui.team_today(deps, cfg), settings=deps.settings,
                process=deps.process,
            )  # fmt: skip
        notice = t("card.rung_recorded", actor.locale)
        click.show(ui.card_payload(deps, actor, done.deal_id, notice), replace=True)
