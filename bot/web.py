"""The HTTP face of the bot: POST /slack/events (Bolt), GET /healthz, in OAuth mode GET /slack/install and
GET /slack/oauth_redirect (Bolt's OAuth flow), and the dev clock (sandbox/tests)."""

from __future__ import annotations

import json
import logging
from contextlib import asynccontextmanager

import anyio
import anyio.to_thread
from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot import jobs
from bot.clock import parse_duration, parse_instant
from bot.deps import Deps
from bot.scheduler import start_scheduler
from storage.db import ping

log = logging.getLogger(__name__)


def create_asgi(deps: Deps, app: App, *, scheduler: bool = True) -> Starlette:
    # Bolt's App is synchronous: each request runs in a thread, at most DEALBOT_WEB_THREADS at once
    # per process (more threads only fight over the GIL and the database).
    limiter = anyio.CapacityLimiter(deps.settings.dealbot_web_threads)

    async def slack_events(request: Request) -> Response:
        body = await request.body()
        req = to_bolt_request(request, body)
        bolt_resp = await anyio.to_thread.run_sync(app.dispatch, req, limiter=limiter)
        return to_starlette_response(bolt_resp)

    async def healthz(_: Request) -> Response:
        ok = await run_in_threadpool(ping, deps.engine)
        return JSONResponse({"ok": ok}, status_code=200 if ok else 503)

    async def dev_clock(request: Request) -> Response:
        clock = deps.clock
        if request.method == "POST":
            try:
                data = json.loads(await request.body() or b"{}")
                if "advance" in data:
                    clock.advance(parse_duration(str(data["advance"])))
                elif "set" in data:
                    clock.set(parse_instant(str(data["set"])))
                else:
                    raise ValueError('give {"advance": "P15D"} or {"set": "<ISO-8601>"}')
            except (ValueError, TypeError) as e:
                return JSONResponse({"ok": False, "error": str(e)}, status_code=400)
        return JSONResponse({"ok": True, "now": clock.now().isoformat()})

    async def dev_run_due(_: Request) -> Response:
        results = await run_in_threadpool(jobs.run_due, deps, app.client, deps.clock.now())
        return JSONResponse({"ok": True, "now": deps.clock.now().isoformat(), "jobs": _jsonable(results)})

    routes = [
        Route("/slack/events", slack_events, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
    ]
    flow = app.oauth_flow
    if flow is not None:  # OAuth mode: Bolt's install page and redirect handler

        async def oauth(request: Request) -> Response:
            req = to_bolt_request(request, await request.body())
            handle = (
                flow.handle_installation if request.url.path == flow.install_path else flow.handle_callback
            )
            bolt_resp = await anyio.to_thread.run_sync(handle, req, limiter=limiter)
            return to_starlette_response(bolt_resp)

        routes += [
            Route(flow.install_path, oauth, methods=["GET"]),
            Route(flow.redirect_uri_path, oauth, methods=["GET"]),
        ]
    if deps.settings.dealbot_dev_clock:
        routes += [
            Route("/dev/clock", dev_clock, methods=["GET", "POST"]),
            Route("/dev/run-due", dev_run_due, methods=["POST"]),
        ]

    @asynccontextmanager
    async def lifespan(_: Starlette):  # noqa: ANN202
        sched = start_scheduler(deps, app.client) if scheduler else None
        try:
            yield
        finally:
            if sched is not None:
                sched.shutdown(wait=False)
            deps.engine.dispose()

    return Starlette(routes=routes, lifespan=lifespan)


def _jsonable(results: dict) -> dict:
    return {
        k: v if isinstance(v, int | float | str | bool | type(None) | dict | list) else str(v)
        for k, v in results.items()
    }


def asgi_from_env() -> Starlette:
    """Factory for `uvicorn --factory` workers: each worker builds its own deps and app."""
    from bot.config import Settings
    from bot.logs import configure_logging
    from bot.runtime import build

    settings = Settings()
    configure_logging(settings.dealbot_log_level, settings.secret_values)
    deps, app = build(settings)
    return create_asgi(deps, app)
