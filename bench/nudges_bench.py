"""Nudge sweep benchmark (PostgreSQL + the sandbox). Prints figures; asserts nothing.

1. Sweep time with 100k and 1M deals (each with a pending, not-yet-due nudge) and 100 due nudges:
   the claim is a range scan on the partial ``ix_nudge_ready`` index, so the time follows the due
   count, not the table size.
2. Fan-out of 10,000 due nudges against the sandbox enforcing Slack's posting limits (1 msg/s per
   channel, 600/min per workspace) scaled down 100x in time, next to the scaled floor.

    /work/venv/bin/python -m bench.nudges_bench [--sizes 100000 1000000] [--fanout 10000] [--workers 1 4]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.app import make_client  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.flows.followups.kinds import FOLLOWUP_1  # noqa: E402
from bot.jobs.nudges import Sweep  # noqa: E402
from bot.runtime import build_deps  # noqa: E402
from sandbox.server import SandboxServer  # noqa: E402
from sandbox.users import FakeUser, Workspace  # noqa: E402
from storage.db import make_engine  # noqa: E402
from tests.support.db import TestDatabases  # noqa: E402

PG_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
TEAM = "T0SANDBOX"
SLACK_PER_MIN, SCALE = 600, 100


def sandbox_with(users: list[str]) -> SandboxServer:
    ws = Workspace(users=[FakeUser(id=u, name=u.lower(), real_name=u) for u in users])
    return SandboxServer(workspace=ws, signing_secret="bench").start()


def load(url: str, *, deals: int, due: int, users: list[str], now: datetime) -> None:
    """COPY ``deals`` open deals, one nudge each: the first ``due`` due now, the rest in 10 days."""
    engine = make_engine(url)
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cols = ("team_id, owner_id, account, title, currency, stage, stage_entered_at, status, contact_level, "
                "committed, followup_cycle, followup_t0, version, created_at, updated_at")  # fmt: skip
        with cur.copy(f"COPY deal ({cols}) FROM STDIN") as cp:
            for i in range(deals):
                cp.write_row((TEAM, users[i % len(users)], f"Account {i}", "", "CNY", "qualify", now, "open",
                              "normal", False, 0, now, 1, now, now))  # fmt: skip
        later = now + timedelta(days=10)
        ncols = "team_id, deal_id, owner_id, kind, cycle, due_at, send_after, available_at, status, attempts, created_at"
        with cur.copy(f"COPY nudge ({ncols}) FROM STDIN") as cp:
            for i in range(deals):
                at = now if i < due else later
                cp.write_row(
                    (TEAM, i + 1, users[i % len(users)], FOLLOWUP_1.key, 0, at, at, at, "pending", 0, now)
                )
        raw.commit()
        raw.driver_connection.autocommit = True  # VACUUM runs outside a transaction
        cur.execute("VACUUM ANALYZE deal")
        cur.execute("VACUUM ANALYZE nudge")
    finally:
        raw.close()
        engine.dispose()


def settings_for(url: str, sandbox: SandboxServer, **extra) -> Settings:
    return Settings(
        _env_file=None,
        database_url=url,
        slack_bot_token=sandbox.bot_token,
        slack_api_url=sandbox.api_url,
        dealbot_work_hours="00:00-23:59",
        dealbot_work_days="Mon-Sun",
        dealbot_lease_seconds=30,
        **extra,
    )


def sweep_time(dbs: TestDatabases, deals: int, due: int = 100) -> tuple[float, float, dict]:
    users = [f"U2{i:05d}" for i in range(200)]
    sandbox = sandbox_with(users)
    url = dbs.fresh()
    now = datetime.now(UTC) - timedelta(minutes=1)
    t = time.perf_counter()
    load(url, deals=deals, due=due, users=users, now=now)
    loaded = time.perf_counter() - t
    deps = build_deps(settings_for(url, sandbox))
    client = make_client(deps.settings)
    claim_ms = claim_time(deps.engine, due)
    t = time.perf_counter()
    result = Sweep(deps, client).run(datetime.now(UTC))
    took = time.perf_counter() - t
    with deps.engine.connect() as c:
        plan = "\n".join(r[0] for r in c.execute(text(
            "EXPLAIN SELECT id FROM nudge WHERE status IN ('pending','claimed','sent') AND available_at <= now() "
            "ORDER BY available_at, id LIMIT 20")))  # fmt: skip
    deps.engine.dispose()
    sandbox.stop()
    return loaded, took, {"result": result, "plan": plan, "claim_ms": claim_ms}


def claim_time(engine, due: int, rounds: int = 7) -> float:  # noqa: ANN001
    """Median ms of the claim statement taking all ``due`` rows (rolled back, so every round is equal)."""
    from sqlmodel import Session

    from storage.repo import nudges as repo

    times = []
    for _ in range(rounds):
        with Session(engine) as s:
            now = datetime.now(UTC)
            t = time.perf_counter()
            got = repo.claim(s, now=now, owner="bench", until=now + timedelta(seconds=30), batch=due)
            times.append((time.perf_counter() - t) * 1000)
            s.rollback()
        assert len(got) == due
    return sorted(times)[rounds // 2]


def fanout(dbs: TestDatabases, count: int, workers: int) -> tuple[float, int, int]:
    users = [f"U3{i:05d}" for i in range(1000)]
    sandbox = sandbox_with(users)
    sandbox.limit_posting(per_channel_per_second=1, per_workspace_per_minute=SLACK_PER_MIN, time_scale=SCALE)
    url = dbs.fresh()
    load(url, deals=count, due=count, users=users, now=datetime.now(UTC) - timedelta(minutes=1))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DEALBOT_"))}
    env.update(
        DATABASE_URL=url, SLACK_BOT_TOKEN=sandbox.bot_token, SLACK_API_URL=sandbox.api_url,
        DEALBOT_LEASE_SECONDS="30", DEALBOT_WORK_HOURS="00:00-23:59", DEALBOT_WORK_DAYS="Mon-Sun",
        DEALBOT_LOG_LEVEL="ERROR", SWEEPER_MAX_SECONDS="900", PYTHONPATH=str(ROOT),
    )  # fmt: skip
    t = time.perf_counter()
    procs = [
        subprocess.Popen([sys.executable, "-m", "tests.support.sweeper"], env=env, cwd=ROOT)
        for _ in range(workers)
    ]
    for p in procs:
        p.wait()
    took = time.perf_counter() - t
    ok = len(sandbox.state.calls_to("chat.postMessage", ok=True))
    limited = len(sandbox.state.calls_to("chat.postMessage", ok=False))
    sandbox.stop()
    return took, ok, limited


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000])
    ap.add_argument("--fanout", type=int, default=10_000)
    ap.add_argument("--workers", type=int, nargs="*", default=[1, 4])
    args = ap.parse_args()
    dbs = TestDatabases(PG_URL)
    try:
        base = None
        for n in args.sizes:
            loaded, took, info = sweep_time(dbs, n)
            base = base or took
            print(f"sweep: {n:>9,} deals, 100 due: {took:6.2f} s ({took / base:4.2f}x the first size); "
                  f"claim of the 100 (median of 7): {info['claim_ms']:.2f} ms; load {loaded:5.1f} s; "
                  f"{info['result']}", flush=True)  # fmt: skip
        if args.sizes:
            print("claim plan:\n  " + info["plan"].replace("\n", "\n  "), flush=True)
        floor = args.fanout / (SLACK_PER_MIN * SCALE / 60)
        for w in args.workers if args.fanout else []:
            took, ok, limited = fanout(dbs, args.fanout, w)
            print(f"fan-out: {args.fanout:,} nudges, {w} sweeper(s), limits scaled {SCALE}x: {took:6.1f} s "
                  f"(scaled floor {floor:.1f} s = {floor * SCALE / 60:.1f} min real); accepted {ok:,}, "
                  f"429s {limited:,}", flush=True)  # fmt: skip
    finally:
        dbs.cleanup()


if __name__ == "__main__":
    main()
