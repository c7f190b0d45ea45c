"""The backward plan and the team's odds at scale (issue 16): 100k closed deals on SQLite and PostgreSQL.

    PYTHONPATH=. /work/main/.venv/bin/python bench/plan_bench.py [--pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

Each run fills a fresh migrated database: ``--closed`` deals closed (won, lost, dropped) over the last
12 months, each standing on a rung of the ladder, with its created event and one stage change per stage
it passed, plus ``--open`` open deals over 50 reps and their quotas. Timed (median of 5 after a warm-up):
``plan`` — the team's backward plan and one rep's (every query the plan makes); ``odds`` — the team's
own odds, stage durations (median per stage, window functions) and cycle length.
The aim (issue 16): under 1 s on PostgreSQL.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert, text

from bench.digest_bench import drop, pg_db, sqlite_db
from bot.config import Settings
from bot.flows.plan import backward_plan, team_odds
from bot.flows.team.config import team_config
from storage.db import read_scope
from storage.migrate import upgrade
from storage.models import Deal, DealEvent, Quota
from tests.support.funnel_bulk import NOW, rep_id

TEAM = "T0SANDBOX"
REPS = 50
BATCH = 5000
PATH = ("qualify", "relationships", "influence", "bid", "negotiate", "deliver")
RUNGS = ("qualify", "relationships", "influence", "bid", "negotiate~negotiation_under_way", "deliver")


def _deal(i: int, status: str, rung: str) -> dict:
    created = NOW - timedelta(days=200 + i % 150, hours=i % 24)
    stage = rung.split("~")[0]
    return {
        "team_id": TEAM,
        "owner_id": rep_id(i % REPS),
        "account": f"Bulk {i}",
        "title": "Plan",
        "amount": Decimal(100_000 + (i * 7919) % 9_000_000),
        "currency": "CNY",
        "stage": stage,
        "earned_rung": rung,
        "qualification_failed": False,
        "contact_touch": 0,
        "stage_entered_at": created,
        "status": status,
        "grade": "B",
        "expected_close": (NOW + timedelta(days=i % 60)).date(),
        "contact_level": "normal",
        "committed": False,
        "followup_cycle": 0,
        "version": 1,
        "created_at": created,
        "updated_at": created,
        "closed_at": None if status == "open" else NOW - timedelta(days=1 + i % 360),
    }


def populate(engine, *, closed: int, open_: int) -> None:  # noqa: ANN001
    total = closed + open_
    with engine.begin() as conn:
        for start in range(0, total, BATCH):
            rows = []
            for i in range(start, min(total, start + BATCH)):
                if i < closed:
                    status = ("won", "lost", "lost", "dropped")[i % 4]
                    rung = "deliver" if status == "won" else RUNGS[i % 5]
                else:
                    status, rung = "open", RUNGS[i % 5]
                rows.append(_deal(i, status, rung))
            conn.execute(insert(Deal), rows)
        first = conn.execute(
            Deal.__table__.select().with_only_columns(Deal.id).order_by(Deal.id).limit(1)
        ).scalar()
        for start in range(0, total, BATCH):
            events = []
            for n in range(start, min(total, start + BATCH)):
                d = _deal(n, "open", "qualify")
                status = ("won", "lost", "lost", "dropped")[n % 4] if n < closed else "open"
                rung = ("deliver" if status == "won" else RUNGS[n % 5]).split("~")[0]
                at, owner = d["created_at"], d["owner_id"]
                base = {"team_id": TEAM, "deal_id": first + n, "actor_id": owner, "forced": False}
                base.update(
                    {k: None for k in ("from_value", "reason", "competitor", "note", "milestone_met")}
                )
                events.append({**base, "kind": "created", "to_value": "qualify", "at": at})
                for a, b in zip(PATH, PATH[1:], strict=False):
                    if a == rung:
                        break
                    at = at + timedelta(days=10 + n % 20)
                    events.append({**base, "kind": "stage", "from_value": a, "to_value": b, "at": at})
                if status != "open":
                    events.append({**base, "kind": status, "to_value": None, "at": d["closed_at"] or at})
            conn.execute(insert(DealEvent), events)
        conn.execute(
            insert(Quota),
            [
                {
                    "team_id": TEAM,
                    "rep_id": rep_id(r),
                    "period": "2026-Q4",
                    "period_start": date(2026, 10, 1),
                    "period_end": date(2027, 1, 1),
                    "amount": Decimal(50_000_000),
                    "currency": "CNY",
                    "set_by": "U0MGR",
                    "set_at": NOW,
                }
                for r in range(REPS)
            ],
        )


def plan_once(engine, settings) -> int:  # noqa: ANN001
    with read_scope(engine) as s:
        cfg = team_config(s, settings, TEAM)
        team = backward_plan(s, cfg, rep_id=None, owner_ids=None, now=NOW)
        rep = backward_plan(s, cfg, rep_id=rep_id(7), owner_ids=None, now=NOW)
    return (team.wins_needed or 0) + (rep.wins_needed or 0)


def odds_once(engine, settings) -> int:  # noqa: ANN001
    with read_scope(engine) as s:
        cfg = team_config(s, settings, TEAM)
        return team_odds(s, cfg, NOW).closed


def median_ms(fn, engine, settings) -> float:  # noqa: ANN001
    fn(engine, settings)
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        fn(engine, settings)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    ap.add_argument("--closed", type=int, default=100_000)
    ap.add_argument("--open", type=int, default=10_000)
    ap.add_argument("--backends", default="sqlite,postgresql")
    args = ap.parse_args()
    settings = Settings(_env_file=None)
    with tempfile.TemporaryDirectory() as tmp:
        for backend in args.backends.split(","):
            engine, handle = (
                sqlite_db(Path(tmp), args.closed) if backend == "sqlite" else pg_db(args.pg, args.closed)
            )
            try:
                upgrade(engine)
                t0 = time.perf_counter()
                populate(engine, closed=args.closed, open_=args.open)
                with engine.begin() as c:
                    c.execute(text("ANALYZE"))
                load = time.perf_counter() - t0
                checked = odds_once(engine, settings)
                assert checked == args.closed, checked
                plan_ms = median_ms(plan_once, engine, settings)
                odds_ms = median_ms(odds_once, engine, settings)
                print(
                    f"{backend:10s} {args.closed:>7,d} closed + {args.open:,d} open deals  load {load:6.1f} s  "
                    f"plan (team + one rep) {plan_ms:8.1f} ms  odds (odds, durations, cycle) {odds_ms:8.1f} ms",
                    flush=True,
                )
            finally:
                engine.dispose()
                drop(handle)


if __name__ == "__main__":
    main()
