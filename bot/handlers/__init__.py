"""Thin Slack adapters, one module per surface or feature; ``register_all`` wires them into the app.

Every module in this package that defines ``register(app, deps)`` is registered, in name order
(``errors`` first). Subcommands of /deal and /funnel register through ``bot.handlers.router``.
"""

from __future__ import annotations

import importlib
import pkgutil

from bot.deps import Deps


def handler_modules() -> list:
    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
    names.remove("errors")
    return [importlib.import_module(f"{__name__}.{n}") for n in ["errors", *names]]


def register_all(app, deps: Deps) -> None:  # noqa: ANN001
    for module in handler_modules():
        register = getattr(module, "register", None)
        if register is not None:
            register(app, deps)
