"""A sweeper process for the race and crash tests: the production sweep (``jobs.run_due``) in a loop,
on the system clock, until no nudge is left pending or claimed (or a time limit).

    python -m tests.support.sweeper      # configured by the environment, like the bot
"""

from __future__ import annotations

import os
import sys
import time

from sqlalchemy import text

from bot import jobs
from bot.app import make_client
from bot.config import Settings
from bot.logs import configure_logging
from bot.runtime import build_deps


def left(engine) -> int:  # noqa: ANN001
    with engine.connect() as c:
        return c.execute(text("SELECT count(*) FROM nudge WHERE status IN ('pending', 'claimed')")).scalar()


def main() -> int:
    settings = Settings()
    configure_logging(settings.dealbot_log_level)
    deps = build_deps(settings)
    client = make_client(settings)
    deadline = time.monotonic() + float(os.environ.get("SWEEPER_MAX_SECONDS", "120"))
    while time.monotonic() < deadline:
        jobs.run_due(deps, client, deps.clock.now())
        if left(deps.engine) == 0:
            return 0
        time.sleep(0.05)
    return 3


if __name__ == "__main__":
    sys.exit(main())
