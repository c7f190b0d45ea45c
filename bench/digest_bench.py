"""Digest figures at scale: time and peak Python memory for 10k and 100k deals, SQLite and PostgreSQL.

    PYTHONPATH=. /work/venv/bin/python bench/digest_bench.py [--pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

Each size gets a fresh migrated database filled by tests/support/funnel_bulk.py (a mix of statuses,
stages, currencies, flags, losses, follow-ups and payments over 50 reps). The timed unit is everything
the weekly digest computes (bot.flows.funnel.figures.compute for the whole team) plus rendering the message.
Median of 5 runs after one warm-up; peak memory is tracemalloc's peak over one run.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

from bot.blocks.funnel import funnel_message
from bot.config import Settings
from bot.flows.funnel.figures import compute
from bot.flows.team.config import team_config
from storage.db import make_engine, read_scope
from storage.migrate import upgrade
from storage.repo.funnel import Scope
from tests.support import funnel_bulk

SIZES = (10_000, 100_000)
REPS = 50


def digest_once(engine, settings) -> int:  # noqa: ANN001
    with read_scope(engine) as s:
        cfg = team_config(s, settings, "T0SANDBOX")
        figures = compute(s, cfg, now=funnel_bulk.NOW, scope=Scope("T0SANDBOX"))
        msg = funnel_message(figures, cfg.stages, "en", title="Funnel")
    return len(msg["blocks"])


def measure(engine, settings) -> tuple[float, float]:  # noqa: ANN001
    digest_once(engine, settings)  # warm-up (plans, caches)
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        digest_once(engine, settings)
        times.append(time.perf_counter() - t0)
    tracemalloc.start()
    digest_once(engine, settings)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(times), peak / 1024 / 1024


def sqlite_db(tmp: Path, size: int):  # noqa: ANN201
    return make_engine(f"sqlite:///{tmp / f'bench_{size}.db'}"), None


def pg_db(admin_url: str, size: int):  # noqa: ANN201
    name = f"dealbot_bench_{size}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    return make_engine(url), (admin, name)


def drop(handle) -> None:  # noqa: ANN001
    if handle:
        admin, name = handle
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    ap.add_argument("--sizes", default=",".join(map(str, SIZES)))
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    settings = Settings(_env_file=None)
    results: dict[tuple[str, int], tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for backend in ("sqlite", "postgresql"):
            for size in sizes:
                engine, handle = sqlite_db(Path(tmp), size) if backend == "sqlite" else pg_db(args.pg, size)
                try:
                    upgrade(engine)
                    t0 = time.perf_counter()
                    funnel_bulk.populate(engine, deals=size, reps=REPS)
                    with engine.begin() as c:
                        c.execute(text("ANALYZE"))
                    load = time.perf_counter() - t0
                    results[(backend, size)] = measure(engine, settings)
                    secs, mib = results[(backend, size)]
                    print(
                        f"{backend:10s} {size:>7,d} deals  load {load:6.1f} s  digest {secs * 1000:8.1f} ms  peak {mib:6.2f} MiB",
                        flush=True,
                    )
                finally:
                    engine.dispose()
                    drop(handle)
    if len(sizes) == 2:
        small, big = sizes
        for backend in ("sqlite", "postgresql"):
            (t1, m1), (t2, m2) = results[(backend, small)], results[(backend, big)]
            print(f"{backend:10s} {big // small}x the deals: time x{t2 / t1:.2f}, peak memory x{m2 / m1:.2f}")


if __name__ == "__main__":
    main()
