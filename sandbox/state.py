"""The sandbox's in-memory state: the bot's ids, Message and Call records, and SandboxState (with
``snapshot()`` for ``GET /sandbox/state``), read directly by tests and the browser page.

SandboxState also holds what Slack knows of the installed app (its manifest: the token's scopes, each
command's escaping) and which channels the bot is a member of (``bot_channels``): none at first, as in
a fresh install; ``conversations.join`` (public channels) or an ``/invite`` (any) adds one."""

from __future__ import annotations

import base64
import itertools
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

from sandbox.limits import Fault, PostingLimits
from sandbox.manifest import AppManifest
from sandbox.scopes import IM, PRIVATE, PUBLIC
from sandbox.users import Workspace

BOT_USER_ID = "U0DEALBOT"
BOT_ID = "B0DEALBOT"
APP_ID = "A0DEALBOT"


@dataclass
class Message:
    channel: str
    ts: str
    text: str
    blocks: list[dict]
    user: str
    bot_id: str | None = None
    metadata: dict | None = None
    thread_ts: str | None = None
    ephemeral_to: str | None = None  # set for ephemeral messages and command replies
    source: str = "chat"  # chat | ephemeral | ack | response_url | file | system (the bot joined)
    edited: bool = False
    deleted: bool = False
    files: list[dict] = field(default_factory=list)

    def as_slack(self) -> dict:
        out: dict[str, Any] = {"type": "message", "ts": self.ts, "text": self.text, "blocks": self.blocks}
        if self.bot_id:
            out.update(bot_id=self.bot_id, user=self.user, app_id=APP_ID)
        else:
            out["user"] = self.user
        if self.metadata:
            out["metadata"] = self.metadata
        if self.thread_ts:
            out["thread_ts"] = self.thread_ts
        if self.files:
            out["files"] = self.files
        if self.source == "system":
            out["subtype"] = "channel_join"
        return out


@dataclass
class Call:
    method: str
    args: dict
    ok: bool
    error: str | None
    status: int
    at: float
    token: str | None = None  # which token made the call (sandbox tokens are not secrets)


class SandboxState:
    def __init__(
        self,
        workspaces: list[Workspace],
        bot_token: str,
        app_token: str,
        manifest: AppManifest | None = None,
    ) -> None:
        self.lock = threading.RLock()
        self.workspaces = {w.team_id: w for w in workspaces}
        self.manifest = manifest or AppManifest.default()
        self.bot_channels: set[str] = set()  # channels (not DMs) the bot is a member of
        self.bot_token = bot_token  # the single-workspace token (valid in every workspace) ...
        self.single_token = True  # ... unless turned off: then only tokens issued through OAuth work
        self.app_token = app_token
        from sandbox.oauth import OAuthRegistry

        self.oauth = OAuthRegistry()
        self.calls: list[Call] = []
        self.messages: list[Message] = []
        self.views: dict[str, dict] = {}  # view_id -> view (with "user_id", "team_id", "type")
        self.modal_stack: dict[str, list[str]] = {}  # user_id -> [view_id, ...] (max 3)
        self.home: dict[str, str] = {}  # user_id -> view_id
        self.triggers: dict[str, tuple[str, float]] = {}  # trigger_id -> (user_id, issued_at)
        self.used_triggers: set[str] = set()  # exchanged once already (views.open/push)
        self.response_urls: dict[str, dict] = {}  # id -> {"user_id", "channel", "uses", "message_ts"}
        self.faults: list[Fault] = []
        self.files: dict[str, dict] = {}
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self.unreachable_users: set[str] = set()
        self.posting_limits: PostingLimits | None = None  # off unless a test or bench turns it on

    # -- ids ------------------------------------------------------------------
    def next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    def next_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):08X}"

    # -- users and channels -----------------------------------------------------
    def all_users(self) -> dict[str, Any]:
        return {u.id: u for w in self.workspaces.values() for u in w.users}

    def dm_channel(self, user_id: str) -> str:
        return "D" + user_id.removeprefix("U")

    def user_of_dm(self, channel: str) -> str | None:
        if channel.startswith("D"):
            uid = "U" + channel[1:]
            return uid if uid in self.all_users() else None
        return None

    def resolve_channel(self, channel: str | None) -> str | None:
        """A channel id, a DM id, or a user id (chat.postMessage opens the DM) -> channel id."""
        if not channel:
            return None
        users = self.all_users()
        if channel in users:
            return self.dm_channel(channel)
        if self.user_of_dm(channel):
            return channel
        if any(channel in w.channels for w in self.workspaces.values()):
            return channel
        return None

    def channel_type(self, channel: str | None) -> str | None:
        """``public``, ``private`` or ``im`` for a known conversation (a user id means their DM), else None."""
        resolved = self.resolve_channel(channel)
        if resolved is None:
            return None
        if self.user_of_dm(resolved):
            return IM
        private = any(resolved in w.private for w in self.workspaces.values())
        return PRIVATE if private else PUBLIC

    def bot_is_member(self, channel: str) -> bool:
        """The bot is in every DM with it; in a channel only once it joined or was invited."""
        resolved = self.resolve_channel(channel)
        return resolved is not None and (
            self.user_of_dm(resolved) is not None or resolved in self.bot_channels
        )

    def add_bot_to(self, channel: str) -> None:
        """The bot becomes a member (conversations.join, or a person's ``/invite @dealbot``)."""
        resolved = self.resolve_channel(channel)
        if resolved is None or self.user_of_dm(resolved):
            raise LookupError(f"no channel {channel}")
        with self.lock:
            self.bot_channels.add(resolved)

    def remove_bot_from(self, channel: str) -> None:
        with self.lock:
            self.bot_channels.discard(self.resolve_channel(channel) or channel)

    def workspace_of(self, user_id: str) -> Workspace:
        return self.workspaces[self.all_users()[user_id].team_id]

    # -- reading (tests and the page) -----------------------------------------------
    def channel_messages(self, channel: str, *, visible_to: str | None = None) -> list[Message]:
        channel = self.resolve_channel(channel) or channel
        with self.lock:
            return [
                m
                for m in self.messages
                if m.channel == channel
                and not m.deleted
                and (m.ephemeral_to is None or m.ephemeral_to == visible_to)
            ]

    def dm(self, user_id: str, *, include_ephemeral: bool = False) -> list[Message]:
        return self.channel_messages(
            self.dm_channel(user_id), visible_to=user_id if include_ephemeral else None
        )

    def ephemerals(self, user_id: str) -> list[Message]:
        with self.lock:
            return [m for m in self.messages if m.ephemeral_to == user_id and not m.deleted]

    def calls_to(self, method: str, *, ok: bool | None = None) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.method == method and (ok is None or c.ok == ok)]

    def open_modal(self, user_id: str) -> dict | None:
        stack = self.modal_stack.get(user_id) or []
        return self.views[stack[-1]] if stack else None

    def home_view(self, user_id: str) -> dict | None:
        vid = self.home.get(user_id)
        return self.views[vid] if vid else None

    def issue_trigger(self, user_id: str) -> str:
        trigger = f"{next(self._ids)}.{int(time.time())}.{uuid.uuid4().hex[:24]}"
        self.triggers[trigger] = (user_id, time.monotonic())
        return trigger

    # -- keeping the conversations across a restart (sandbox/persist.py) --------------------------------
    PERSISTED = 1  # the format's version

    def to_saved(self) -> dict:
        """What a restart must not lose: messages, App Home views, the bot's channels,
        uploaded files, and the id counters (new ids never reuse a saved one). Modals, triggers and
        response URLs are a client's passing state: Slack drops them too."""
        with self.lock:
            return {
                "version": self.PERSISTED,
                # ephemeral messages are gone after a reload in Slack, and so they are here
                "messages": [asdict(m) for m in self.messages if m.ephemeral_to is None],
                "views": {vid: v for vid, v in self.views.items() if vid in set(self.home.values())},
                "home": dict(self.home),
                "bot_channels": sorted(self.bot_channels),
                "files": {
                    fid: {**f, "content": base64.b64encode(f["content"]).decode() if f["content"] else None}
                    for fid, f in self.files.items()
                },
                "next_ts": self._peek("_ts"),
                "next_id": self._peek("_ids"),
            }

    def restore(self, saved: dict) -> None:
        """Load what ``to_saved`` wrote (a file of another version or shape raises ValueError)."""
        if not isinstance(saved, dict) or saved.get("version") != self.PERSISTED:
            raise ValueError("not a saved sandbox state of this version")
        try:
            messages = [Message(**m) for m in saved["messages"]]
            files = {
                fid: {**f, "content": base64.b64decode(f["content"]) if f["content"] else None}
                for fid, f in saved["files"].items()
            }
            views, home = dict(saved["views"]), {str(u): str(v) for u, v in saved["home"].items()}
            channels, next_ts, next_id = (
                set(saved["bot_channels"]),
                int(saved["next_ts"]),
                int(saved["next_id"]),
            )
        except (KeyError, TypeError, AttributeError, ValueError) as e:
            raise ValueError(f"a damaged saved sandbox state: {e}") from e
        with self.lock:
            self.messages, self.files, self.views, self.home = messages, files, views, home
            self.bot_channels = channels
            self._ts, self._ids = itertools.count(next_ts), itertools.count(next_id)

    def _peek(self, name: str) -> int:
        """The next value of an id counter, without using it up (``count(7)`` says 7)."""
        return int(repr(getattr(self, name)).removeprefix("count(").removesuffix(")"))

    def snapshot(self) -> dict:
        with self.lock:
            return {
                "messages": [asdict(m) for m in self.messages if not m.deleted],
                "views": self.views,
                "modal_stack": self.modal_stack,
                "home": self.home,
                "calls": [asdict(c) for c in self.calls[-500:]],
                "users": {uid: u.as_slack() for uid, u in self.all_users().items()},
                "channels": {cid: name for w in self.workspaces.values() for cid, name in w.channels.items()},
                "private_channels": sorted(c for w in self.workspaces.values() for c in w.private),
                "bot_channels": sorted(self.bot_channels),
            }
