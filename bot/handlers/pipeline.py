"""/deal advance, /deal milestone and their buttons: the milestone dialog; its submission moves the
deal on (or, with a reason, forces it past an unmet gate). On the last stage the act is "won"."""

from __future__ import annotations

from bot import ids
from bot.blocks.pipeline_modals import advance_modal, won_modal
from bot.blocks.verdict import Chosen
from bot.deps import Deps
from bot.flows.funnel.weighting import current_period
from bot.flows.pipeline import stage as pipeline
from bot.flows.pipeline.customer import set_customer_step
from bot.flows.pipeline.status import deal_card
from bot.flows.team.users import Actor
from bot.handlers import _deal_ui as ui
from bot.handlers._listeners import Click, Submission, card_action, guarded, view_submission
from bot.handlers.qualification import settle_verdict
from bot.handlers.router import CommandCall, deal_subcommand
from bot.i18n import t
from storage.db import read_scope, session_scope


def advance_dialog(
    deps: Deps, actor: Actor, deal_id: object, version: int | None, origin: dict | None = None
) -> dict:
    """The milestone dialog for the deal's current stage (or the won dialog on the last stage).
    ``origin``: the card it was opened from, a hint the submission checks before updating it."""
    with read_scope(deps.engine) as s:
        cfg = ui.config(deps, s, actor.team_id)
        plan = pipeline.plan_advance(
            s, actor, cfg.stages, deal_id, pass_line=ui.pass_line(deps, cfg), version=version
        )
        meta = pipeline.metadata_of(plan.deal_id, plan.version, **({"o": origin} if origin else {}))
        if plan.next_stage is None:
            now = deps.clock.now()
            card = deal_card(s, actor, cfg.stages, plan.deal_id, now=now, questions=deps.process.questions,
                             period=current_period(cfg, now).key)  # fmt: skip
            return won_modal(card, actor.locale, ui.team_today(deps, cfg), meta)
        return advance_modal(plan, actor.locale, ui.team_today(deps, cfg), meta)


@deal_subcommand("advance", "milestone", "推进", "关键节点", "里程碑")
@guarded
def on_advance_command(call: CommandCall) -> None:
    deal_id = ui.find_one(call, ids.ACT_ADVANCE_OPEN)
    if deal_id is None:
        return
    view = advance_dialog(call.deps, call.actor, deal_id, None)
    call.ack()
    call.client.views_open(trigger_id=call.trigger_id, view=view)


def register(app, deps: Deps) -> None:  # noqa: ANN001
    @card_action(deps)
    def on_open(click: Click) -> None:
        deal_id, version = click.ref
        click.open(advance_dialog(deps, click.actor, deal_id, version, ui.origin_of(click.body)))

    app.action(ids.ACT_ADVANCE_OPEN)(on_open)
    app.action(ids.ACT_MILESTONE_OPEN)(on_open)

    @app.action(ids.ACT_CUSTOMER_STEP)
    @card_action(deps)
    def on_customer_step_chosen(click: Click) -> None:
        """The card's select: where the customer is in its buying steps (option "<stage>:<id>:<v>")."""
        step, _, ref = ((click.action.get("selected_option") or {}).get("value") or "").partition(":")
        deal_id, version = pipeline.parse_ref(ref)
        with session_scope(deps.engine) as s:
            cfg = ui.config(deps, s, click.actor.team_id)
            deal = set_customer_step(s, click.actor, cfg.stages, deal_id, step, version=version,
                                     now=deps.clock.now())  # fmt: skip
            found = deal.id
        notice = t("card.customer.saved", click.actor.locale)
        click.show(ui.card_payload(deps, click.actor, found, notice), replace=True)

    @app.view(ids.VIEW_ADVANCE)
    @view_submission(deps, {"what", "met_on", "evidence", "force_reason"})
    def on_advance_submitted(sub: Submission) -> None:
        actor, v = sub.actor, sub.values
        meta = pipeline.parse_metadata(sub.view.get("private_metadata"))
        with session_scope(deps.engine) as s:
            cfg = ui.config(deps, s, actor.team_id)
            change = pipeline.advance(
                s,
                actor,
                cfg.stages,
                meta.get("d"),
                version=pipeline.version_of(meta),
                now=deps.clock.now(),
                pass_line=ui.pass_line(deps, cfg),
                what=v.get("what"),
                met_on=v.get("met_on") or ui.team_today(deps, cfg),
                evidence=v.get("evidence"),
                force_reason=v.get("force_reason"),
                settings=deps.settings,
                process=deps.process,
            )
            stages = cfg.stages
        sub.ack()
        to = stages.get(change.to_stage).name.get(actor.locale)
        notice = t("advance.done_forced" if change.forced else "advance.done", actor.locale, to=to)
        origin = meta.get("o")
        if change.from_stage == stages.first.key:  # out of qualification: the verdict is settled
            chosen = Chosen("advanced", actor.user_id, deps.clock.now(), stage=to, tz=actor.tz)
            verdict_ts = settle_verdict(deps, sub.client, actor, change.deal_id, chosen)
            if isinstance(origin, dict) and verdict_ts and origin.get("ts") == verdict_ts:
                origin = None  # "advance anyway" on the verdict: the verdict stays, the card follows
        ui.post_card(deps, sub.client, actor, change.deal_id, notice, origin)
