"""App Home: a rep's "needs you today" and deals by stage, a manager's team by rep, an admin's settings
— within Slack's 100 blocks with 300 deals."""

from __future__ import annotations

from datetime import timedelta

from bot.blocks.home import home_view
from storage.models import ManagerRep, Membership
from tests.support.factories import make_deal
from tests.support.flows import utc
from tests.support.pipeline import all_text

NOW = utc(2026, 11, 23, 2)
STAGES = ["qualify", "relationships", "influence", "bid", "negotiate", "deliver"]


def test_home_for_rep_manager_admin_within_100_blocks_with_300_deals(world):
    with world.session() as s:
        for i in range(300):
            make_deal(s, owner_id=("U0REP1", "U0REP2", "U0MGR")[i % 3], account=f"Account {i:03d}",
                      title="Project " + "x" * 100, stage=STAGES[i % 6], now=NOW - timedelta(days=i % 60))  # fmt: skip
        s.add(Membership(team_id="T0SANDBOX", user_id="U0MGR", role="manager"))
        s.add(ManagerRep(team_id="T0SANDBOX", manager_id="U0MGR", rep_id="U0REP1"))
    shown = {}
    for user in ("U0REP2", "U0MGR", "U0ADMIN", "U0REP1"):
        with world.session() as s:
            view = home_view(world.home(s, world.actor(s, user, now=NOW), now=NOW))
        assert len(view["blocks"]) <= 100, user
        shown[user] = all_text(view)
    rep = shown["U0REP2"]
    assert rep.index("Needs you today") < rep.index("My deals (100)")
    assert "stalled" in rep and "more" in rep and "Register a deal" in rep
    assert "Team" not in rep and "Settings" not in rep
    mgr = shown["U0MGR"]
    assert "<@U0REP1>" in mgr and "<@U0MGR>" in mgr and "<@U0REP2>" not in mgr and "Settings" not in mgr
    admin = shown["U0ADMIN"]
    assert "<@U0REP2>" in admin and "Settings" in admin and "Six-stage key-account process" in admin
    zh = shown["U0REP1"]
    assert "今天需要你处理" in zh and "登记项目" in zh
