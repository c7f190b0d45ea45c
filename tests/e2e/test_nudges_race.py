"""Real sweeper processes racing over due nudges, and senders killed mid-send (SCHEDULING-AND-SCALE §7).

Each sweeper is ``python -m tests.support.sweeper``: the production ``jobs.run_due`` in a loop on the
system clock, leases of 2 s. "Sent" is counted from the sandbox's record of what Slack accepted.
The races run on PostgreSQL (the backend for replicas); the crash tests run on PostgreSQL with two
processes and on SQLite with one process after another. Each picks its own database, so each runs once,
in the suite's pass on that backend (``own_backend``), not again in the other pass.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from sandbox.server import SandboxServer
from sandbox.users import FakeUser, Workspace
from storage.db import make_engine
from tests.support.bot import ROOT, SIGNING_SECRET, bot_env
from tests.support.db import TestDatabases
from tests.support.nudges import keys_sent, rows, seed_due

# The races need PostgreSQL whatever the suite's backend; every database they use is created here
# (TestDatabases connects to the server's maintenance database to create them).
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
USERS = [f"U1{i:04d}" for i in range(200)]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pg():
    d = TestDatabases(PG_URL)
    d.check_reachable()
    yield d
    d.cleanup()


@pytest.fixture
def crowd():
    """A sandbox workspace with 200 reps, so each DM history stays short."""
    ws = Workspace(users=[FakeUser(id=u, name=u.lower(), real_name=u) for u in USERS])
    s = SandboxServer(workspace=ws, signing_secret=SIGNING_SECRET).start()
    yield s
    s.stop()


def sweeper_env(sandbox, db_url: str, **extra: str) -> dict[str, str]:  # noqa: ANN001
    env = bot_env(sandbox, db_url)
    env.pop("DEALBOT_DEV_CLOCK")  # the system clock: leases expire in real time
    env.update(
        DEALBOT_LEASE_SECONDS="2",
        DEALBOT_WORK_HOURS="00:00-23:59",  # no quiet time: every seeded nudge is sendable now
        DEALBOT_WORK_DAYS="Mon-Sun",
        DEALBOT_LOG_LEVEL="WARNING",
        SWEEPER_MAX_SECONDS="420",
    )
    env.update(extra)
    return env


def start(env: dict[str, str]) -> subprocess.Popen:
    log = open(os.path.join(os.environ.get("TMPDIR", "/tmp"), f"sweeper-{time.time_ns()}.log"), "wb")  # noqa: SIM115
    return subprocess.Popen([sys.executable, "-m", "tests.support.sweeper"], env=env, cwd=ROOT,
                            stdout=log, stderr=subprocess.STDOUT)  # fmt: skip


def wait_all(procs: list[subprocess.Popen], timeout: float = 480) -> list[int]:
    deadline = time.monotonic() + timeout
    return [p.wait(timeout=max(1, deadline - time.monotonic())) for p in procs]


def assert_each_sent_once(sandbox, engine, count: int) -> None:  # noqa: ANN001
    sent = Counter(keys_sent(sandbox))
    assert len(sent) == count, f"{len(sent)} distinct nudges reached Slack, expected {count}"
    assert [k for k, n in sent.items() if n > 1] == [], "sent more than once"
    statuses = Counter(n.status for n in rows(engine))
    assert statuses == {"sent": count}, statuses
    by_ts = {n.slack_ts for n in rows(engine)}
    with sandbox.state.lock:
        assert by_ts == {m.ts for m in sandbox.state.messages if m.metadata}  # each row has its message's ts


@pytest.mark.own_backend("postgresql")
# Two sweepers on a well-behaved Slack, and four on one that answers every 50th post with a 429: the
# second is the harder race (more racers, retries stretching leases), so two sweepers with 429s adds nothing.
@pytest.mark.parametrize("workers,every_50th_429", [(2, False), (4, True)])
def test_sweepers_race_over_2000_due_nudges_each_sent_exactly_once(pg, crowd, workers, every_50th_429):
    url = pg.fresh()
    engine = make_engine(url)
    seed_due(engine, count=2000, users=USERS, now=datetime.now(UTC) - timedelta(minutes=1))
    if every_50th_429:
        crowd.inject("chat.postMessage", 429, retry_after=1, times=None, every=50)
    procs = [start(sweeper_env(crowd, url)) for _ in range(workers)]
    assert wait_all(procs) == [0] * workers
    assert_each_sent_once(crowd, engine, 2000)
    if every_50th_429:
        assert len(crowd.state.calls_to("chat.postMessage", ok=False)) >= 2000 // 50 - 1
    engine.dispose()


@pytest.mark.own_backend("postgresql")
@pytest.mark.parametrize("fault", ["DEALBOT_FAULT_AFTER_SEND", "DEALBOT_FAULT_BEFORE_SEND"])
def test_a_sender_killed_mid_send_on_postgresql(pg, crowd, fault):
    """After Slack accepted it: reconciled, never posted again. Before the post: posted once by the other."""
    url = pg.fresh()
    engine = make_engine(url)
    seed_due(engine, count=60, users=USERS[:20], now=datetime.now(UTC) - timedelta(minutes=1))
    victim = start(sweeper_env(crowd, url, **{fault: "5"}))
    survivor = start(sweeper_env(crowd, url))
    assert wait_all([victim, survivor]) == [17, 0]  # 17: the injected crash
    assert_each_sent_once(crowd, engine, 60)
    assert all(n.lease_owner is None and n.reason is None for n in rows(engine))  # settled, no error left
    assert crowd.state.calls_to("conversations.history"), "the reclaimed row was reconciled first"
    engine.dispose()


@pytest.mark.own_backend("sqlite")
@pytest.mark.parametrize("fault", ["DEALBOT_FAULT_AFTER_SEND", "DEALBOT_FAULT_BEFORE_SEND"])
def test_a_sender_killed_mid_send_on_sqlite_one_process_after_another(tmp_path, crowd, fault):
    sq = TestDatabases(None)
    url = sq.fresh()
    engine = make_engine(url)
    seed_due(engine, count=30, users=USERS[:10], now=datetime.now(UTC) - timedelta(minutes=1))
    assert wait_all([start(sweeper_env(crowd, url, **{fault: "5"}))]) == [17]
    accepted = len(keys_sent(crowd))
    assert accepted == (5 if fault.endswith("AFTER_SEND") else 4)
    assert wait_all([start(sweeper_env(crowd, url))]) == [0]  # waits out the 2 s lease, then finishes
    assert_each_sent_once(crowd, engine, 30)
    history = crowd.state.calls_to("conversations.history")
    assert len(history) == 1  # only the crashed row needed a look
    engine.dispose()
    sq.cleanup()
