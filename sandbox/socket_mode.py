"""Socket Mode as Slack speaks it (shared/SLACK-FACTS.md §5.7), for `dealbot run` with an app token.

``apps.connections.open`` (app-level token) hands out a ``ws://`` URL on the sandbox; the app connects,
gets ``hello``, and then receives envelopes ``{envelope_id, type, payload, accepts_response_payload}``
(``events_api`` / ``slash_commands`` / ``interactive``) that it acks with ``{envelope_id, payload?}``.
``send`` pushes one envelope and returns the ack's payload — for a slash command that is the reply.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import threading
import time
import uuid
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

FRAME_TYPES = ("events_api", "slash_commands", "interactive")


class SocketModeError(RuntimeError):
    pass


class SocketModeHub:
    def __init__(self, base_url: str, app_id: str) -> None:
        self.base_url = base_url
        self.app_id = app_id
        self.tickets: set[str] = set()
        self.sockets: list[WebSocket] = []
        self.pending: dict[str, concurrent.futures.Future] = {}
        self.frames: list[dict] = []  # every frame sent and received, for tests
        self.loop: asyncio.AbstractEventLoop | None = None
        self.connected = threading.Event()
        self.lock = threading.Lock()

    # -- apps.connections.open -------------------------------------------------------------------
    def open_url(self) -> dict:
        ticket = uuid.uuid4().hex
        with self.lock:
            self.tickets.add(ticket)
        ws = self.base_url.replace("http://", "ws://", 1)
        return {"url": f"{ws}/link/?ticket={ticket}&app_id={self.app_id}"}

    # -- the WebSocket --------------------------------------------------------------------------------
    async def endpoint(self, websocket: WebSocket) -> None:
        ticket = websocket.query_params.get("ticket", "")
        with self.lock:
            known = ticket in self.tickets
            self.tickets.discard(ticket)  # a ticket opens one connection
        if not known:
            await websocket.close(code=1008)
            return
        await websocket.accept()
        self.loop = asyncio.get_running_loop()
        hello = {
            "type": "hello",
            "num_connections": len(self.sockets) + 1,
            "debug_info": {"host": "sandbox", "approximate_connection_time": 3600},
            "connection_info": {"app_id": self.app_id},
        }
        self.frames.append({"out": hello})
        await websocket.send_text(json.dumps(hello))
        with self.lock:
            self.sockets.append(websocket)
        self.connected.set()
        try:
            while True:
                self._on_frame(await websocket.receive_text())
        except WebSocketDisconnect:
            pass
        finally:
            with self.lock:
                if websocket in self.sockets:
                    self.sockets.remove(websocket)
                if not self.sockets:
                    self.connected.clear()

    def _on_frame(self, text: str) -> None:
        try:
            frame = json.loads(text)
        except json.JSONDecodeError:
            return
        self.frames.append({"in": frame})
        future = self.pending.pop(frame.get("envelope_id", ""), None)
        if future is not None and not future.done():
            future.set_result(frame.get("payload"))

    # -- pushing envelopes (tests, SlackSide) ---------------------------------------------------------------
    def wait_connected(self, timeout: float = 30) -> None:
        if not self.connected.wait(timeout):
            raise SocketModeError("no app connected over Socket Mode")

    def send(self, frame_type: str, payload: dict, *, timeout: float = 30, retry_attempt: int = 0) -> Any:
        """Push one envelope to the connected app and wait for its ack; returns the ack's payload."""
        if frame_type not in FRAME_TYPES:
            raise ValueError(frame_type)
        with self.lock:
            socket = self.sockets[-1] if self.sockets else None
        if socket is None or self.loop is None:
            raise SocketModeError("no app connected over Socket Mode")
        envelope_id = str(uuid.uuid4())
        future: concurrent.futures.Future = concurrent.futures.Future()
        self.pending[envelope_id] = future
        frame = {
            "envelope_id": envelope_id,
            "type": frame_type,
            "payload": payload,
            "accepts_response_payload": frame_type != "events_api",
            "retry_attempt": retry_attempt,
            "retry_reason": "",
        }
        self.frames.append({"out": frame})
        asyncio.run_coroutine_threadsafe(socket.send_text(json.dumps(frame)), self.loop).result(timeout)
        started = time.monotonic()
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError as e:
            self.pending.pop(envelope_id, None)
            raise SocketModeError(
                f"no ack for {frame_type} envelope after {time.monotonic() - started:.1f}s"
            ) from e
