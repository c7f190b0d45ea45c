"""The HTTP face of the bot: POST /slack/events (Bolt), GET /healthz, in OAuth mode GET /slack/install and
GET /slack/oauth_redirect (Bolt's OAuth flow), and the dev clock (sandbox only).

Every request to /slack/events passes, in order: a size cap (413), the admission gate (503 +
Retry-After when this process is saturated), Slack's signature (401), the shape of the body (400 and a
log line for a body Slack would never send, ``bot.slack_gate``), then Bolt. The OAuth pages pass the
admission gate too.
"""

from __future__ import annotations

import gc
import json
import logging
import re
from contextlib import asynccontextmanager
from urllib.parse import urlparse

from slack_bolt import App, BoltResponse
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_sdk.signature import SignatureVerifier
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot import jobs
from bot.admission import Admission
from bot.clock import move_clock
from bot.config import LOOPBACK_HOSTS, Settings
from bot.deps import Deps
from bot.scheduler import start_scheduler
from bot.slack_gate import MAX_BODY_BYTES, Malformed, check_body, decode
from storage.db import ping

log = logging.getLogger(__name__)
INVALID = {"error": "invalid request"}  # what Bolt answers to a bad signature


def create_asgi(deps: Deps, app: App, *, scheduler: bool = True) -> Starlette:
    settings = deps.settings
    admission = Admission.from_settings(settings)
    verifier = SignatureVerifier(settings.slack_signing_secret or "")
    hooks = response_url_prefixes(settings)

    def handle(body: bytes, request: Request) -> BoltResponse:
        """In a request thread: signature, shape, then Bolt."""
        try:
            text = decode(body)
            if not verifier.is_valid_request(text, dict(request.headers)):
                return BoltResponse(status=401, body=json.dumps(INVALID))
            check_body(text, request.headers.get("content-type"), hooks)
        except Malformed as e:
            client = request.client.host if request.client else "?"
            log.warning("rejected a malformed Slack request from %s: %s", client, e)
            return BoltResponse(status=400, body=json.dumps({"error": "malformed request"}))
        return app.dispatch(to_bolt_request(request, body))

    async def slack_events(request: Request) -> Response:
        body = await _read_capped(request)
        if body is None:
            return JSONResponse({"error": "request too large"}, status_code=413)
        bolt_resp = await admission.run(handle, body, request)
        if bolt_resp is None:
            return JSONResponse(
                {"error": "busy"}, status_code=503, headers={"Retry-After": str(admission.retry_after)}
            )
        return to_starlette_response(bolt_resp)

    async def healthz(_: Request) -> Response:
        ok = await run_in_threadpool(ping, deps.engine)
        return JSONResponse({"ok": ok}, status_code=200 if ok else 503)

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
            bolt_resp = await admission.run(handle, req)
            if bolt_resp is None:
                return JSONResponse(
                    {"error": "busy"}, status_code=503, headers={"Retry-After": str(admission.retry_after)}
                )
            return to_starlette_response(bolt_resp)

        routes += [
            Route(flow.install_path, oauth, methods=["GET"]),
            Route(flow.redirect_uri_path, oauth, methods=["GET"]),
        ]
    refusal = dev_routes_refusal(settings)
    if settings.dealbot_dev_clock and refusal:
        log.warning("the dev clock routes are not served: %s", refusal)
    elif settings.dealbot_dev_clock:
        routes += dev_routes(deps, app)

    @asynccontextmanager
    async def lifespan(_: Starlette):  # noqa: ANN202
        gc.collect()
        gc.freeze()  # what start-up built lives as long as the process: no collection walks it again
        sched = start_scheduler(deps, app.client) if scheduler else None
        try:
            yield
        finally:
            if sched is not None:
                sched.shutdown(wait=False)
            deps.engine.dispose()

    return Starlette(routes=routes, lifespan=lifespan)


def response_url_prefixes(settings: Settings) -> tuple[str, ...]:
    """Where a payload's response_url may point: Slack's hooks host for Slack's API (the sandbox's own
    address for the sandbox); nothing is checked behind an API URL of another kind (a proxy)."""
    api = urlparse(settings.slack_api_url)
    if settings.api_is_local:
        return (f"{api.scheme}://{api.netloc}/",)
    for domain in ("slack.com", "slack-gov.com"):
        if api.hostname == domain or (api.hostname or "").endswith("." + domain):
            return (f"https://hooks.{domain}/",)
    return ()


async def _read_capped(request: Request) -> bytes | None:
    """The body, or None once it passes MAX_BODY_BYTES (read no further)."""
    if int(request.headers.get("content-length") or 0) > MAX_BODY_BYTES:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


# --------------------------------------------------------------------------- dev clock (sandbox only)
def dev_routes_refusal(settings: Settings) -> str | None:
    """Why the dev routes may not be served with these settings (None: they may).

    Checked where the routes are mounted, so it holds however the app is started (``dealbot run``,
    ``uvicorn --factory``): only against the sandbox, with the credentials the sandbox issued."""
    if not settings.api_is_local:
        return "SLACK_API_URL is not the local sandbox"
    if not settings.has_sandbox_credentials:
        return "the Slack credentials (SLACK_BOT_TOKEN, or SLACK_CLIENT_SECRET in OAuth mode) were not issued by the sandbox"
    return None


def _loopback(request: Request) -> bool:
    server = request.scope.get("server") or ("", 0)
    client = request.client.host if request.client else ""
    return client in LOOPBACK_HOSTS and (server[0] or "") in LOOPBACK_HOSTS


def dev_routes(deps: Deps, app: App) -> list[Route]:
    def refused(request: Request) -> Response | None:
        if _loopback(request):
            return None
        log.warning("dev route %s refused to %s", request.url.path, request.client)
        return JSONResponse({"ok": False, "error": "the dev routes answer on loopback only"}, status_code=403)

    async def dev_clock(request: Request) -> Response:
        if (no := refused(request)) is not None:
            return no
        if request.method == "POST":
            try:
                data = json.loads(await request.body() or b"{}")
                if not isinstance(data, dict):
                    raise ValueError('give {"advance": "P15D"} or {"set": "<ISO-8601>"}')
                move_clock(deps.clock, data)
            except (ValueError, TypeError, OverflowError, RecursionError) as e:
                return JSONResponse({"ok": False, "error": str(e)}, status_code=400)
        return JSONResponse({"ok": True, "now": deps.clock.now().isoformat()})

    async def dev_run_due(request: Request) -> Response:
        if (no := refused(request)) is not None:
            return no
        results = await run_in_threadpool(jobs.run_due, deps, app.client, deps.clock.now())
        return JSONResponse({"ok": True, "now": deps.clock.now().isoformat(), "jobs": _jsonable(results)})

    async def dev_queue(request: Request) -> Response:
        """What the bot has queued in a workspace, and where the asking person's working time next
        begins (the sandbox page's clock buttons and queue): ``?team=T…&user=U…``."""
        if (no := refused(request)) is not None:
            return no
        team, user = request.query_params.get("team", ""), request.query_params.get("user", "")
        if not ID.fullmatch(team) or not ID.fullmatch(user) or (deps.teams and team not in deps.teams):
            return JSONResponse(
                {"ok": False, "error": "give ?team=T…&user=U… of a sandbox workspace"}, status_code=400
            )
        tz = request.query_params.get("tz") or None
        if tz is not None and not valid_zone(tz):
            return JSONResponse({"ok": False, "error": f"unknown time zone {tz[:64]!r}"}, status_code=400)
        body = await run_in_threadpool(_queue_of, deps, team, user, tz)
        return JSONResponse({"ok": True, **body})

    return [
        Route("/dev/clock", dev_clock, methods=["GET", "POST"]),
        Route("/dev/run-due", dev_run_due, methods=["POST"]),
        Route("/dev/queue", dev_queue, methods=["GET"]),
    ]


ID = re.compile(r"[A-Z][A-Z0-9]{2,31}")


def valid_zone(name: str) -> bool:
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(name)
    except (ValueError, KeyError, OSError):  # ZoneInfoNotFoundError is a KeyError
        return False
    return True


def _queue_of(deps: Deps, team: str, user: str, tz: str | None = None) -> dict:
    from bot.flows.followups import queue
    from storage.db import read_scope

    now = deps.clock.now()
    with read_scope(deps.engine) as s:
        targets = queue.clock_targets(s, deps.settings, team, user, now, tz=tz)
        rows = queue.queued(s, deps.settings, team)
    return {
        "now": now.isoformat(),
        "me": {
            "tz": targets.tz,
            "day_start": targets.day_start,
            "next_working_day": targets.next_working_day.isoformat(),
            "next_monday": targets.next_monday.isoformat(),
        },
        "queue": [
            {
                "deal_id": q.deal_id,
                "account": q.account,
                "owner": q.owner_id,
                "kind": q.kind,
                "status": q.status,
                "due_at": q.due_at.isoformat(),
                "goes_out_at": q.goes_out_at.isoformat(),
                "tz": q.tz,
            }
            for q in rows
        ],
    }


def _jsonable(results: dict) -> dict:
    return {
        k: v if isinstance(v, int | float | str | bool | type(None) | dict | list) else str(v)
        for k, v in results.items()
    }


def asgi_from_env() -> Starlette:
    """Factory for `uvicorn --factory` workers: each worker builds its own deps and app; one worker of
    the process group runs the scheduler (``bot.scheduler.elected``)."""
    from bot.config import Settings
    from bot.logs import configure_logging
    from bot.runtime import build
    from bot.scheduler import elected

    settings = Settings()
    configure_logging(settings.dealbot_log_level, settings.secret_values)
    deps, app = build(settings)
    return create_asgi(deps, app, scheduler=elected(settings))
