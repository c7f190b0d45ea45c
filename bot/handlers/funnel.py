"""/funnel: the funnel on demand (ephemeral, chart to the DM after the ack), quotas, CSV export."""

from __future__ import annotations

import logging

from bot.blocks.funnel import funnel_message, on_demand_title
from bot.deps import Deps
from bot.flows.funnel import export as funnel_export
from bot.flows.funnel import quota
from bot.flows.funnel import view as funnel_view
from bot.handlers import router
from bot.handlers._listeners import guarded
from bot.handlers.router import CommandCall, funnel_subcommand
from bot.i18n import t
from bot.i18n.format import format_money, format_period
from bot.uploads import upload, upload_chart
from storage.db import read_scope, session_scope

log = logging.getLogger(__name__)


def _text(call: CommandCall) -> str:
    return f"{call.word} {call.args}".strip()


def _dm(call: CommandCall) -> str:
    return call.client.conversations_open(users=call.actor.user_id)["channel"]["id"]


@funnel_subcommand("stage", "grade", "阶段", "等级")
@guarded
def show(call: CommandCall) -> None:
    """Check the request and ack at once; the figures (big queries) follow after the ack."""
    with read_scope(call.deps.engine) as s:
        funnel_view.prepare(s, call.deps.settings, call.actor, _text(call))
    call.ack()


@guarded  # a refusal was told by show's ack; the ack here does nothing
def show_after_ack(call: CommandCall) -> None:
    """The funnel as an ephemeral reply (response_url), then its chart in the caller's DM."""
    with read_scope(call.deps.engine) as s:
        view = funnel_view.on_demand(
            s, call.deps.settings, call.deps.process, call.actor, _text(call), call.deps.clock.now()
        )
    locale, stages = call.actor.locale, view.cfg.stages
    title = on_demand_title(view, locale)
    message = funnel_message(view.figures, stages, locale, title=title, labels=view.labels)
    call.respond(**message, response_type="ephemeral", replace_original=False)
    upload_chart(
        call.client, channel=_dm(call), figures=view.figures, stages=stages, locale=locale, title=title
    )


show.after_ack = show_after_ack
router.funnel.empty = show
router.funnel.fallback = show


@funnel_subcommand("quota", "销售任务", "任务", "指标")
@guarded
def set_quota(call: CommandCall) -> None:
    with session_scope(call.deps.engine) as s:
        saved = quota.set_quota(s, call.deps.settings, call.actor, call.args, call.deps.clock.now())
    locale = call.actor.locale
    call.ack(
        text=t(
            "funnel.quota.saved",
            locale,
            rep=f"<@{saved.rep_id}>",
            period=format_period(saved.period.key, locale),
            amount=format_money(saved.amount, saved.currency, locale),
        )
    )


@funnel_subcommand("export", "导出")
def export(call: CommandCall) -> None:
    with read_scope(call.deps.engine) as s:
        n = funnel_export.count_visible(s, call.actor)
    call.ack(text=t("funnel.export.done", call.actor.locale, count=n))


def export_after_ack(call: CommandCall) -> None:
    with read_scope(call.deps.engine) as s:
        content, n = funnel_export.export_csv(s, call.deps.settings, call.actor, call.deps.clock.now())
    day = call.deps.clock.now().date().isoformat()
    upload(
        call.client,
        channel=_dm(call),
        filename=f"funnel-{day}.csv",
        content=content,
        title=f"funnel-{day}.csv",
        comment=t("funnel.export.comment", call.actor.locale, count=n),
    )


export.after_ack = export_after_ack


def register(app, deps: Deps) -> None:  # noqa: ANN001
    """Subcommands register through the router; nothing else to wire."""
