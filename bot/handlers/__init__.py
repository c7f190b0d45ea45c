"""Thin Slack adapters, one module per surface or feature; ``register_all`` wires them into the app.

The list below is every module that registers listeners, in order (``errors`` first): adding a
surface means adding its module here. Subcommands of /deal and /funnel register through
``bot.handlers.router``.
"""

from __future__ import annotations

from bot.deps import Deps
from bot.handlers import (
    commands,
    deal_status,
    errors,
    events,
    followups,
    funnel,
    help,
    home,
    interview,
    ladder,
    outcomes,
    people,
    pipeline,
    plan,
    qualification,
    review,
    roles,
)

MODULES = (
    errors,
    commands,
    deal_status,
    events,
    followups,
    funnel,
    help,
    home,
    interview,
    ladder,
    outcomes,
    people,
    pipeline,
    plan,
    qualification,
    review,
    roles,
)


def register_all(app, deps: Deps) -> None:  # noqa: ANN001
    for module in MODULES:
        module.register(app, deps)
