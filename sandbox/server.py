"""The sandbox server: SandboxServer runs the Web API imitation (+ response_url sink, file upload and
download, Socket Mode link) as a Starlette app under uvicorn on its own port, in its own thread.

State is kept in memory and can be read directly by tests (``SandboxServer.state``) or over HTTP
(``GET /sandbox/state``). Faults (429 with Retry-After, 5xx) can be injected per method.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute

from sandbox.checks import check_message, load_json
from sandbox.limits import Fault, PostingLimits
from sandbox.manifest import AppManifest
from sandbox.oauth import authorize_endpoint, basic_auth
from sandbox.socket_mode import SocketModeHub
from sandbox.state import APP_ID, BOT_ID, BOT_USER_ID, Message, SandboxState
from sandbox.users import Workspace
from sandbox.webapi import WebApi

if TYPE_CHECKING:
    from sandbox.persist import StateFile


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
        manifest: AppManifest | None = None,
    ) -> None:
        """``manifest``: the installed app as Slack knows it (scopes, escaping); manifest.yaml by default."""
        workspaces = workspace if isinstance(workspace, list) else [workspace]
        self.state = SandboxState(workspaces, bot_token, app_token, manifest)
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
        self.state_file: StateFile | None = None  # keep_state(): conversations kept across restarts

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    @property
    def authorize_url(self) -> str:
        """SLACK_AUTHORIZE_URL for an app installed through this sandbox."""
        return f"{self.base_url}/oauth/v2/authorize"

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

    def keep_state(self, path: Path, *, fresh: bool = False) -> bool:
        """Keep the conversations in ``path`` across restarts (sandbox/persist.py): load them now
        (``fresh``: drop them instead — a new database), save them while running and at ``stop()``.
        True when saved conversations were loaded."""
        from sandbox.persist import StateFile

        self.state_file = StateFile(self.state, path)
        if fresh:
            self.state_file.forget()
            return False
        return self.state_file.load()

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
            if (client := basic_auth(auth)) is not None:  # oauth.v2.access: client id and secret
                args["__basic__"] = client
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
            Route("/oauth/v2/authorize", authorize_endpoint(self), methods=["GET"]),
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
        if self.state_file is not None:
            self.state_file.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self.state_file is not None:
            self.state_file.stop()


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
