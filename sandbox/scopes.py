"""The bot-token scope each Web API method needs, per conversation type, as Slack's method reference
lists them (docs.slack.dev/reference/methods/<method>, "Scopes · Bot token"), for every method the
sandbox serves. The Conversations API methods need the scope of the conversation's type:
``conversations.history`` needs ``channels:history`` in a public channel, ``groups:history`` in a
private one and ``im:history`` in a DM.

Keys of each row: a conversation type (``public``, ``private``, ``im``) or ``*`` (any conversation, or
a method that takes none). A method with an empty row needs no scope (``auth.test``, ``views.*``);
``apps.connections.open`` takes the app-level token (``connections:write``), not the bot token.

Membership is a separate contract (sandbox/access.py): a scope lets the bot ask, membership decides
whether the channel answers.
"""

from __future__ import annotations

PUBLIC, PRIVATE, IM = "public", "private", "im"
ANY = "*"
CONVERSATION_TYPES = (PUBLIC, PRIVATE, IM)

METHOD_SCOPES: dict[str, dict[str, str]] = {
    "auth.test": {},
    "apps.connections.open": {},  # app-level token with connections:write
    "oauth.v2.access": {},  # the client id and secret, no token
    "chat.postMessage": {ANY: "chat:write"},
    "chat.postEphemeral": {ANY: "chat:write"},
    "chat.update": {ANY: "chat:write"},
    "chat.delete": {ANY: "chat:write"},
    "conversations.history": {PUBLIC: "channels:history", PRIVATE: "groups:history", IM: "im:history"},
    "conversations.join": {PUBLIC: "channels:join"},  # public channels only; private ones need /invite
    "conversations.open": {ANY: "im:write"},  # 1:1 DMs (mpim:write for group DMs, not served)
    "users.info": {ANY: "users:read"},
    "views.open": {},
    "views.push": {},
    "views.update": {},
    "views.publish": {},
    "files.getUploadURLExternal": {ANY: "files:write"},
    "files.completeUploadExternal": {ANY: "files:write"},
}

# Events API subscriptions and the scope each needs (docs.slack.dev/reference/events/<event>).
EVENT_SCOPES: dict[str, str | None] = {
    "app_home_opened": None,
    "message.im": "im:history",
    "user_change": "users:read",
    "app_uninstalled": None,  # sent to every app, no scope
    "tokens_revoked": None,
}

COMMANDS_SCOPE = "commands"  # any slash command

# The SDK's helpers that call several methods (slack_sdk.WebClient.files_upload_v2).
HELPERS: dict[str, tuple[str, ...]] = {
    "files_upload_v2": ("files.getUploadURLExternal", "files.completeUploadExternal"),
}


def needed_scope(method: str, conversation_type: str | None) -> str | None:
    """The scope ``method`` needs for a conversation of that type (None: none, or none listed)."""
    row = METHOD_SCOPES.get(method, {})
    if conversation_type is not None and conversation_type in row:
        return row[conversation_type]
    return row.get(ANY)


def scopes_of(method: str) -> dict[str, str]:
    """Every conversation type of a method with the scope it needs there (``*`` for any)."""
    return dict(METHOD_SCOPES[method])
