"""App Home (pipeline owns it): published on app_home_opened and after an admin changes settings;
the admin's settings and role modals; "Register a deal"."""

from __future__ import annotations

import logging

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import charts, ids
from bot.blocks.home import channel_access_notice, home_view, welcome_message
from bot.blocks.register import register_modal
from bot.blocks.settings import roles_modal, settings_modal
from bot.channel_access import join_channel
from bot.deps import Deps
from bot.flows.pipeline.home import build_home
from bot.flows.qualification.registration import Draft
from bot.flows.team.first_run import claim_welcome, welcome_due
from bot.flows.team.roles import assign_role, require_admin
from bot.flows.team.settings import save_settings
from bot.flows.team.users import Actor
from bot.handlers import _deal_ui as ui
from bot.handlers._listeners import Click, Submission, card_action, refuse_in_dm, view_submission
from storage.db import read_scope, session_scope

log = logging.getLogger(__name__)


GONE = ("user_not_found", "account_inactive", "user_disabled")  # no App Home to publish: nobody to tell


def publish_home(
    deps: Deps, client: WebClient, actor: Actor, notice: str | None = None, *, welcome: bool = False
) -> None:
    with read_scope(deps.engine) as s:
        home = build_home(s, deps.settings, actor, now=deps.clock.now())
    try:
        font_missing = home.roles is not None and charts.cjk_font_missing()  # admins only
        view = home_view(home, notice, welcome=welcome, chart_font_missing=font_missing)
        client.views_publish(user_id=actor.user_id, view=view)
    except SlackApiError as e:
        if e.response.get("error") not in GONE:
            raise
        log.info("App Home of %s not published: %s", actor.user_id, e.response.get("error"))


def register(app, deps: Deps) -> None:  # noqa: ANN001
    @app.event(ids.EV_APP_HOME_OPENED)
    def on_home_opened(event: dict, context: BoltContext, client: WebClient) -> None:
        """Home: published (with the welcome on a first visit). Messages: a first visit gets the welcome."""
        actor, tab = context["actor"], event.get("tab", "home")
        if tab not in ("home", "messages"):
            return
        with read_scope(deps.engine) as s:  # the usual visit reads only (no commit on every Home open)
            first = welcome_due(s, actor)
        if first:
            with session_scope(deps.engine) as s:
                first = claim_welcome(s, actor, deps.clock.now())
        if tab == "home":
            publish_home(deps, client, actor, welcome=first)
        elif first:
            client.chat_postMessage(channel=actor.user_id, **welcome_message(actor.locale))

    @app.action(ids.ACT_HOME_NEW_DEAL)
    def on_register_clicked(ack: Ack, body: dict, context: BoltContext, client: WebClient) -> None:
        """Opens the qualification feature's register-a-prospect modal (it handles the submission)."""
        ack()
        actor = context["actor"]
        with read_scope(deps.engine) as s:
            base = ui.config(deps, s, actor.team_id).base_currency
        client.views_open(
            trigger_id=body["trigger_id"], view=register_modal(Draft(currency=base), actor.locale)
        )

    @app.action(ids.ACT_SETTINGS_OPEN)
    @card_action(deps, refuse=refuse_in_dm)
    def on_settings_clicked(click: Click) -> None:
        actor = click.actor
        require_admin(actor)
        with read_scope(deps.engine) as s:
            view = settings_modal(ui.config(deps, s, actor.team_id), actor.locale)
        click.open(view)

    @app.action(ids.ACT_ROLES_OPEN)
    @card_action(deps, refuse=refuse_in_dm)
    def on_roles_clicked(click: Click) -> None:
        require_admin(click.actor)
        click.open(roles_modal(click.actor.locale))

    @app.view(ids.VIEW_SETTINGS)
    @view_submission(deps, SETTINGS_FIELDS)
    def on_settings_submitted(sub: Submission) -> None:
        with session_scope(deps.engine) as s:
            saved = save_settings(s, sub.actor, sub.values, now=deps.clock.now())
        sub.ack()
        channel, notice = saved.get("manager_channel"), None
        if channel:  # the bot joins a public channel; a private one it is not in needs an /invite
            access = join_channel(sub.client, channel)
            notice = channel_access_notice(access.status, access.error, channel, sub.actor.locale)
        publish_home(deps, sub.client, sub.actor, notice)

    @app.view(ids.VIEW_ROLES)
    @view_submission(deps, {"user", "role", "reps"})
    def on_roles_submitted(sub: Submission) -> None:
        actor, v = sub.actor, sub.values
        with session_scope(deps.engine) as s:
            assign_role(s, actor, v.get("user"), v.get("role"), now=deps.clock.now(), reps=v.get("reps"))
        sub.ack()
        publish_home(deps, sub.client, actor)


SETTINGS_FIELDS = {
    "manager_channel",
    "digest_weekday",
    "digest_time",
    "timezone",
    "locale",
    "pass_line",
    "stage_set",
    "low_contact_days",
    "typical_deal_size",
    "selling_prompt",
}
