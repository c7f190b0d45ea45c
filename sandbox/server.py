"""The sandbox server: Web API imitation (+ response_url sink) on its own port, in its own thread.

State is kept in memory and can be read directly by tests (``SandboxServer.state``) or over HTTP
(``GET /sandbox/state``). Faults (429 with Retry-After, 5xx) can be injected per method.
"""

from __future__ import annotations

import itertools
import json
import socket
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute

from sandbox.checks import check_message, check_view, load_json
from sandbox.socket_mode import SocketModeHub
from sandbox.users import Workspace

BOT_USER_ID = "U0DEALBOT"
BOT_ID = "B0DEALBOT"
APP_ID = "A0DEALBOT"
TRIGGER_TTL = 3.0


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
    source: str = "chat"  # chat | ephemeral | ack | response_url | file
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
        return out


@dataclass
class Call:
    method: str
    args: dict
    ok: bool
    error: str | None
    status: int
    at: float


@dataclass
class Fault:
    method: str
    status: int
    retry_after: int | None = None
    times: int | None = 1  # None = forever
    every: int | None = None  # every Nth call of the method
    error: str | None = None
    seen: int = 0


class TokenBucket:
    """``rate`` tokens a second, bursts up to ``capacity``; ``take`` answers the wait when empty."""

    def __init__(self, rate: float, capacity: float) -> None:
        self.rate, self.capacity = rate, capacity
        self.tokens, self.at = capacity, time.monotonic()

    def take(self) -> float:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


@dataclass
class PostingLimits:
    """Slack's posting limits (chat.postMessage): ~1 message/s per channel and several hundred a
    minute per workspace, with bursts; ``time_scale`` speeds time up (100 = limits 100x higher)."""

    per_channel_per_second: float = 1.0
    per_workspace_per_minute: float = 600.0
    time_scale: float = 1.0
    buckets: dict = field(default_factory=dict)

    def check(self, team_id: str, channel: str) -> float:
        """0 when the post may go now, else the seconds to wait (the Retry-After)."""
        ch_rate = self.per_channel_per_second * self.time_scale
        ws_rate = self.per_workspace_per_minute / 60 * self.time_scale
        ch = self.buckets.setdefault(("ch", channel), TokenBucket(ch_rate, max(1.0, ch_rate)))
        ws = self.buckets.setdefault(("ws", team_id), TokenBucket(ws_rate, max(1.0, ws_rate)))
        wait = ch.take()
        if wait:
            return wait
        wait = ws.take()
        if wait:
            ch.tokens += 1  # not posted: give the channel its token back
        return wait


class SandboxState:
    def __init__(self, workspaces: list[Workspace], bot_token: str, app_token: str) -> None:
        self.lock = threading.RLock()
        self.workspaces = {w.team_id: w for w in workspaces}
        self.bot_token = bot_token
        self.app_token = app_token
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
            }


class SlackError(Exception):
    def __init__(self, error: str, status: int = 200, headers: dict | None = None, **extra: Any) -> None:
        super().__init__(error)
        self.error, self.status, self.headers, self.extra = error, status, headers or {}, extra


class WebApi:
    """One method per Web API call; each takes the merged arguments and returns the ``ok`` body."""

    def __init__(self, state: SandboxState, server: SandboxServer) -> None:
        self.s = state
        self.server = server

    def call(self, method: str, args: dict, token: str | None) -> tuple[int, dict, dict]:
        fn = getattr(self, method.replace(".", "_"), None)
        with self.s.lock:
            try:
                if fn is None:
                    raise SlackError("unknown_method")
                self._check_fault(method)
                self._check_token(method, token)
                body = {"ok": True, **fn(args)}
                status, headers = 200, {}
            except SlackError as e:
                body = {"ok": False, "error": e.error, **e.extra}
                status, headers = e.status, e.headers
            self.s.calls.append(Call(method, args, body["ok"], body.get("error"), status, time.time()))
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

    def _check_token(self, method: str, token: str | None) -> None:
        expected = self.s.app_token if method == "apps.connections.open" else self.s.bot_token
        if not token:
            raise SlackError("not_authed")
        if token != expected:
            raise SlackError("invalid_auth")

    # -- auth -------------------------------------------------------------------------
    def apps_connections_open(self, args: dict) -> dict:
        """Socket Mode: a ws:// URL on this server (app-level token, checked in ``_check_token``)."""
        return self.server.socket_mode.open_url()

    def auth_test(self, args: dict) -> dict:
        team = next(iter(self.s.workspaces.values()))
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

    def conversations_history(self, args: dict) -> dict:
        channel = self.s.resolve_channel(args.get("channel"))
        if channel is None:
            raise SlackError("channel_not_found")
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

    # -- views ------------------------------------------------------------------------------
    def _take_trigger(self, trigger_id: str | None) -> str:
        if trigger_id in self.s.used_triggers:
            raise SlackError("exchanged_trigger_id")
        entry = self.s.triggers.pop(trigger_id or "", None)
        if entry is None:
            raise SlackError("invalid_trigger_id")
        self.s.used_triggers.add(trigger_id)
        user_id, issued = entry
        if time.monotonic() - issued > TRIGGER_TTL:
            raise SlackError("expired_trigger_id")
        return user_id

    def _store_view(self, view: Any, *, user_id: str, view_id: str | None = None) -> dict:
        errors = check_view(view)
        if errors:  # views.* answer invalid_arguments with the details in response_metadata
            code = "view_too_large" if errors[0] == "view_too_large" else "invalid_arguments"
            raise SlackError(code, response_metadata={"messages": [f"[ERROR] {e}" for e in errors]})
        view, _ = load_json(view, "view")
        view_id = view_id or self.s.next_id("V")
        stored = {
            **view,
            "id": view_id,
            "team_id": self._team_of(user_id),
            "user_id": user_id,
            "app_id": APP_ID,
            "bot_id": BOT_ID,
            "hash": uuid.uuid4().hex[:16],
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "state": {"values": {}},
            "errors": {},
        }
        self.s.views[view_id] = stored
        return stored

    def _team_of(self, user_id: str) -> str:
        user = self.s.all_users().get(user_id)
        return user.team_id if user else next(iter(self.s.workspaces))

    def views_open(self, args: dict) -> dict:
        user_id = self._take_trigger(args.get("trigger_id"))
        view = self._store_view(args.get("view"), user_id=user_id)
        self.s.modal_stack[user_id] = [view["id"]]
        return {"view": view}

    def views_push(self, args: dict) -> dict:
        user_id = self._take_trigger(args.get("trigger_id"))
        stack = self.s.modal_stack.setdefault(user_id, [])
        if len(stack) >= 3:
            raise SlackError("push_limit_reached")
        view = self._store_view(args.get("view"), user_id=user_id)
        stack.append(view["id"])
        return {"view": view}

    def views_update(self, args: dict) -> dict:
        view_id = args.get("view_id")
        if not view_id and args.get("external_id"):
            view_id = next(
                (k for k, v in self.s.views.items() if v.get("external_id") == args["external_id"]), None
            )
        old = self.s.views.get(view_id or "")
        if old is None:
            raise SlackError("not_found")
        if args.get("hash") and args["hash"] != old["hash"]:
            raise SlackError("hash_conflict")
        view = self._store_view(args.get("view"), user_id=old["user_id"], view_id=old["id"])
        return {"view": view}

    def views_publish(self, args: dict) -> dict:
        user_id = args.get("user_id")
        if user_id not in self.s.all_users():
            raise SlackError("user_not_found")
        view, errs = load_json(args.get("view"), "view")
        if errs or not isinstance(view, dict) or view.get("type") != "home":
            raise SlackError("invalid_arguments")
        old_id = self.s.home.get(user_id)
        if old_id and args.get("hash") and args["hash"] != self.s.views[old_id]["hash"]:
            raise SlackError("hash_conflict")
        stored = self._store_view(view, user_id=user_id, view_id=old_id)
        self.s.home[user_id] = stored["id"]
        return {"view": stored}

    # -- files v2 (files_upload_v2: get an upload URL, POST the bytes there, complete) ---------------
    def files_getUploadURLExternal(self, args: dict) -> dict:  # noqa: N802
        filename = (args.get("filename") or "").strip()
        try:
            length = int(args.get("length") or "")
        except ValueError:
            raise SlackError("invalid_arguments") from None
        if not filename or length <= 0:
            raise SlackError("invalid_arguments")
        file_id = self.s.next_id("F")
        self.s.files[file_id] = {
            "id": file_id,
            "name": filename,
            "title": filename,
            "length": length,
            "alt_txt": args.get("alt_txt"),
            "content": None,
            "completed": False,
        }
        return {"upload_url": f"{self.server.base_url}/upload/v1/{file_id}", "file_id": file_id}

    def files_completeUploadExternal(self, args: dict) -> dict:  # noqa: N802
        items, errs = load_json(args.get("files"), "files")
        if errs or not isinstance(items, list) or not items:
            raise SlackError("invalid_arguments")
        stored = []
        for item in items:
            f = self.s.files.get(str(item.get("id")))
            if f is None or f["content"] is None or f["completed"]:
                raise SlackError("file_not_found" if f is None else "invalid_file")
            stored.append((f, item))
        target = args.get("channel_id") or (args.get("channels") or "").split(",")[0] or None
        channel = self.s.resolve_channel(target) if target else None
        if target and channel is None:
            raise SlackError("channel_not_found")
        out = []
        for f, item in stored:
            f["completed"] = True
            f["title"] = item.get("title") or f["name"]
            out.append(self._file_object(f))
        if channel:
            self.s.messages.append(
                Message(
                    channel=channel,
                    ts=self.s.next_ts(),
                    text=args.get("initial_comment") or "",
                    blocks=[],
                    user=BOT_USER_ID,
                    bot_id=BOT_ID,
                    thread_ts=args.get("thread_ts") or None,
                    files=out,
                    source="file",
                )
            )
        return {"files": out}

    def _file_object(self, f: dict) -> dict:
        ext = f["name"].rsplit(".", 1)[-1].lower() if "." in f["name"] else ""
        mimetype = {"png": "image/png", "csv": "text/csv", "txt": "text/plain"}.get(
            ext, "application/octet-stream"
        )
        return {
            "id": f["id"],
            "name": f["name"],
            "title": f["title"],
            "mimetype": mimetype,
            "filetype": ext,
            "size": len(f["content"] or b""),
            "url_private": f"{self.server.base_url}/files/{f['id']}",
        }

    def upload_bytes(self, file_id: str, data: bytes) -> tuple[int, str]:
        """The raw POST to an upload_url (no token, no JSON envelope): 200 "OK" or an HTTP error."""
        with self.s.lock:
            try:
                self._check_fault("files.upload.v1")
            except SlackError as e:
                status = e.status if e.status != 200 else 500
                self.s.calls.append(
                    Call("files.upload.v1", {"file_id": file_id}, False, e.error, status, time.time())
                )
                return status, e.error
            f = self.s.files.get(file_id)
            if f is None or f["completed"]:
                return 404, "not_found"
            f["content"] = data
            self.s.calls.append(
                Call("files.upload.v1", {"file_id": file_id, "size": len(data)}, True, None, 200, time.time())
            )
        return 200, "OK - " + str(len(data))


class SandboxServer:
    """The Web API imitation on 127.0.0.1:<port>, running uvicorn in a daemon thread."""

    def __init__(
        self,
        *,
        port: int = 0,
        workspace: Workspace | list[Workspace],
        signing_secret: str,
        app_url: str | None = None,
        bot_token: str = "xoxb-sandbox-0000-dealbot",
        app_token: str = "xapp-sandbox-0000-dealbot",
    ) -> None:
        workspaces = workspace if isinstance(workspace, list) else [workspace]
        self.state = SandboxState(workspaces, bot_token, app_token)
        self.api = WebApi(self.state, self)
        self.signing_secret = signing_secret
        self.app_url = app_url
        self.bot_token, self.app_token = bot_token, app_token
        # proto IPPROTO_TCP: asyncio then sets TCP_NODELAY on each connection (no 40 ms Nagle stalls)
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", port))
        self.port = self._sock.getsockname()[1]
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.extra_routes: list[Route] = []
        self.socket_mode = SocketModeHub(self.base_url, APP_ID)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def response_url(self, user_id: str, channel: str) -> str:
        rid = uuid.uuid4().hex
        self.state.response_urls[rid] = {"user_id": user_id, "channel": channel, "uses": 0}
        return f"{self.base_url}/response/{rid}"

    def inject(
        self,
        method: str,
        status: int,
        *,
        retry_after: int | None = None,
        times: int | None = 1,
        every: int | None = None,
        error: str | None = None,
    ) -> Fault:
        fault = Fault(method, status, retry_after, times, every, error)
        with self.state.lock:
            self.state.faults.append(fault)
        return fault

    def limit_posting(
        self,
        *,
        per_channel_per_second: float = 1.0,
        per_workspace_per_minute: float = 600.0,
        time_scale: float = 1.0,
    ) -> PostingLimits:
        """Enforce Slack's posting limits on chat.postMessage (429 + Retry-After when exceeded)."""
        limits = PostingLimits(per_channel_per_second, per_workspace_per_minute, time_scale)
        with self.state.lock:
            self.state.posting_limits = limits
        return limits

    def clear_faults(self) -> None:
        with self.state.lock:
            self.state.faults.clear()

    # -- HTTP --------------------------------------------------------------------------------
    def asgi(self) -> Starlette:
        async def api(request: Request) -> Response:
            method = request.path_params["method"]
            args = await _read_args(request)
            # the token arrives as a Bearer header (slack_sdk) or a form field
            auth = request.headers.get("authorization", "")
            token = (
                auth.removeprefix("Bearer ").strip()
                if auth.startswith("Bearer ")
                else args.pop("token", None)
            )
            status, headers, body = self.api.call(method, args, token)
            return JSONResponse(body, status_code=status, headers=headers)

        async def response_sink(request: Request) -> Response:
            return self._response_url_post(request.path_params["rid"], await request.body())

        async def state(_: Request) -> Response:
            return JSONResponse(self.state.snapshot())

        async def upload(request: Request) -> Response:
            raw = await request.body()
            if "multipart/form-data" in request.headers.get("content-type", ""):
                form = await request.form()
                part = next((v for v in form.values() if not isinstance(v, str)), None)
                raw = await part.read() if part is not None else b""
            status, text = self.api.upload_bytes(request.path_params["file_id"], raw)
            return PlainTextResponse(text, status_code=status)

        async def file_content(request: Request) -> Response:
            f = self.state.files.get(request.path_params["file_id"])
            if f is None or f["content"] is None:
                return PlainTextResponse("file_not_found", status_code=404)
            return Response(f["content"], media_type=self.api._file_object(f)["mimetype"])

        routes = [
            Route("/api/{method}", api, methods=["GET", "POST"]),
            Route("/response/{rid}", response_sink, methods=["POST"]),
            Route("/sandbox/state", state, methods=["GET"]),
            Route("/upload/v1/{file_id}", upload, methods=["POST"]),
            Route("/files/{file_id}", file_content, methods=["GET"]),
            WebSocketRoute("/link/", self.socket_mode.endpoint),
            *self.extra_routes,
        ]
        return Starlette(routes=routes)

    def _response_url_post(self, rid: str, raw: bytes) -> Response:
        with self.state.lock:
            entry = self.state.response_urls.get(rid)
            if entry is None:
                return PlainTextResponse("no_service", status_code=404)
            entry["uses"] += 1
            if entry["uses"] > 5:
                return PlainTextResponse("used_url", status_code=404)
            try:
                payload = json.loads(raw or b"{}")
            except json.JSONDecodeError:
                return PlainTextResponse("invalid_payload", status_code=400)
            errors = check_message(payload)
            if errors:
                return PlainTextResponse(errors[0], status_code=400)
            self._apply_response(entry, payload)
        return PlainTextResponse("ok")

    def _apply_response(self, entry: dict, payload: dict) -> None:
        """response_url semantics: replace/delete the original, or post (ephemeral by default)."""
        original = entry.get("message_ts")
        target = next(
            (
                m
                for m in self.state.messages
                if original and m.ts == original and m.channel == entry["channel"]
            ),
            None,
        )
        if payload.get("delete_original") and target:
            target.deleted = True
            return
        blocks, _ = load_json(payload.get("blocks"), "blocks")
        if payload.get("replace_original") and target:
            target.text, target.blocks, target.edited = payload.get("text") or "", blocks or [], True
            return
        in_channel = payload.get("response_type") == "in_channel"
        self.state.messages.append(
            Message(
                channel=entry["channel"],
                ts=self.state.next_ts(),
                text=payload.get("text") or "",
                blocks=blocks or [],
                user=BOT_USER_ID,
                bot_id=BOT_ID,
                ephemeral_to=None if in_channel else entry["user_id"],
                source="response_url",
            )
        )

    def start(self) -> SandboxServer:
        config = uvicorn.Config(self.asgi(), log_level="warning", access_log=False, lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, name="sandbox", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("sandbox did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)


async def _read_args(request: Request) -> dict:
    args: dict[str, Any] = dict(request.query_params)
    ctype = request.headers.get("content-type", "")
    raw = await request.body()
    if "application/json" in ctype and raw:
        try:
            args.update(json.loads(raw))
        except json.JSONDecodeError:
            args["__invalid_json__"] = True
    elif "multipart/form-data" in ctype:
        form = await request.form()
        args.update({k: v for k, v in form.items() if isinstance(v, str)})
    elif raw:
        args.update(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
    return args
