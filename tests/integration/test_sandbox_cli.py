"""`dealbot sandbox` and `dealbot run` without credentials: the bot and the sandbox in one process."""

from __future__ import annotations

import os
import re
import socket
import time
from pathlib import Path

import httpx
import pytest

from tests.support import forkserver
from tests.support.bot import ROOT, free_port, run_cli

pytestmark = pytest.mark.slow


def base_env(db_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DEALBOT_"))}
    env.update(DATABASE_URL=db_url, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1", **extra)
    return env


def start(args: list[str], env: dict[str, str], log) -> tuple[forkserver.ForkedBot, str]:  # noqa: ANN001
    proc = forkserver.SERVER.spawn(args, env, Path(log.name))  # `python -m bot <args>`
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


def test_sandbox_command_ignores_credentials_and_seeds_the_workspace(dbs, tmp_path):
    db_url = dbs.fresh(migrated=False)  # an empty database: the sandbox creates its own in it
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


def test_a_busy_sandbox_port_is_refused_naming_the_variable(dbs):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = base_env(dbs.fresh(migrated=False), DEALBOT_SANDBOX_PORT=str(port))
        result = run_cli("sandbox", env=env, timeout=60)
    assert result.returncode == 2
    assert f"DEALBOT_SANDBOX_PORT {port} cannot be used" in result.stderr
    assert "Traceback" not in result.stderr


# -- a sandbox never spends production's nudges ------------------------------------------------------
def _production_db(dbs) -> tuple[str, int, int]:  # noqa: ANN001
    """A migrated database (not the sandbox's) with another workspace's deal and two nudges: one due
    now, one due in ten days (the sandbox's movable clock could pull it in)."""
    from datetime import UTC, datetime, timedelta

    from storage.db import make_engine, session_scope
    from storage.models import Nudge
    from tests.support.factories import make_deal

    url = dbs.fresh()
    engine = make_engine(url)
    now = datetime.now(UTC)
    with session_scope(engine) as s:
        deal = make_deal(s, team_id="T0PROD", owner_id="U0PRODREP", account="Real Customer", now=now)
        ids = []
        for kind, due in (
            ("followup_1", now - timedelta(hours=1)),
            ("followup_15", now + timedelta(days=10)),
        ):
            n = Nudge(team_id="T0PROD", deal_id=deal.id, owner_id="U0PRODREP", kind=kind, due_at=due,
                      send_after=due, available_at=due, status="pending", created_at=now)  # fmt: skip
            s.add(n)
            s.flush()
            ids.append(n.id)
    engine.dispose()
    return url, ids[0], ids[1]


def _nudges(url: str, *ids: int) -> list[tuple[str, int, str | None]]:
    from sqlmodel import Session

    from storage.db import make_engine
    from storage.models import Nudge

    engine = make_engine(url)
    try:
        with Session(engine) as s:
            return [(n.status, n.attempts, n.slack_ts) for n in (s.get(Nudge, i) for i in ids)]
    finally:
        engine.dispose()


def test_the_sandbox_refuses_a_database_it_did_not_create(dbs):
    url, due, later = _production_db(dbs)
    result = run_cli("sandbox", env=base_env(url, DEALBOT_SANDBOX_PORT=str(free_port())), timeout=60)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "did not create" in result.stderr and "--use-existing-database" in result.stderr
    assert "Traceback" not in result.stderr
    assert _nudges(url, due, later) == [("pending", 0, None), ("pending", 0, None)]


def test_forced_onto_another_database_the_sandbox_leaves_other_workspaces_nudges_alone(dbs, tmp_path):
    url, due, later = _production_db(dbs)
    port = free_port()
    with open(tmp_path / "log", "wb") as log:
        proc, page = start(
            ["sandbox", "--use-existing-database"], base_env(url, DEALBOT_SANDBOX_PORT=str(port)), log
        )
    try:
        for _ in range(2):  # +15 days and run what is due, twice: the page's clock control
            moved = httpx.post(f"{page}sandbox/clock", json={"action": "P15D"}, timeout=120).json()
            assert moved["ok"] is True, moved
        assert _nudges(url, due, later) == [("pending", 0, None), ("pending", 0, None)]
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    assert "--use-existing-database" in (tmp_path / "log").read_text()
    again = run_cli("sandbox", env=base_env(url, DEALBOT_SANDBOX_PORT=str(free_port())), timeout=60)
    assert again.returncode == 2, "forcing once must not make the database the sandbox's"
