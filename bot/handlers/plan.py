"""/funnel plan [@rep] and /funnel odds (SPEC §13); App Home's switch to the team's own odds; the
end-of-day time-for-selling answer (one tap, an optional line)."""

from __future__ import annotations

import json
import re

from bot import ids
from bot.blocks.modals import modal, text_input
from bot.blocks.plan import odds_message, plan_message, selling_answered_message
from bot.deps import Deps
from bot.flows.plan import selling
from bot.flows.plan.backward import plan_request
from bot.flows.plan.odds import switch_rung, team_odds
from bot.flows.team.config import team_config
from bot.handlers._listeners import Click, Submission, card_action, guarded, refuse_in_dm, view_submission
from bot.handlers.home import publish_home
from bot.handlers.router import CommandCall, funnel_subcommand
from bot.i18n import t
from storage.db import read_scope, session_scope

NOTE = "note"


@funnel_subcommand("plan", "倒推", "计划")
@guarded
def show_plan(call: CommandCall) -> None:
    with read_scope(call.deps.engine) as s:
        cfg = team_config(s, call.deps.settings, call.actor.team_id)
        plan = plan_request(s, cfg, call.actor, call.args, call.deps.clock.now())
    call.ack(**plan_message(plan, call.actor.locale))


@funnel_subcommand("odds", "赢单率")
@guarded
def show_odds(call: CommandCall) -> None:
    with read_scope(call.deps.engine) as s:
        cfg = team_config(s, call.deps.settings, call.actor.team_id)
        odds = team_odds(s, cfg, call.deps.clock.now())
    locale = call.actor.locale
    names = {st.key: st.name.get(locale) for st in cfg.stages.stages}
    call.ack(**odds_message(odds, locale, names))


def register(app, deps: Deps) -> None:  # noqa: ANN001
    @app.action(re.compile(ids.PLAN_ODDS_SWITCH_PATTERN))
    @card_action(deps, refuse=refuse_in_dm)
    def on_odds_switch(click: Click) -> None:
        rung, _, state = (click.action.get("value") or "").rpartition(":")
        with session_scope(deps.engine) as s:
            cfg = team_config(s, deps.settings, click.actor.team_id)
            switch_rung(s, cfg, click.actor, rung, state == "on", deps.clock.now())
        publish_home(deps, click.client, click.actor)

    @app.action(re.compile(ids.SELLING_ANSWER_PATTERN))
    @card_action(deps, refuse=refuse_in_dm)
    def on_selling_answer(click: Click) -> None:
        row_id, _, value = (click.action.get("value") or "").partition(":")
        with session_scope(deps.engine) as s:
            row = selling.answer(s, click.actor, int(row_id or 0), value, deps.clock.now())
        msg = selling_answered_message(row.answer, row.id, click.actor.locale)
        click.client.chat_update(channel=click.body["channel"]["id"], ts=click.body["message"]["ts"], **msg)

    @app.action(ids.ACT_SELLING_NOTE_OPEN)
    @card_action(deps, refuse=refuse_in_dm)
    def on_selling_note_open(click: Click) -> None:
        locale = click.actor.locale
        view = modal(
            ids.VIEW_SELLING_NOTE,
            t("selling.note_title", locale),
            [text_input(NOTE, t("selling.note_label", locale), max_length=500, optional=True)],
            submit=t("selling.note_submit", locale),
            close=t("common.cancel", locale),
            metadata=json.dumps({"r": click.action.get("value")}),
        )
        click.open(view)

    @app.view(ids.VIEW_SELLING_NOTE)
    @view_submission(deps, {NOTE})
    def on_selling_note(sub: Submission) -> None:
        row_id = int(json.loads(sub.view.get("private_metadata") or "{}").get("r") or 0)
        with session_scope(deps.engine) as s:
            selling.add_line(s, sub.actor, row_id, sub.values.get(NOTE) or "")
        sub.ack()
