"""The baseline for bench_http.py: a bare Bolt AsyncApp that verifies the signature and only acks
/deal, served the fastest standard way (uvicorn, the Starlette adapter). Not a benchmark itself."""

from __future__ import annotations

import os

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Route


def create() -> Starlette:
    client = AsyncWebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"])
    app = AsyncApp(client=client, signing_secret=os.environ["SLACK_SIGNING_SECRET"])

    @app.command("/deal")
    async def on_deal(ack) -> None:  # noqa: ANN001
        await ack()

    handler = AsyncSlackRequestHandler(app)

    async def events(request: Request):  # noqa: ANN202
        return await handler.handle(request)

    return Starlette(routes=[Route("/slack/events", events, methods=["POST"])])
