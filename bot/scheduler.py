"""APScheduler wiring only: an in-memory ticker that calls ``jobs.run_due`` on the app clock.

One ticker per process group: ``dealbot run --http`` with several uvicorn workers (or ``uvicorn
--factory --workers N``) starts one scheduler, in whichever worker first takes the group's lock
(``elected``); a later worker takes over only when that one has died and released it.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import tempfile
from datetime import UTC
from pathlib import Path

from apscheduler.schedulers.background import BackgroundScheduler

from bot import jobs
from bot.config import Settings
from bot.deps import Deps

log = logging.getLogger(__name__)
_held: list[int] = []  # the lock's file descriptor, kept open (and so held) for the process's life


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
    log.info("scheduler ticking every %ss (pid %d)", deps.settings.dealbot_tick_seconds, os.getpid())
    return scheduler


def lock_path(settings: Settings) -> Path:
    """One lock per process group and database."""
    key = f"{os.getpgrp()}:{settings.database_url}".encode()
    return Path(tempfile.gettempdir()) / f"dealbot-scheduler-{hashlib.sha256(key).hexdigest()[:16]}.lock"


def elected(settings: Settings) -> bool:
    """True in the one process of the group that holds the scheduler lock (taken here, never released
    while the process lives; the OS drops it when the process dies)."""
    if _held:
        return True
    fd = os.open(lock_path(settings), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        log.info("another process of this group runs the scheduler (pid %d does not)", os.getpid())
        return False
    _held.append(fd)
    return True
