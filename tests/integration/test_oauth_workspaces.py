"""Installed the way Slack apps are (issue 13) — the real app as a process in OAuth mode (client id and
secret, no SLACK_BOT_TOKEN), two sandbox workspaces installed through the sandbox's OAuth imitation.
The sandbox accepts only tokens it issued, each only for its own workspace (``invalid_auth``
otherwise), revoked ones answer ``token_revoked``."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, update
from sqlmodel import select as sm_select

from bot import ids
from sandbox.slack_side import SlackSide
from storage.db import make_engine, session_scope
from storage.models import SLACK_BOTS, SLACK_INSTALLATIONS, Membership, Nudge, TeamSettings
from tests.integration.test_pipeline_access import forged_card, seen_by
from tests.support.bot import run_cli
from tests.support.nudges import new_deal, nudge_dms
from tests.support.oauth import calls_by_team, oauth_env, start_oauth_bot, token_team
from tests.support.pipeline import all_text
from tests.support.waits import wait_for

A, B = "T0SANDBOX", "T0OTHER"
REP_A, REP_B = "U0REP1", "U9REP1"  # both in Shanghai; both read Chinese
T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)  # Mon 09:00 Shanghai
SECRET_A, SECRET_B = "Harbor Cranes", "Secret Turbine Project"


@pytest.fixture
def world(sandbox, dbs):
    url = dbs.fresh()
    bot = start_oauth_bot(sandbox, url)
    engine = make_engine(url)
    yield bot, SlackSide(sandbox, app_url=bot.url), engine
    bot.stop()
    engine.dispose()


def installed_teams(engine) -> set[str]:  # noqa: ANN001
    with engine.connect() as conn:
        return {r[0] for r in conn.execute(select(SLACK_BOTS.c.team_id))}


def admins(engine, team: str) -> set[str]:  # noqa: ANN001
    with session_scope(engine) as s:
        q = sm_select(Membership).where(Membership.team_id == team, Membership.role == "admin")
        return {m.user_id for m in s.exec(q)}


def run_due_cli(bot, at: str):  # noqa: ANN001, ANN201
    """`dealbot jobs run-due` as cron would run it: OAuth environment, no bot token anywhere."""
    env = dict(bot.env)
    assert "SLACK_BOT_TOKEN" not in env
    done = run_cli("jobs", "run-due", "--at", at, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_nothing_is_served_before_an_install(world, sandbox):
    bot, slack, engine = world
    reply = slack.command(REP_A, "/deal", "list")
    assert reply.status == 200
    assert sandbox.state.calls == [] or all(c.token is None for c in sandbox.state.calls)
    assert installed_teams(engine) == set()


def test_two_workspaces_each_with_its_own_token_never_meet_and_one_can_leave_and_come_back(world, sandbox):
    bot, slack, engine = world
    # -- install both, each by a person who is no Slack admin: they become dealbot's first admin
    page = slack.install("U0MGR")
    assert page.status_code == 200 and "dealbot is installed" in page.text, page.text
    page = slack.install("U9MGR", deny=True)  # cancelled in Slack: a friendly page, nothing stored
    assert "was not installed" in page.text and "cancelled" in page.text
    assert installed_teams(engine) == {A}
    page = slack.install("U9MGR")
    assert "dealbot is installed" in page.text
    assert installed_teams(engine) == {A, B}
    assert admins(engine, A) == {"U0MGR"} and admins(engine, B) == {"U9MGR"}

    bot.set_clock(T0.isoformat())
    for rep in (REP_A, REP_B):
        assert slack.command(rep, "/deal", "away").status == 200  # seen once: zone stored
    deal_a = new_deal(engine, owner_id=REP_A, now=T0, account=SECRET_A, team_id=A)
    deal_b = new_deal(engine, owner_id=REP_B, now=T0, account=SECRET_B, team_id=B)

    # -- each workspace sees its own deals only: names, ids in buttons and private_metadata, App Home
    assert SECRET_A in slack.command(REP_A, "/deal", "harbor").text
    assert SECRET_B in slack.command(REP_B, "/deal", "secret").text
    for rep, foreign, name in ((REP_A, deal_b, "secret turbine"), (REP_B, deal_a, "harbor cranes")):
        for text in (str(foreign), name, f"advance {foreign}", f"history {foreign}"):
            assert "没有找到" in slack.command(rep, "/deal", text).text, (rep, text)
        card = forged_card(sandbox, rep, ids.ACT_DEAL_OPEN, f"{foreign}:1")
        assert slack.click(rep, card, ids.ACT_DEAL_OPEN).status == 200
    own_b = new_deal(engine, owner_id=REP_B, now=T0, account="Other Co", team_id=B)
    slack.command(REP_B, "/deal", f"drop {own_b}")
    view = dict(sandbox.state.open_modal(REP_B))
    view["private_metadata"] = json.dumps({"d": deal_a, "v": 1})
    assert "没有找到" in all_text(slack.submit(REP_B, {"reason": "no budget"}, view=view).json["view"])
    for admin in ("U0MGR", "U9MGR"):
        slack.open_home(admin)
    slack.open_home(REP_A)
    slack.open_home(REP_B)
    assert SECRET_B not in seen_by(sandbox, REP_A) + seen_by(sandbox, "U0MGR")
    assert SECRET_A not in seen_by(sandbox, REP_B) + seen_by(sandbox, "U9MGR")
    assert SECRET_A in seen_by(sandbox, REP_A) and SECRET_B in seen_by(sandbox, REP_B)

    # -- every call was made with the token of the workspace it concerned; none was refused for it
    by_team = calls_by_team(sandbox)
    assert set(by_team) >= {A, B}
    assert not [c for c in sandbox.state.calls if c.error in ("invalid_auth", "not_authed", "token_revoked")]
    assert all(c.args.get("user", REP_A).startswith("U0") for c in by_team[A] if c.method == "users.info")
    assert all(c.args.get("user", REP_B).startswith("U9") for c in by_team[B] if c.method == "users.info")
    assert {c.method for c in by_team.get(None, [])} == {"oauth.v2.access"}  # the rest: installations' tokens

    # -- `dealbot jobs run-due` (no token in its environment) nudges each rep with its workspace's token
    mark = len(sandbox.state.calls)
    run_due_cli(bot, "2026-11-03T03:00:00Z")  # Tue 11:00 Shanghai: day 1
    assert [n.deal_id for n, _ in nudge_dms(sandbox, engine, REP_A)] == [deal_a]
    assert sorted(n.deal_id for n, _ in nudge_dms(sandbox, engine, REP_B)) == [deal_b, own_b]
    posts = [c for c in sandbox.state.calls[mark:] if c.method == "chat.postMessage" and c.ok]
    assert {(c.args["channel"], token_team(sandbox, c.token)) for c in posts} == {(REP_A, A), (REP_B, B)}

    # -- B uninstalls: its installation is deleted, no call uses its tokens, its rows are skipped
    b_tokens = set(sandbox.state.oauth.team_tokens(B))
    replies = slack.uninstall(B)
    assert [r.status for r in replies] == [200, 200]
    assert installed_teams(engine) == {A}
    with engine.connect() as conn:
        assert conn.execute(select(SLACK_INSTALLATIONS).where(SLACK_INSTALLATIONS.c.team_id == B)).all() == []
    mark = len(sandbox.state.calls)
    slack.command(REP_B, "/deal", "list")  # no reply can be sent: none is tried
    slack.open_home(REP_B)
    slack.dm(REP_B, "hello")
    assert [c for c in sandbox.state.calls[mark:] if c.token in b_tokens] == []
    out = run_due_cli(bot, "2026-11-17T03:00:00Z")  # day 15 for both
    assert "nudges" in out
    after = sandbox.state.calls[mark:]
    assert [c for c in after if c.token in b_tokens] == []
    assert [c for c in after if c.error == "token_revoked"] == []
    with session_scope(engine) as s:
        b_rows = list(s.exec(sm_select(Nudge).where(Nudge.team_id == B, Nudge.status == "skipped")))
    assert b_rows and all("not installed" in (n.reason or "") for n in b_rows)
    a_kinds = [n.kind for n, _ in nudge_dms(sandbox, engine, REP_A)]
    assert len(a_kinds) >= 2, a_kinds  # A keeps working: its day-15 nudge went out

    # -- B comes back: a reinstall (by a rep this time) finds its deals; the installer is admin
    assert "dealbot is installed" in slack.install("U9REP2").text
    assert installed_teams(engine) == {A, B}
    assert SECRET_B in slack.command(REP_B, "/deal", "secret").text
    assert "U9REP2" in admins(engine, B)
    new_b = set(sandbox.state.oauth.team_tokens(B)) - b_tokens
    assert new_b and all(token_team(sandbox, t) == B for t in new_b)


def test_uninstall_events_in_either_order_delete_the_installation(world, sandbox):
    bot, slack, engine = world
    slack.install("U0ADMIN")
    slack.install("U9ADMIN")
    assert installed_teams(engine) == {A, B}
    assert [r.status for r in slack.uninstall(A, order=("tokens_revoked", "app_uninstalled"))] == [200, 200]
    assert installed_teams(engine) == {B}
    assert [r.status for r in slack.uninstall(B, order=("tokens_revoked",))] == [200]
    assert installed_teams(engine) == set()


def test_an_expiring_token_is_refreshed_once_for_requests_and_for_jobs(world, sandbox):
    bot, slack, engine = world
    sandbox.state.oauth.token_expires_in = 60  # within Bolt's 120 minutes: refreshed on first use
    slack.install("U0ADMIN")
    first = sandbox.state.oauth.team_tokens(A)
    assert len(first) == 1 and first[0].startswith("xoxe.xoxb-")
    bot.set_clock(T0.isoformat())

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(6) as pool:
        replies = list(pool.map(lambda _: slack.command(REP_A, "/deal", "list"), range(6)))
    assert all(r.status == 200 for r in replies)
    assert sandbox.state.oauth.refreshes == 1  # refresh tokens are single-use: one refresh at a time
    assert not [c for c in sandbox.state.calls if c.error == "invalid_refresh_token"]
    tokens = sandbox.state.oauth.team_tokens(A)
    assert len(tokens) == 2
    with engine.connect() as conn:
        stored = conn.execute(select(SLACK_BOTS.c.bot_token).where(SLACK_BOTS.c.team_id == A)).scalar_one()
    assert stored == tokens[1] != first[0]

    # the job refreshes too, when the stored token is about to expire
    deal = new_deal(engine, owner_id=REP_A, now=T0, account=SECRET_A, team_id=A)
    with engine.begin() as conn:
        conn.execute(update(SLACK_BOTS).values(bot_token_expires_at=datetime(2000, 1, 1)))
    mark = len(sandbox.state.calls)
    run_due_cli(bot, "2026-11-03T03:00:00Z")
    assert sandbox.state.oauth.refreshes == 2
    newest = sandbox.state.oauth.team_tokens(A)[-1]
    posts = [c for c in sandbox.state.calls[mark:] if c.method == "chat.postMessage" and c.ok]
    assert [c.token for c in posts] == [newest]
    assert [n.deal_id for n, _ in nudge_dms(sandbox, engine, REP_A)] == [deal]


def test_the_digest_goes_to_each_workspace_with_its_own_token(world, sandbox):
    bot, slack, engine = world
    slack.install("U0ADMIN")
    slack.install("U9ADMIN")
    bot.set_clock(T0.isoformat())
    new_deal(engine, owner_id=REP_A, now=T0, account=SECRET_A, team_id=A)
    new_deal(engine, owner_id=REP_B, now=T0, account=SECRET_B, team_id=B)
    with session_scope(engine) as s:
        s.add(TeamSettings(team_id=A, manager_channel="C0MANAGERS"))
        s.add(TeamSettings(team_id=B, manager_channel="C9MANAGERS"))
    mark = len(sandbox.state.calls)
    run_due_cli(bot, "2026-11-09T01:30:00Z")  # Mon 09:30 Shanghai
    posts = [c for c in sandbox.state.calls[mark:] if c.method == "chat.postMessage" and c.ok]
    channels = {(c.args["channel"], token_team(sandbox, c.token)) for c in posts}
    assert ("C0MANAGERS", A) in channels and ("C9MANAGERS", B) in channels


def test_oauth_mode_refuses_mixed_credentials_naming_the_variable(sandbox, dbs):
    env = {**oauth_env(sandbox, dbs.fresh()), "SLACK_BOT_TOKEN": "xoxb-1111-2222-realistic0token"}
    done = run_cli("run", "--http", "--port", "0", env=env, timeout=60)
    assert done.returncode == 2 and "SLACK_BOT_TOKEN" in done.stderr
    env = oauth_env(sandbox, dbs.fresh(), DEALBOT_MANAGER_CHANNEL="C0MANAGERS")
    done = run_cli("run", "--http", "--port", "0", env=env, timeout=60)
    assert done.returncode == 2 and "DEALBOT_MANAGER_CHANNEL" in done.stderr


# -- issue 13: the CSV export and the digest's content stay within their workspace ---------------------

ALPHA = ("Alpha Steel", "Alpha Rail")  # workspace A's accounts (U0REP1, U0REP2)
BETA = ("Beta Grid", "Beta Harbour")  # workspace B's accounts (U9REP1, U9REP2)


def _two_workspaces_with_deals(slack, sandbox, engine) -> None:  # noqa: ANN001
    """Both installed by their Slack admins, each admin picks its manager channel in App Home; each
    workspace has two deals past their expected close (so the digest's red flags name them)."""
    for admin, channel in (("U0ADMIN", "C0MANAGERS"), ("U9ADMIN", "C9MANAGERS")):
        assert "dealbot is installed" in slack.install(admin).text
        slack.open_home(admin)
        slack.click(admin, sandbox.state.home_view(admin), ids.ACT_SETTINGS_OPEN)
        assert slack.submit(admin, {"manager_channel": channel}).status == 200
        assert f"dealbot is in <#{channel}>" in all_text(sandbox.state.home_view(admin))
    with session_scope(engine) as s:
        assert {r.team_id: r.manager_channel for r in s.exec(sm_select(TeamSettings))} == {
            A: "C0MANAGERS",
            B: "C9MANAGERS",
        }
    overdue = date(2026, 11, 5)
    for team, prefix, accounts in ((A, "U0", ALPHA), (B, "U9", BETA)):
        for n, account in enumerate(accounts, 1):
            new_deal(engine, owner_id=f"{prefix}REP{n}", now=T0, account=account, team_id=team,
                     expected_close=overdue)  # fmt: skip


def _export(slack, sandbox, admin: str) -> list[list[str]]:  # noqa: ANN001
    reply = slack.command(admin, "/funnel", "export")
    assert reply.status == 200 and "Your CSV export (2 deals)" in reply.text, reply.text
    sent = wait_for(lambda: [m for m in sandbox.state.dm(admin) if m.files], what=f"the CSV in {admin}'s DM")
    assert len(sent) == 1 and sent[0].files[0]["mimetype"] == "text/csv"
    content = sandbox.state.files[sent[0].files[0]["id"]]["content"].decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


def test_each_admins_csv_export_lists_only_their_own_workspaces_deals(world, sandbox):
    bot, slack, engine = world
    _two_workspaces_with_deals(slack, sandbox, engine)
    bot.set_clock("2026-11-06T02:00:00Z")
    for admin, team, own, other, prefix in (
        ("U0ADMIN", A, ALPHA, BETA, "U0"),
        ("U9ADMIN", B, BETA, ALPHA, "U9"),
    ):
        mark = len(sandbox.state.calls)
        rows = _export(slack, sandbox, admin)
        assert rows[0][:4] == ["id", "account", "title", "owner_id"]
        assert sorted(r[1] for r in rows[1:]) == sorted(own), (admin, rows)
        assert {r[3] for r in rows[1:]} == {f"{prefix}REP1", f"{prefix}REP2"}
        text = "\n".join(",".join(r) for r in rows)
        assert all(name in text for name in own) and not any(name in text for name in other), text
        uploads = [c for c in sandbox.state.calls[mark:] if c.method.startswith("files.") and c.token]
        assert {c.method for c in uploads} >= {"files.getUploadURLExternal", "files.completeUploadExternal"}
        assert {token_team(sandbox, c.token) for c in uploads} == {team}
    assert not [c for c in sandbox.state.calls if c.error in ("invalid_auth", "not_authed", "token_revoked")]


def test_each_workspaces_digest_names_only_its_own_accounts_and_reps_with_its_own_token(world, sandbox):
    bot, slack, engine = world
    _two_workspaces_with_deals(slack, sandbox, engine)
    mark = len(sandbox.state.calls)
    run_due_cli(bot, "2026-11-09T01:30:00Z")  # Mon 09:30 Shanghai: both workspaces' digests are due
    after = sandbox.state.calls[mark:]
    posts = [c for c in after if c.method == "chat.postMessage" and c.ok]
    to_channels = {
        (c.args["channel"], token_team(sandbox, c.token)) for c in posts if c.args["channel"][0] == "C"
    }
    assert to_channels == {("C0MANAGERS", A), ("C9MANAGERS", B)}
    # the rest are the reps' nudges: each to a person of the workspace whose token sent it
    assert all(
        {"U0": A, "U9": B}[c.args["channel"][:2]] == token_team(sandbox, c.token)
        for c in posts
        if c.args["channel"][0] == "U"
    )
    charts = [c for c in after if c.method == "files.completeUploadExternal" and c.ok]
    assert {(c.args.get("channel_id"), token_team(sandbox, c.token)) for c in charts} == {
        ("C0MANAGERS", A),
        ("C9MANAGERS", B),
    }
    assert not [c for c in after if c.error in ("invalid_auth", "not_authed", "token_revoked")]
    for channel, own, other, prefix, foreign in (
        ("C0MANAGERS", ALPHA, BETA, "U0", "U9"),
        ("C9MANAGERS", BETA, ALPHA, "U9", "U0"),
    ):
        posted = [m for m in sandbox.state.channel_messages(channel) if m.source in ("chat", "file")]
        digest = "\n".join(all_text(m.blocks) + "\n" + (m.text or "") for m in posted)
        assert posted and posted[0].blocks, channel
        assert all(name in digest for name in own), (channel, digest)
        assert not any(name in digest for name in other), (channel, digest)
        assert f"<@{prefix}REP1>" in digest and f"<@{prefix}REP2>" in digest, digest
        assert f"<@{foreign}" not in digest, digest
