"""App Home (pipeline owns it): published on app_home_opened and after an admin changes settings;
the admin's settings and role modals; "Register a deal"."""

from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import ids
from bot.blocks.home import home_view
from bot.blocks.register import register_modal
from bot.blocks.settings import roles_modal, settings_modal
from bot.deps import Deps
from bot.flows.errors import DomainError
from bot.flows.pipeline.home import build_home
from bot.flows.qualification.registration import Draft
from bot.flows.team.roles import assign_role, require_admin
from bot.flows.team.settings import save_settings
from bot.flows.team.users import Actor
from bot.handlers import _deal_ui as ui
from bot.handlers._views import state_values
from storage.db import read_scope, session_scope


def publish_home(deps: Deps, client: WebClient, actor: Actor) -> None:
    with read_scope(deps.engine) as s:
        home = build_home(s, deps.settings, actor, now=deps.clock.now())
    client.views_publish(user_id=actor.user_id, view=home_view(home))


def register(app, deps: Deps) -> None:  # noqa: ANN001
    @app.event(ids.EV_APP_HOME_OPENED)
    def on_home_opened(event: dict, context: BoltContext, client: WebClient) -> None:
        if event.get("tab", "home") == "home":
            publish_home(deps, client, context["actor"])

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
    def on_settings_clicked(ack: Ack, body: dict, context: BoltContext, client: WebClient) -> None:
        ack()
        actor = context["actor"]
        try:
            require_admin(actor)
        except DomainError as e:
            client.chat_postMessage(channel=actor.user_id, text=ui.text_of(e, actor.locale))
            return
        with read_scope(deps.engine) as s:
            view = settings_modal(ui.config(deps, s, actor.team_id), actor.locale)
        client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.action(ids.ACT_ROLES_OPEN)
    def on_roles_clicked(ack: Ack, body: dict, context: BoltContext, client: WebClient) -> None:
        ack()
        actor = context["actor"]
        try:
            require_admin(actor)
        except DomainError as e:
            client.chat_postMessage(channel=actor.user_id, text=ui.text_of(e, actor.locale))
            return
        client.views_open(trigger_id=body["trigger_id"], view=roles_modal(actor.locale))

    @app.view(ids.VIEW_SETTINGS)
    def on_settings_submitted(ack: Ack, view: dict, context: BoltContext, client: WebClient) -> None:
        actor = context["actor"]
        try:
            with session_scope(deps.engine) as s:
                save_settings(s, actor, state_values(view), now=deps.clock.now())
        except DomainError as e:
            ui.on_view_error(deps, ack, client, actor, e, SETTINGS_FIELDS)
            return
        ack()
        publish_home(deps, client, actor)

    @app.view(ids.VIEW_ROLES)
    def on_roles_submitted(ack: Ack, view: dict, context: BoltContext, client: WebClient) -> None:
        actor, v = context["actor"], state_values(view)
        try:
            with session_scope(deps.engine) as s:
                assign_role(s, actor, v.get("user"), v.get("role"), now=deps.clock.now(), reps=v.get("reps"))
        except DomainError as e:
            ui.on_view_error(deps, ack, client, actor, e, {"user", "role", "reps"})
            return
        ack()
        publish_home(deps, client, actor)


SETTINGS_FIELDS = {
    "manager_channel",
    "digest_weekday",
    "digest_time",
    "timezone",
    "locale",
    "pass_line",
    "stage_set",
}
