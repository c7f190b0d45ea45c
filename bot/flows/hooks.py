"""Deal-change hooks: features that plan work from deal changes (nudges) subscribe here, and run in
the same session — the same transaction — as the change that causes them (transactional outbox).

Emitters: ``emit(session, "created", deal, HookContext(settings, process, now, actor_id), **info)``;
each listener is called as ``fn(session, deal, ctx, **info)`` and reads the settings, the process, the
instant and the actor from ``ctx`` (nothing from the environment or module state). Kinds in use:
created | stage_changed | status_changed | interview_finished | checkin | dates_changed | regraded |
people_changed | milestone_recorded | contact_changed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.config import Settings
from bot.process import Process
from storage.models import Deal


@dataclass(frozen=True)
class HookContext:
    """What the emitter hands every listener: the app's settings and process, when, and who acted."""

    settings: Settings
    process: Process
    now: datetime
    actor_id: str | None = None


Listener = Callable[..., None]
_LISTENERS: dict[str, list[Listener]] = defaultdict(list)
KINDS = {
    "created",
    "stage_changed",
    "status_changed",
    "interview_finished",
    "checkin",
    "dates_changed",
    "regraded",
    "people_changed",  # a buying influence added or edited
    "milestone_recorded",  # a skipped milestone or a checkpoint recorded without a stage change
    "contact_changed",  # contact level lowered (info: touch) or back to normal (bot/flows/pipeline/contact.py)
}


def on(kind: str) -> Callable[[Listener], Listener]:
    if kind not in KINDS:
        raise ValueError(f"unknown deal hook {kind!r}")

    def deco(fn: Listener) -> Listener:
        if fn not in _LISTENERS[kind]:
            _LISTENERS[kind].append(fn)
        return fn

    return deco


def emit(session: Session, kind: str, deal: Deal, ctx: HookContext, **info: Any) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown deal hook {kind!r}")
    _load_subscribers()
    for fn in list(_LISTENERS[kind]):
        fn(session, deal, ctx, **info)


# Every module that subscribes to deal hooks, explicitly (imported on first emit: they import this one).
SUBSCRIBERS = (
    "bot.flows.followups.hooks",
    "bot.flows.qualification.grading_hooks",
    "bot.flows.pipeline.ladder_hooks",
)
_loaded = False


def _load_subscribers() -> None:
    global _loaded
    if _loaded:
        return
    import importlib

    for name in SUBSCRIBERS:
        importlib.import_module(name)
    _loaded = True
