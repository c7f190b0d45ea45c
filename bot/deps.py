"""What the composition root builds once and hands to handlers, jobs and the web layer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine

from bot.clock import Clock
from bot.config import Settings
from bot.process import Process


@dataclass
class Deps:
    settings: Settings
    engine: Engine
    clock: Clock
    process: Process  # the stage set and question set, loaded and validated at start
    worker_id: str = "local"
    # The workspaces scheduled jobs may touch (None: every one); the sandbox limits them to its own.
    teams: frozenset[str] | None = None
    oauth: Any = None  # bot.oauth.OAuth in OAuth mode (many workspaces), else None
