"""`dealbot sandbox` and `dealbot run` without credentials: the bot and the sandbox in one process."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support.bot import ROOT, free_port, run_cli

pytestmark = pytest.mark.slow


def base_env(db_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DEALBOT_"))}
    env.update(DATABASE_URL=db_url, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1", **extra)
    return env


def start(args: list[str], env: dict[str, str], log) -> tuple[subprocess.Popen, str]:  # noqa: ANN001
    proc = subprocess.Popen([sys.executable, "-m", "bot", *args], cwd=ROOT, env=env, stdout=log, stderr=log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        m = re.search(r"open (http://\S+/) in your browser", Path(log.name).read_text())
        if m:
            return proc, m.group(1)
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    proc.kill()
    raise AssertionError(Path(log.name).read_text())


def test_sandbox_command_ignores_credentials_and_seeds_the_workspace(db_url, tmp_path):
    port = free_port()
    env = base_env(
        db_url,
        SLACK_BOT_TOKEN="xoxb-1234-real-looking",
        SLACK_SIGNING_SECRET="0123456789abcdef",
        DEALBOT_SANDBOX_PORT=str(port),
    )
    with open(tmp_path / "log", "wb") as log:
        proc, url = start(["sandbox"], env, log)
    try:
        assert url == f"http://127.0.0.1:{port}/"
        assert "<title>dealbot sandbox</title>" in httpx.get(url).text
        moved = httpx.post(f"{url}sandbox/clock", json={"action": "P1D"}, timeout=60).json()
        assert moved["ok"] is True  # the movable clock is on in the sandbox
        # the manager is a manager and the digest goes to #sales-managers, out of the box
        from sqlmodel import Session

        from storage.db import make_engine
        from storage.models import Membership, TeamSettings

        with Session(make_engine(db_url)) as s:
            assert s.get(Membership, ("T0SANDBOX", "U0MGR")).role == "manager"
            assert s.get(TeamSettings, "T0SANDBOX").manager_channel == "C0MANAGERS"
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def test_a_busy_sandbox_port_is_refused_naming_the_variable(db_url):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_cli("run", env=base_env(db_url, DEALBOT_SANDBOX_PORT=str(port)), timeout=60)
    assert result.returncode == 2
    assert f"DEALBOT_SANDBOX_PORT {port} cannot be used" in result.stderr
    assert "Traceback" not in result.stderr
