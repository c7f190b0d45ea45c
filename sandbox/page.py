"""The sandbox page: static files under ``sandbox/page/`` and the endpoints the page calls.

Every action goes the real way: the page posts here, ``SlackSide`` sends Slack's signed request to
the bot, the bot's Web API calls land in the sandbox, and the page polls ``/sandbox/ui`` for what a
user would see. The clock control uses the bot's documented ``/dev/clock`` and ``/dev/run-due``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from sandbox.server import SandboxServer
from sandbox.slack_side import SlackSide, view_state
from sandbox.state import Message

PAGE_DIR = Path(__file__).parent / "page"
STATIC = {"app.js": "text/javascript", "style.css": "text/css", "blocks.js": "text/javascript"}


class PageError(Exception):
    """A request the page should not have made (unknown user, message or view)."""


class PageActions:
    """What the page can do; each call is what a Slack client would send for that user gesture."""

    def __init__(
        self,
        server: SandboxServer,
        *,
        team_tz: str = "Asia/Shanghai",
        demo_loader: Callable[[], Any] | None = None,
    ) -> None:
        self.server = server
        self.state = server.state
        self.team_tz = team_tz
        self.demo_loader = demo_loader
        self._side: SlackSide | None = None

    @property
    def side(self) -> SlackSide:
        """One sender (one HTTP client) per bot URL: a test may point the sandbox at a restarted bot."""
        if self._side is None or self._side.app_url != (self.server.app_url or "").rstrip("/"):
            self._side = SlackSide(self.server)
        return self._side

    # -- reading ----------------------------------------------------------------------------------
    def ui_state(self, user_id: str) -> dict:
        s = self.state
        users = s.all_users()
        if user_id not in users:
            raise PageError(f"unknown user {user_id}")
        me = users[user_id]
        team = s.workspaces[me.team_id]
        with s.lock:
            dm = s.dm_channel(user_id)
            channels = [
                {"id": cid, "name": name, "private": cid in team.private, "bot": cid in s.bot_channels}
                for cid, name in team.channels.items()
            ]
            visible = {dm, *team.channels}
            messages = [
                _message_json(m)
                for m in s.messages
                if m.channel in visible and not m.deleted and m.ephemeral_to in (None, user_id)
            ]
            stack = s.modal_stack.get(user_id) or []
            modal = s.views.get(stack[-1]) if stack else None
            home = s.home_view(user_id)
            return {
                "me": user_id,
                "team_id": me.team_id,
                "workspaces": self.workspaces(),
                "install_url": f"{(self.server.app_url or '').rstrip('/')}/slack/install",
                "dm": dm,
                "users": [u.as_slack() for u in team.users],
                "channels": channels,
                "messages": messages,
                "modal": modal,
                "modal_depth": len(stack),
                "home": home,
            }

    def workspaces(self) -> list[dict]:
        """Every sandbox workspace: whether dealbot is installed there, and who to be when switching to it."""
        s = self.state
        return [
            {
                "team_id": w.team_id,
                "domain": w.domain,
                "installed": w.team_id in s.oauth.installed,
                "first_user": next((u.id for u in w.users if not u.deleted), None),
            }
            for w in s.workspaces.values()
        ]

    def clock(self, user_id: str | None = None) -> dict:
        """The bot's clock; with ``user_id``, also where that person's working time next begins and
        what the bot has queued in their workspace (the bot's ``/dev/queue``, loopback only as well)."""
        if not self.server.app_url:
            return {"ok": False, "error": "no bot"}
        r = httpx.get(f"{self.server.app_url}/dev/clock", timeout=10)
        out = r.json()
        if user_id and user_id in self.state.all_users() and r.status_code == 200:
            q = self._queue(user_id)
            if q.get("ok"):
                names = {u.id: u.real_name for u in self.state.workspace_of(user_id).users}
                for item in q["queue"]:
                    item["owner_name"] = names.get(item["owner"], item["owner"])
                out.update(me=q["me"], queue=q["queue"])
        return out

    def _queue(self, user_id: str, http: httpx.Client | None = None) -> dict:
        me = self.state.all_users()[user_id]
        get = (http or httpx).get
        params = {"team": me.team_id, "user": user_id, "tz": me.tz}  # the zone Slack knows for them
        r = get(f"{self.server.app_url}/dev/queue", params=params, timeout=10)
        return r.json() if r.status_code == 200 else {"ok": False, "error": r.text[:200]}

    # -- acting ----------------------------------------------------------------------------------------
    def command(self, user_id: str, command: str, text: str, channel: str | None) -> dict:
        """The composer's text goes as the user typed it; SlackSide escapes it as the manifest says."""
        if command == "/invite":
            return self.invite(user_id, text, channel)
        reply = self.side.command(user_id, command, text, channel_id=channel or None)
        return {"status": reply.status}

    def invite(self, user_id: str, text: str, channel: str | None) -> dict:
        """Slack's own ``/invite @dealbot`` in a channel (only the bot can be invited here)."""
        if (
            not channel
            or self.state.user_of_dm(channel)
            or channel not in self.state.workspace_of(user_id).channels
        ):
            raise PageError("/invite works in a channel")
        if text.strip().lstrip("@").lower() != "dealbot":
            raise PageError("the sandbox imitates only /invite @dealbot")
        self.side.invite_bot(user_id, channel)
        return {"status": 200}

    def dm(self, user_id: str, text: str) -> dict:
        return {"status": self.side.dm(user_id, text).status}

    def say(self, user_id: str, channel: str, text: str) -> dict:
        """A user's message in a channel (the bot does not subscribe to channel messages)."""
        with self.state.lock:
            self.state.messages.append(
                Message(channel=channel, ts=self.state.next_ts(), text=text, blocks=[], user=user_id)
            )
        return {"status": 200}

    def home(self, user_id: str) -> dict:
        return {"status": self.side.open_home(user_id).status}

    def click(self, user_id: str, data: dict) -> dict:
        source = self._source(user_id, data)
        if isinstance(source, dict) and data.get("values"):
            source = {**source, "state": {"values": view_state(source, data["values"])}}
        reply = self.side.click(
            user_id,
            source,
            data["action_id"],
            value=data.get("value"),
            selected=data.get("selected"),
            selected_date=data.get("selected_date"),
            block_id=data.get("block_id"),
        )
        return {"status": reply.status}

    def submit(self, user_id: str, view_id: str, values: dict) -> dict:
        view = self.state.views.get(view_id)
        if view is None or view.get("user_id") != user_id:
            raise PageError("no such view")
        reply = self.side.submit(user_id, values, view=view)
        return {"status": reply.status}

    def close(self, user_id: str, view_id: str | None) -> dict:
        with self.state.lock:
            stack = self.state.modal_stack.get(user_id) or []
            if stack and (view_id is None or stack[-1] == view_id):
                stack.pop()
        return {"status": 200}

    def move_clock(self, action: str, user_id: str | None = None) -> dict:
        """+1 day, +15 days or next Monday 09:00 (team time); or, for the person viewing the page, their
        next working day (``working_day``: the same time on their next working day, inside their working
        hours) or next Monday at the start of their day (``my_monday``), in their zone and the team's
        working hours as the bot reckons them. Then run what is due at the new time."""
        base = self.server.app_url
        if not base:
            raise PageError("no bot")
        with httpx.Client(timeout=120) as http:
            if action.startswith("P"):
                body: dict = {"advance": action}
            elif action == "next_monday":
                now = datetime.fromisoformat(http.get(f"{base}/dev/clock").json()["now"])
                body = {"set": next_monday_9(now, self.team_tz).isoformat()}
            elif action in ("working_day", "my_monday"):
                if not user_id or user_id not in self.state.all_users():
                    raise PageError(f"unknown user {user_id}")
                q = self._queue(user_id, http)
                if not q.get("ok"):
                    return q
                body = {"set": q["me"]["next_working_day" if action == "working_day" else "next_monday"]}
            else:
                raise PageError(f"unknown clock action {action!r}")
            moved = http.post(f"{base}/dev/clock", json=body)
            if moved.status_code != 200:
                return moved.json()
            due = http.post(f"{base}/dev/run-due")
            return {"ok": due.status_code == 200, "now": moved.json()["now"], "jobs": due.json().get("jobs")}

    def demo(self) -> dict:
        if self.demo_loader is None:
            raise PageError("demo data is not available here")
        return {"ok": True, "result": str(self.demo_loader())}

    def _source(self, user_id: str, data: dict) -> Message | dict:
        if data.get("view_id"):
            view = self.state.views.get(data["view_id"])
            if view is None or view.get("user_id") != user_id:
                raise PageError("no such view")
            return view
        with self.state.lock:
            for m in self.state.messages:
                if m.channel == data.get("channel") and m.ts == data.get("ts") and not m.deleted:
                    return m
        raise PageError("no such message")


def next_monday_9(now: datetime, tz: str) -> datetime:
    """The next Monday 09:00 in ``tz`` strictly after ``now``."""
    local = now.astimezone(ZoneInfo(tz))
    days = (7 - local.weekday()) % 7
    target = local.replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(days=days)
    if target <= local:
        target += timedelta(days=7)
    return target


def _message_json(m: Message) -> dict:
    return {
        "channel": m.channel,
        "ts": m.ts,
        "text": m.text,
        "blocks": m.blocks,
        "user": m.user,
        "bot": m.bot_id is not None,
        "ephemeral": m.ephemeral_to is not None,
        "edited": m.edited,
        "thread_ts": m.thread_ts,
        "files": m.files,
    }


def page_routes(actions: PageActions) -> list[Route]:
    """Routes to add to ``SandboxServer.extra_routes`` before ``start()``."""

    async def index(_: Request) -> Response:
        return FileResponse(PAGE_DIR / "index.html", media_type="text/html; charset=utf-8")

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            return JSONResponse({"error": "not found"}, status_code=404)
        return FileResponse(PAGE_DIR / name, media_type=f"{STATIC[name]}; charset=utf-8")

    def endpoint(fn: Callable[[dict], dict]) -> Callable:
        async def handle(request: Request) -> Response:
            try:
                data = json.loads(await request.body() or b"{}")
                # the bot calls back into this server while we wait: never block its event loop
                result = await run_in_threadpool(fn, data)
            except (PageError, LookupError, KeyError, ValueError) as e:
                return JSONResponse({"ok": False, "error": str(e)}, status_code=400)
            except httpx.HTTPError as e:
                return JSONResponse({"ok": False, "error": f"bot unreachable: {e}"}, status_code=502)
            return JSONResponse({"ok": True, **result})

        return handle

    async def ui(request: Request) -> Response:
        try:
            return JSONResponse(actions.ui_state(request.query_params.get("user", "")))
        except PageError as e:
            return JSONResponse({"ok": False, "error": str(e)}, status_code=400)

    async def clock(request: Request) -> Response:
        try:
            return JSONResponse(await run_in_threadpool(actions.clock, request.query_params.get("user")))
        except httpx.HTTPError as e:
            return JSONResponse({"ok": False, "error": str(e)}, status_code=502)

    a = actions
    posts = {
        "command": lambda d: a.command(d["user"], d["command"], d.get("text", ""), d.get("channel")),
        "dm": lambda d: a.dm(d["user"], d["text"]),
        "say": lambda d: a.say(d["user"], d["channel"], d["text"]),
        "home": lambda d: a.home(d["user"]),
        "click": lambda d: a.click(d["user"], d),
        "submit": lambda d: a.submit(d["user"], d["view_id"], d.get("values") or {}),
        "close": lambda d: a.close(d["user"], d.get("view_id")),
        "clock": lambda d: a.move_clock(d["action"], d.get("user")),
        "demo-data": lambda d: a.demo(),
    }
    return [
        Route("/", index, methods=["GET"]),
        Route("/static/{name}", static, methods=["GET"]),
        Route("/sandbox/ui", ui, methods=["GET"]),
        Route("/sandbox/clock", clock, methods=["GET"]),
        *[Route(f"/sandbox/{name}", endpoint(fn), methods=["POST"]) for name, fn in posts.items()],
    ]
