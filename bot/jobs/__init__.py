"""Scheduled work: ``JOBS`` below names every due job (adding one means adding it there).

``run_due(deps, client, now)`` runs every job once with that instant as "now": the scheduler's tick,
``dealbot jobs run-due --at`` and the sandbox's clock control all go through it. Each job claims its
own rows, so any number of replicas may tick at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.jobs import digest, housekeeping, nudges, review, selling

log = logging.getLogger(__name__)
JobFn = Callable[[Any, Any, datetime], Any]
JOBS: dict[str, JobFn] = {
    "digest": digest.post_digests,
    "events": housekeeping.prune_events,
    "nudges": nudges.sweep,
    "review": review.send_reviews,
    "selling": selling.send_prompts,
}


def run_due(deps, client, now: datetime) -> dict[str, Any]:  # noqa: ANN001
    """Run every job once; one failing job is logged and never stops the others."""
    results: dict[str, Any] = {}
    for name, fn in sorted(JOBS.items()):
        try:
            results[name] = fn(deps, client, now)
        except Exception:
            log.exception("scheduled job %s failed", name)
            results[name] = "error"
    return results
