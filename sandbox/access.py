"""AccessChecks, mixed into WebApi: the token's scopes and the bot's channel membership, as Slack
answers them.

- **Scopes**: the installed token has the manifest's bot scopes. A method called without the scope it
  needs for that conversation type (sandbox/scopes.py) answers
  ``{"ok": false, "error": "missing_scope", "needed": "<scope>", "provided": "<scope>,<scope>,…"}``,
  and every answer carries the token's scopes in ``X-OAuth-Scopes``, as Slack's do.
- **Membership**: reading a channel's history and sharing a file into it need the bot to be in the
  channel; so does posting, except in a public channel with ``chat:write.public``. A public channel the
  bot is not in answers ``not_in_channel``. A private channel the bot is not in is invisible to it and
  answers ``channel_not_found``, as if it did not exist (bots see private channels only once invited;
  Slack's errors do not tell the two apart). ``conversations.join`` works on public channels only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sandbox.errors import SlackError
from sandbox.scopes import PRIVATE, needed_scope

if TYPE_CHECKING:
    from sandbox.state import SandboxState


class AccessChecks:
    s: SandboxState

    def _check_scope(self, method: str, args: dict) -> None:
        needed = needed_scope(method, self.s.channel_type(_conversation_of(args)))
        granted = self.s.manifest.bot_scopes
        if needed and needed not in granted:
            raise SlackError("missing_scope", needed=needed, provided=",".join(sorted(granted)))

    def _scope_headers(self) -> dict[str, str]:
        return {"X-OAuth-Scopes": ",".join(sorted(self.s.manifest.bot_scopes))}

    def _check_member(self, channel: str, *, posting: bool = False) -> None:
        """Raise Slack's answer when the bot may not read / share into / post to ``channel``."""
        if self.s.bot_is_member(channel):
            return
        if self.s.channel_type(channel) == PRIVATE:
            raise SlackError("channel_not_found")
        if posting and "chat:write.public" in self.s.manifest.bot_scopes:
            return
        raise SlackError("not_in_channel")


def _conversation_of(args: dict) -> str | None:
    channels = str(args.get("channels") or "").split(",")[0] or None
    return args.get("channel") or args.get("channel_id") or channels
