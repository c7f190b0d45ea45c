"""WebApi: the Web API imitation's dispatch (token, fault, scope checks, call log) and its auth, users,
conversations and chat methods; views and files methods and the scope/membership checks come from
mixins."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from sandbox.access import AccessChecks
from sandbox.checks import check_message, load_json
from sandbox.errors import SlackError
from sandbox.oauth import OAuthMethods
from sandbox.scopes import PUBLIC
from sandbox.state import BOT_ID, BOT_USER_ID, Call, Message, SandboxState
from sandbox.webapi_files import FilesMethods
from sandbox.webapi_views import ViewsMethods

if TYPE_CHECKING:
    from sandbox.server import SandboxServer


class WebApi(ViewsMethods, FilesMethods, AccessChecks, OAuthMethods):
    """One method per Web API call; each takes the merged arguments and returns the ``ok`` body."""

    def __init__(self, state: SandboxState, server: SandboxServer) -> None:
        self.s = state
        self.server = server
        self._token_team: str | None = None  # set per call, under the state lock

    def call(self, method: str, args: dict, token: str | None) -> tuple[int, dict, dict]:
        fn = getattr(self, method.replace(".", "_"), None)
        with self.s.lock:
            try:
                if fn is None:
                    raise SlackError("unknown_method")
                self._check_fault(method)
                self._token_team = self._check_token(method, args, token)
                self._check_scope(method, args)
                body = {"ok": True, **fn(args)}
                status, headers = 200, {}
            except SlackError as e:
                body = {"ok": False, "error": e.error, **e.extra}
                status, headers = e.status, e.headers
            if token == self.s.bot_token or token in self.s.oauth.tokens:
                headers = {**self._scope_headers(), **headers}
            logged = {k: v for k, v in args.items() if k != "__basic__"}
            self.s.calls.append(
                Call(method, logged, body["ok"], body.get("error"), status, time.time(), token=token)
            )
        return status, headers, body

    def _check_fault(self, method: str) -> None:
        for f in self.s.faults:
            if f.method not in (method, "*"):
                continue
            f.seen += 1
            if f.every and f.seen % f.every:
                continue
            if f.times is not None:
                if f.times <= 0:
                    continue
                f.times -= 1
            headers = {"Retry-After": str(f.retry_after)} if f.retry_after is not None else {}
            error = f.error or ("ratelimited" if f.status == 429 else "internal_error")
            raise SlackError(error, status=f.status, headers=headers)

    def _check_token(self, method: str, args: dict, token: str | None) -> str | None:
        """The workspace the token belongs to (None: the single-workspace token, valid in all)."""
        if method == "oauth.v2.access":
            return None  # the client id and secret authenticate it
        if not token:
            raise SlackError("not_authed")
        if method == "apps.connections.open":
            if token != self.s.app_token:
                raise SlackError("invalid_auth")
            return None
        if token == self.s.bot_token and self.s.single_token:
            return None
        return self._check_issued(method, args, token)

    # -- auth -------------------------------------------------------------------------
    def apps_connections_open(self, args: dict) -> dict:
        """Socket Mode: a ws:// URL on this server (app-level token, checked in ``_check_token``)."""
        return self.server.socket_mode.open_url()

    def auth_test(self, args: dict) -> dict:
        team = (
            self.s.workspaces[self._token_team]
            if self._token_team
            else next(iter(self.s.workspaces.values()))
        )
        return {
            "url": f"https://{team.domain}.slack.com/",
            "team": team.domain,
            "user": "dealbot",
            "team_id": team.team_id,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    # -- users --------------------------------------------------------------------------
    def users_info(self, args: dict) -> dict:
        user = self.s.all_users().get(args.get("user", ""))
        if user is None:
            raise SlackError("user_not_found")
        data = user.as_slack()
        if str(args.get("include_locale", "")).lower() not in ("true", "1"):
            data.pop("locale")
        return {"user": data}

    # -- conversations ------------------------------------------------------------------
    def conversations_open(self, args: dict) -> dict:
        users = [u for u in str(args.get("users", "")).split(",") if u]
        if not users:
            raise SlackError("users_list_not_supplied")
        if len(users) > 1:
            raise SlackError("not_supported")  # dealbot opens 1:1 DMs only
        if users[0] not in self.s.all_users():
            raise SlackError("user_not_found")
        return {"channel": {"id": self.s.dm_channel(users[0]), "is_im": True}}

    def conversations_join(self, args: dict) -> dict:
        """Public channels only; a private channel is joined by a member's /invite."""
        channel = self.s.resolve_channel(args.get("channel"))
        if channel is None or self.s.user_of_dm(channel):
            raise SlackError("channel_not_found")
        if self.s.channel_type(channel) != PUBLIC:
            self._check_member(channel)  # a private channel the bot is not in: channel_not_found
            raise SlackError("method_not_supported_for_channel_type")
        already = self.s.bot_is_member(channel)
        self.s.add_bot_to(channel)
        out: dict = {"channel": self._channel_object(channel)}
        if already:
            out.update(warning="already_in_channel", response_metadata={"warnings": ["already_in_channel"]})
        return out

    def _channel_object(self, channel: str) -> dict:
        name = next(w.channels[channel] for w in self.s.workspaces.values() if channel in w.channels)
        private = self.s.channel_type(channel) != PUBLIC
        return {
            "id": channel,
            "name": name,
            "is_channel": True,
            "is_group": False,
            "is_im": False,
            "is_private": private,
            "is_archived": False,
            "is_member": self.s.bot_is_member(channel),
        }

    def conversations_history(self, args: dict) -> dict:
        channel = self.s.resolve_channel(args.get("channel"))
        if channel is None:
            raise SlackError("channel_not_found")
        self._check_member(channel)
        oldest = float(args.get("oldest") or 0)
        limit = int(args.get("limit") or 100)
        include_meta = str(args.get("include_all_metadata", "")).lower() in ("true", "1")
        latest = float(args.get("latest") or "inf")
        msgs = [m for m in self.s.channel_messages(channel) if oldest < float(m.ts) < latest]
        msgs.sort(key=lambda m: float(m.ts), reverse=True)
        start = int(args.get("cursor") or 0)  # cursor = offset into the newest-first list
        out = []
        for m in msgs[start : start + limit]:
            d = m.as_slack()
            if not include_meta:
                d.pop("metadata", None)
            out.append(d)
        more = len(msgs) > start + limit
        return {
            "messages": out,
            "has_more": more,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    # -- chat -----------------------------------------------------------------------------
    def _post(self, args: dict, *, ephemeral_to: str | None = None) -> Message:
        channel = self.s.resolve_channel(args.get("channel"))
        if channel is None:
            raise SlackError("channel_not_found")
        dm_user = self.s.user_of_dm(channel)
        if dm_user and dm_user in self.s.unreachable_users:
            raise SlackError("cannot_dm_bot" if dm_user == BOT_USER_ID else "user_disabled")
        self._check_member(channel, posting=True)
        errors = check_message(args)
        if errors:
            raise SlackError(errors[0].split(":")[0], errors=errors)
        blocks, _ = load_json(args.get("blocks"), "blocks")
        metadata, errs = load_json(args.get("metadata"), "metadata")
        if errs:
            raise SlackError("invalid_metadata_format")
        msg = Message(
            channel=channel,
            ts=self.s.next_ts(),
            text=args.get("text") or "",
            blocks=blocks or [],
            user=BOT_USER_ID,
            bot_id=BOT_ID,
            metadata=metadata,
            thread_ts=args.get("thread_ts"),
            ephemeral_to=ephemeral_to,
            source="ephemeral" if ephemeral_to else "chat",
        )
        self.s.messages.append(msg)
        return msg

    def chat_postMessage(self, args: dict) -> dict:  # noqa: N802
        limits = self.s.posting_limits
        channel = self.s.resolve_channel(args.get("channel"))
        if limits is not None and channel:
            user = self.s.all_users().get(self.s.user_of_dm(channel) or "")
            wait = limits.check(user.team_id if user else "channel", channel)
            if wait:
                after = f"{wait:.3f}" if limits.time_scale != 1 else str(max(1, round(wait + 0.5)))
                raise SlackError("ratelimited", status=429, headers={"Retry-After": after})
        msg = self._post(args)
        return {"channel": msg.channel, "ts": msg.ts, "message": msg.as_slack()}

    def chat_postEphemeral(self, args: dict) -> dict:  # noqa: N802
        user = args.get("user")
        if user not in self.s.all_users():
            raise SlackError("user_not_in_channel")
        msg = self._post(args, ephemeral_to=user)
        return {"message_ts": msg.ts}

    def chat_update(self, args: dict) -> dict:
        channel = self.s.resolve_channel(args.get("channel"))
        if channel is None:
            raise SlackError("channel_not_found")
        target = next((m for m in self.s.messages if m.channel == channel and m.ts == args.get("ts")), None)
        if target is None or target.deleted:
            raise SlackError("message_not_found")
        if target.bot_id != BOT_ID:
            raise SlackError("cant_update_message")
        errors = check_message(args)
        if errors:
            raise SlackError(errors[0].split(":")[0], errors=errors)
        blocks, _ = load_json(args.get("blocks"), "blocks")
        target.text = args.get("text") or target.text
        target.blocks = blocks if blocks is not None else target.blocks
        if args.get("metadata"):
            target.metadata, _ = load_json(args.get("metadata"), "metadata")
        target.edited = True
        return {"channel": channel, "ts": target.ts, "text": target.text, "message": target.as_slack()}

    def chat_delete(self, args: dict) -> dict:
        channel = self.s.resolve_channel(args.get("channel"))
        target = next((m for m in self.s.messages if m.channel == channel and m.ts == args.get("ts")), None)
        if target is None or target.deleted:
            raise SlackError("message_not_found")
        target.deleted = True
        return {"channel": channel, "ts": target.ts}
