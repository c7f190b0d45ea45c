"""An environment for one-shot CLI commands against a test database (no Slack credentials needed)."""

from __future__ import annotations

import os

from tests.support.bot import ROOT


def cli_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DEALBOT_"))}
    env.update(DATABASE_URL=database_url, PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""))
    return env
