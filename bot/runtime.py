"""Composition root: Settings -> engine -> clock -> process config -> Deps -> Bolt app."""

from __future__ import annotations

import logging
import os
import socket

from slack_bolt import App

from bot.app import build_app
from bot.clock import Clock, MovableClock, SystemClock
from bot.config import Settings
from bot.deps import Deps
from bot.process import load_process
from storage.db import make_engine
from storage.migrate import require_current

log = logging.getLogger(__name__)


def build_deps(settings: Settings, clock: Clock | None = None, *, check_schema: bool = True) -> Deps:
    engine = make_engine(settings.database_url)
    if check_schema:
        require_current(engine)
    if clock is None:
        clock = MovableClock() if settings.dealbot_dev_clock else SystemClock()
    deps = Deps(
        settings=settings,
        engine=engine,
        clock=clock,
        process=load_process(settings),
        worker_id=f"{socket.gethostname()}:{os.getpid()}",
    )
    if settings.oauth:  # many workspaces: tokens come from the installation store
        from bot.app import make_client
        from bot.oauth import build_oauth

        deps.oauth = build_oauth(settings, engine, clock, make_client(settings))
    return deps


def build(settings: Settings, clock: Clock | None = None) -> tuple[Deps, App]:
    deps = build_deps(settings, clock)
    return deps, build_app(settings, deps)
