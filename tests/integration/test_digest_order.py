"""Digests go out in order and only once there is something to say: an instance that starts mid-week
never posts the week under way after a later week's digest went out, and a brand-new install posts
nothing until the workspace has a deal or an admin has chosen the channel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.db import read_scope, session_scope
from storage.repo.demo import ensure_manager_channel
from storage.repo.funnel import digest as digest_repo
from storage.repo.roles import save_team_settings
from tests.support.bot import bot_env, run_cli
from tests.support.factories import make_deal

CHANNEL = "C0MANAGERS"
TEAM = "T0SANDBOX"
NEXT_MONDAY = "2026-11-30T01:10:00+00:00"  # Monday 09:10 Asia/Shanghai
THIS_WEEK = datetime(2026, 11, 22, 16, tzinfo=UTC)  # Monday 23 Nov 00:00 Asia/Shanghai
NEXT_WEEK = datetime(2026, 11, 29, 16, tzinfo=UTC)


def _digests(sandbox) -> list:  # noqa: ANN001
    return [m for m in sandbox.state.channel_messages(CHANNEL) if m.blocks and m.source == "chat"]


def _runs(engine) -> list[tuple[str, str]]:  # noqa: ANN001
    with read_scope(engine) as s:
        return [(r.period_start.isoformat(), r.status) for r in digest_repo.runs(s, team_id=TEAM)]


def test_a_week_older_than_one_already_posted_is_never_posted(make_bot, sandbox, db_url, engine):
    with session_scope(engine) as s:
        make_deal(s, account="Wenzhou Hotel")
    env = bot_env(sandbox, db_url, DEALBOT_MANAGER_CHANNEL=CHANNEL)
    ahead = run_cli("jobs", "run-due", "--at", NEXT_MONDAY, env=env)  # an operator ran next Monday's
    assert ahead.returncode == 0 and "digest: 1" in ahead.stdout, ahead.stdout + ahead.stderr

    bot = make_bot(db_url, DEALBOT_MANAGER_CHANNEL=CHANNEL)  # an instance starting mid-week, before it
    bot.set_clock("2026-11-25T03:00:00Z")
    assert bot.run_due()["jobs"]["digest"] == 0  # its first tick: the week under way is older

    assert len(_digests(sandbox)) == 1 and "week of 30 Nov 2026" in _digests(sandbox)[0].text
    assert _runs(engine) == [(NEXT_WEEK.isoformat(), "posted")]

    # a replica that had created the older week's run before still cannot claim it now
    with session_scope(engine) as s:
        digest_repo.ensure_run(s, team_id=TEAM, channel_id=CHANNEL, period_start=THIS_WEEK, now=THIS_WEEK)
    with session_scope(engine) as s:
        late = digest_repo.claim_run(
            s,
            channel_id=CHANNEL,
            period_start=THIS_WEEK,
            now=NEXT_WEEK,
            worker="w",
            lease=timedelta(minutes=2),
        )
    assert late is None
    assert bot.run_due()["jobs"]["digest"] == 0 and len(_digests(sandbox)) == 1


def test_a_brand_new_install_posts_no_digest_until_it_has_a_deal(make_bot, sandbox, db_url, engine):
    bot = make_bot(db_url, DEALBOT_MANAGER_CHANNEL=CHANNEL)
    bot.set_clock(NEXT_MONDAY)
    assert bot.run_due()["jobs"]["digest"] == 0  # the first tick of a new install: nothing to say
    with session_scope(engine) as s:  # the sandbox seeds the channel: that is no admin's choice
        ensure_manager_channel(s, team_id=TEAM, channel_id=CHANNEL, at=NEXT_WEEK)
    assert bot.run_due()["jobs"]["digest"] == 0
    assert _digests(sandbox) == [] and _runs(engine) == []

    with session_scope(engine) as s:
        make_deal(s, account="First Deal Co")
    assert bot.run_due()["jobs"]["digest"] == 1
    assert len(_digests(sandbox)) == 1


def test_an_admin_who_chose_the_channel_gets_the_digest_before_any_deal(make_bot, sandbox, db_url, engine):
    with session_scope(engine) as s:
        ensure_manager_channel(
            s, team_id=TEAM, channel_id=CHANNEL, at=NEXT_WEEK
        )  # seeded, as the sandbox does
    bot = make_bot(db_url)
    bot.set_clock(NEXT_MONDAY)
    assert bot.run_due()["jobs"]["digest"] == 0
    with session_scope(engine) as s:  # an admin saves the settings with that channel: they want it
        save_team_settings(s, team_id=TEAM, by="U0ADMIN", at=NEXT_WEEK, manager_channel=CHANNEL)
    assert bot.run_due()["jobs"]["digest"] == 1
    assert len(_digests(sandbox)) == 1
