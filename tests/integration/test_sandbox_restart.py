"""Issue 17: the sandbox keeps its conversations across a restart (the database keeps the deals; the page
must keep what was said about them — and the bot's clock where the page moved it). `python -m bot
sandbox` twice on one database."""

from __future__ import annotations

import signal
from datetime import datetime, timedelta

import httpx
import pytest

from sandbox.persist import state_path
from tests.integration.test_sandbox_cli import base_env, start
from tests.support.bot import free_port

pytestmark = pytest.mark.slow


def ui(url: str, user: str) -> dict:
    r = httpx.get(f"{url}sandbox/ui", params={"user": user}, timeout=30)
    assert r.status_code == 200
    return r.json()


def post(url: str, what: str, **body) -> dict:  # noqa: ANN003
    r = httpx.post(f"{url}sandbox/{what}", json=body, timeout=60)
    assert r.status_code == 200, r.text
    return r.json()


def stop(proc) -> None:  # noqa: ANN001
    proc.terminate()
    assert proc.wait(timeout=30) == -signal.SIGTERM  # ended by the SIGTERM itself, after saving


def test_the_page_keeps_its_conversations_across_a_restart(dbs, tmp_path):
    db_url = dbs.fresh(migrated=False)
    env = base_env(db_url, DEALBOT_SANDBOX_PORT=str(free_port()))
    with open(tmp_path / "first.log", "wb") as log:
        proc, url = start(["sandbox"], env, log)
    try:
        assert post(url, "dm", user="U0REP2", text="hello there")["status"] == 200
        assert post(url, "command", user="U0REP2", command="/deal", text="help")["status"] == 200
        assert post(url, "home", user="U0MGR")["status"] == 200
        moved = datetime.fromisoformat(post(url, "clock", action="P15D", user="U0REP2")["now"])
        before = ui(url, "U0REP2")["messages"]
        home = ui(url, "U0MGR")["home"]
        assert any(m["ephemeral"] for m in before) and home is not None
    finally:
        stop(proc)
    assert state_path(db_url).exists()  # beside the sandbox's database, never in it

    with open(tmp_path / "second.log", "wb") as log:
        proc, url = start(["sandbox"], env, log)
    try:
        after = ui(url, "U0REP2")["messages"]
        # the bot's clock is where the page moved it (to the second), not back at today
        now = datetime.fromisoformat(httpx.get(f"{url}sandbox/clock", timeout=30).json()["now"])
        assert moved - timedelta(seconds=2) <= now < moved + timedelta(minutes=5)
        # the DM is there as it was; the ephemeral /deal help reply is gone, as in Slack after a reload
        assert after == [m for m in before if not m["ephemeral"]]
        assert [m["text"] for m in after if not m["bot"]] == ["hello there"]
        assert any(m["bot"] for m in after)
        assert ui(url, "U0MGR")["home"]["blocks"] == home["blocks"]
        # the conversation goes on: a new message gets a new ts, after the old ones
        assert post(url, "dm", user="U0REP2", text="back again")["status"] == 200
        again = ui(url, "U0REP2")["messages"]
        assert [m["text"] for m in again if not m["bot"]] == ["hello there", "back again"]
        assert len({m["ts"] for m in again}) == len(again)
    finally:
        stop(proc)
