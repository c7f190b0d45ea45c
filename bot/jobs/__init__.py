"""Scheduled work: each module in this package registers due-job functions with ``@due_job``.

``run_due(deps, client, now)`` runs every job once with that instant as "now": the scheduler's tick,
``dealbot jobs run-due --at`` and the sandbox's clock control all go through it. Each job claims its
own rows, so any number of replicas may tick at once.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Callable
from datetime import datetime
from typing import Any

log = logging.getLogger(__name__)
JobFn = Callable[[Any, Any, datetime], Any]
_JOBS: dict[str, JobFn] = {}


def due_job(name: str) -> Callable[[JobFn], JobFn]:
    def deco(fn: JobFn) -> JobFn:
        _JOBS[name] = fn
        return fn

    return deco


def load_jobs() -> dict[str, JobFn]:
    for m in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{m.name}")
    return dict(_JOBS)


def run_due(deps, client, now: datetime) -> dict[str, Any]:  # noqa: ANN001
    """Run every job once; one failing job is logged and never stops the others."""
    results: dict[str, Any] = {}
    for name, fn in sorted(load_jobs().items()):
        try:
            results[name] = fn(deps, client, now)
        except Exception:
            log.exception("scheduled job %s failed", name)
            results[name] = "error"
    return results
