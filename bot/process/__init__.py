"""Company process configuration as data: stage sets and question sets (YAML + pydantic schemas).

``load_all(settings)`` validates everything at start; an invalid file stops the bot with the file,
line and reason. Feature modules in this package add a loader to ``LOADERS``.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

LOADERS: dict[str, Callable[[Any], Any]] = {}


class ProcessFileError(ValueError):
    """An invalid company file: the message names the file, the line and the reason."""


def loader(name: str) -> Callable:
    def deco(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
        LOADERS[name] = fn
        return fn

    return deco


def load_all(settings: Any) -> dict[str, Any]:
    for m in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{m.name}")
    return {name: fn(settings) for name, fn in sorted(LOADERS.items())}
