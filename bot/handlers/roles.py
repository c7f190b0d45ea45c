"""/deal role @user rep|manager|admin [@rep ...] — an admin assigns a role (a manager's reps follow)."""

from __future__ import annotations

from bot.deps import Deps
from bot.flows.team.mentions import mentioned_users
from bot.flows.team.roles import ROLES, assign_role
from bot.handlers._listeners import guarded
from bot.handlers.router import CommandCall, deal_subcommand
from bot.i18n import t
from bot.i18n.format import join_list
from storage.db import session_scope


@deal_subcommand("role", "角色")
@guarded
def on_role_command(call: CommandCall) -> None:
    words = call.args.split()
    role = next((w.lower() for w in words if w.lower() in ROLES), None)
    users = mentioned_users(call.args)
    if not users or role is None:
        call.ack(text=t("roles.usage", call.actor.locale))
        return
    with session_scope(call.deps.engine) as s:
        row = assign_role(s, call.actor, users[0], role, now=call.deps.clock.now(), reps=users[1:])
    reps = join_list((f"<@{r}>" for r in row.reps), call.actor.locale) or "—"
    call.ack(
        text=t(
            "roles.done",
            call.actor.locale,
            user=f"<@{row.user_id}>",
            role=t(f"roles.name.{row.role}", call.actor.locale),
            reps=reps,
        )
    )


def register(app, deps: Deps) -> None:  # noqa: ANN001
    """Subcommands register through the router."""
