"""APScheduler wiring only: an in-memory ticker that calls ``jobs.run_due`` on the app clock."""

from __future__ import annotations

import logging
from datetime import UTC

from apscheduler.schedulers.background import BackgroundScheduler

from bot import jobs
from bot.deps import Deps

log = logging.getLogger(__name__)


def tick(deps: Deps, client) -> None:  # noqa: ANN001
    jobs.run_due(deps, client, deps.clock.now())


def start_scheduler(deps: Deps, client) -> BackgroundScheduler:  # noqa: ANN001
    scheduler = BackgroundScheduler(timezone=UTC)
    scheduler.add_job(
        tick,
        "interval",
        seconds=deps.settings.dealbot_tick_seconds,
        id="dealbot-tick",
        replace_existing=True,
        max_instances=1,
        coalesce=True,
        misfire_grace_time=None,
        args=[deps, client],
    )
    scheduler.start()
    log.info("scheduler ticking every %ss", deps.settings.dealbot_tick_seconds)
    return scheduler
