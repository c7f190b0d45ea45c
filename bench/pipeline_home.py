"""How long App Home and /deal list take to build with many deals (prints figures; not a test).

python -m bench.pipeline_home [deals=300] [repeats=20]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import Session

from bot.blocks.deal_list import deal_list_message
from bot.blocks.home import home_view
from bot.config import Settings
from bot.flows.pipeline.home import build_home
from bot.flows.pipeline.status import visible_summaries
from bot.flows.team.config import team_config
from bot.flows.team.users import Actor
from storage.db import make_engine
from storage.migrate import upgrade
from storage.models import ManagerRep, Membership
from tests.support.factories import make_deal


def main(n: int = 300, repeats: int = 20) -> None:
    url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    engine = make_engine(url)
    upgrade(engine)
    now = datetime.now(UTC)
    stages = ["qualify", "relationships", "influence", "bid", "negotiate", "deliver"]
    with Session(engine) as s:
        for i in range(n):
            make_deal(
                s,
                owner_id=("U0REP1", "U0REP2", "U0MGR")[i % 3],
                account=f"Account {i}",
                stage=stages[i % 6],
                now=now - timedelta(days=i % 60),
            )
        s.add(Membership(team_id="T0SANDBOX", user_id="U0MGR", role="manager"))
        s.add(ManagerRep(team_id="T0SANDBOX", manager_id="U0MGR", rep_id="U0REP1"))
        s.commit()
    settings = Settings(_env_file=None)
    actors = {
        "rep": Actor("T0SANDBOX", "U0REP1", "en", "Asia/Shanghai"),
        "manager": Actor("T0SANDBOX", "U0MGR", "en", "Asia/Shanghai", role="manager"),
        "admin": Actor("T0SANDBOX", "U0ADMIN", "zh-Hans", "Asia/Shanghai", is_admin=True, role="admin"),
    }
    print(f"{n} deals, {repeats} runs each, SQLite")
    for name, actor in actors.items():
        times, blocks = [], 0
        for _ in range(repeats):
            t0 = time.perf_counter()
            with Session(engine) as s:
                view = home_view(build_home(s, settings, actor, now=now))
            times.append(time.perf_counter() - t0)
            blocks = len(view["blocks"])
        print(
            f"App Home {name:8s} median {statistics.median(times) * 1000:7.1f} ms  max {max(times) * 1000:7.1f} ms"
            f"  {blocks} blocks"
        )
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        with Session(engine) as s:
            stage_set = team_config(s, settings, "T0SANDBOX").stages
            deal_list_message(visible_summaries(s, actors["rep"], stage_set, now=now, mine_only=True), "en")
        times.append(time.perf_counter() - t0)
    print(
        f"/deal list rep     median {statistics.median(times) * 1000:7.1f} ms  max {max(times) * 1000:7.1f} ms"
    )


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
