"""Every slash command, action_id, callback_id and event name, spelled once.

A contract test holds these, the registered listeners and manifest.yaml together: add an id here,
register a listener for it, and (for commands and events) declare it in the manifest.
"""

from __future__ import annotations

# Slash commands
CMD_DEAL = "/deal"
CMD_FUNNEL = "/funnel"
COMMANDS = (CMD_DEAL, CMD_FUNNEL)

# Events the bot subscribes to (manifest settings.event_subscriptions.bot_events)
EV_APP_HOME_OPENED = "app_home_opened"
EV_MESSAGE_IM = "message"  # message.im in the manifest
EV_USER_CHANGE = "user_change"
EVENTS = {EV_APP_HOME_OPENED: "app_home_opened", EV_MESSAGE_IM: "message.im", EV_USER_CHANGE: "user_change"}

# Block actions (action_id). Feature sections below; keep names unique.
# -- home / generic
ACT_HOME_REFRESH = "home_refresh"
ACT_HELP_OPEN = "help_open"

# View callbacks (callback_id)

# Message metadata event types
META_NUDGE = "deal_nudge"


def all_action_ids() -> set[str]:
    return {v for k, v in globals().items() if k.startswith("ACT_") and isinstance(v, str)}


def all_view_ids() -> set[str]:
    return {v for k, v in globals().items() if k.startswith("VIEW_") and isinstance(v, str)}
