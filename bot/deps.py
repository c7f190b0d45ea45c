"""What the composition root builds once and hands to handlers, jobs and the web layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine

from bot.clock import Clock
from bot.config import Settings


@dataclass
class Deps:
    settings: Settings
    engine: Engine
    clock: Clock
    # Feature configuration loaded and validated at start (stage set, question set, ...).
    process: dict[str, Any] = field(default_factory=dict)
    worker_id: str = "local"
    # The workspaces scheduled jobs may touch (None: every one); the sandbox limits them to its own.
    teams: frozenset[str] | None = None
