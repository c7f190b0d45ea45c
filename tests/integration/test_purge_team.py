"""`dealbot purge-team T…`: refused while the workspace is installed; asks for the workspace id (or
--yes); deletes that workspace's rows in every table and nothing of another's."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlmodel import select

from storage.db import make_engine, session_scope
from storage.models import Deal, Membership, Nudge
from tests.support.bot import ROOT, run_cli
from tests.support.nudges import new_deal
from tests.support.purge_env import cli_env

T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)


def counts(engine, team: str) -> tuple[int, int]:  # noqa: ANN001
    with session_scope(engine) as s:
        deals = len(list(s.exec(select(Deal).where(Deal.team_id == team))))
        nudges = len(list(s.exec(select(Nudge).where(Nudge.team_id == team))))
        return deals, nudges


def test_purge_team_asks_then_deletes_one_workspace_only(db_url):
    engine = make_engine(db_url)
    new_deal(engine, owner_id="U0REP1", now=T0, team_id="T0SANDBOX")
    new_deal(engine, owner_id="U9REP1", now=T0, team_id="T0OTHER", account="Other Co")
    with session_scope(engine) as s:
        s.add(Membership(team_id="T0OTHER", user_id="U9MGR", role="admin"))
    store = SQLAlchemyInstallationStore(client_id="1.2", engine=engine)
    store.save(Installation(app_id="A1", team_id="T0OTHER", user_id="U9MGR", bot_token="xoxb-x", bot_id="B1"))
    env = cli_env(db_url)

    done = run_cli("purge-team", "T0OTHER", "--yes", env=env)
    assert done.returncode == 2 and "still has dealbot installed" in done.stdout
    store.delete_all(enterprise_id=None, team_id="T0OTHER")  # uninstalled (app_uninstalled)

    no = subprocess.run([sys.executable, "-m", "bot", "purge-team", "T0OTHER"], input="T0SANDBOX\n",
                        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert no.returncode == 1 and "Type T0OTHER to confirm" in no.stdout and "nothing deleted" in no.stdout
    assert counts(engine, "T0OTHER")[0] == 1

    yes = subprocess.run([sys.executable, "-m", "bot", "purge-team", "T0OTHER"], input="T0OTHER\n",
                         env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert yes.returncode == 0, yes.stdout + yes.stderr
    assert "purged" in yes.stdout and "deal 1" in yes.stdout
    assert counts(engine, "T0OTHER") == (0, 0)
    assert counts(engine, "T0SANDBOX")[0] == 1 and counts(engine, "T0SANDBOX")[1] > 0
    with session_scope(engine) as s:
        assert list(s.exec(select(Membership).where(Membership.team_id == "T0OTHER"))) == []
    bad = run_cli("purge-team", "not-a-team", "--yes", env=env)
    assert bad.returncode == 2 and "not a workspace id" in bad.stderr
    engine.dispose()
