"""The weekly digest is posted exactly once per week and channel: concurrent schedulers, repeated
run-due, downtime over several due times, and a replica that died after posting."""

from __future__ import annotations

from datetime import UTC, date, datetime

from storage.db import read_scope, session_scope
from storage.models import DigestRun
from storage.repo.funnel import digest as digest_repo
from tests.support import forkserver
from tests.support.bot import bot_env, run_cli
from tests.support.factories import make_deal

CHANNEL = "C0MANAGERS"
DUE = "2026-11-23T01:00:00+00:00"  # Monday 09:00 Asia/Shanghai
WEEK = "2026-11-22T16:00:00+00:00"  # Monday 00:00 Asia/Shanghai


def _digests(sandbox) -> list:
    return [m for m in sandbox.state.channel_messages(CHANNEL) if m.blocks and m.source == "chat"]


def _runs(engine) -> list[tuple[str, str, int]]:
    with read_scope(engine) as s:
        return [
            (r.period_start.isoformat(), r.status, r.attempts)
            for r in digest_repo.runs(s, team_id="T0SANDBOX")
        ]


def _team(engine) -> None:
    with session_scope(engine) as s:
        make_deal(s, account="Wenzhou Hotel")


def test_concurrent_schedulers_at_the_due_instant_post_one_digest(sandbox, db_url, engine, tmp_path):
    _team(engine)
    env = bot_env(sandbox, db_url, DEALBOT_MANAGER_CHANNEL=CHANNEL)
    logs = [tmp_path / f"run-due-{i}.log" for i in range(3)]
    procs = [forkserver.SERVER.spawn(["jobs", "run-due", "--at", DUE], env, log) for log in logs]
    codes = [p.wait(timeout=120) for p in procs]
    outputs = [log.read_text() for log in logs]
    assert codes == [0, 0, 0], outputs
    assert sorted(o.count("digest: 1") for o in outputs) == [0, 0, 1], outputs
    assert len(_digests(sandbox)) == 1
    assert _runs(engine) == [(WEEK, "posted", 1)]


def test_run_due_twice_posts_once_and_not_before_it_is_due(sandbox, db_url, engine):
    _team(engine)
    with session_scope(engine) as s:  # last week's digest went out
        digest_repo.ensure_run(
            s,
            team_id="T0SANDBOX",
            channel_id=CHANNEL,
            period_start=datetime(2026, 11, 15, 16, tzinfo=UTC),
            now=datetime(2026, 11, 16, 1, tzinfo=UTC),
        )
        s.execute(DigestRun.__table__.update().values(status="posted"))
    env = bot_env(sandbox, db_url, DEALBOT_MANAGER_CHANNEL=CHANNEL)
    early = run_cli("jobs", "run-due", "--at", "2026-11-23T00:59:00Z", env=env)
    assert early.returncode == 0, early.stdout + early.stderr
    assert "digest: 0" in early.stdout
    assert _digests(sandbox) == []
    for _ in range(2):
        done = run_cli("jobs", "run-due", "--at", DUE, env=env)
        assert done.returncode == 0, done.stdout + done.stderr
    assert len(_digests(sandbox)) == 1
    assert [r[:2] for r in _runs(engine)] == [("2026-11-15T16:00:00+00:00", "posted"), (WEEK, "posted")]


def test_after_downtime_over_two_due_times_only_the_latest_week_is_posted(make_bot, sandbox, db_url, engine):
    _team(engine)
    bot = make_bot(db_url, DEALBOT_MANAGER_CHANNEL=CHANNEL)
    bot.set_clock("2026-11-25T03:00:00Z")  # Wednesday: the digests of 16 and 23 Nov were both missed
    assert bot.run_due()["jobs"]["digest"] == 1
    assert bot.run_due()["jobs"]["digest"] == 0
    bot.restart()
    bot.set_clock("2026-11-26T03:00:00Z")
    assert bot.run_due()["jobs"]["digest"] == 0
    assert len(_digests(sandbox)) == 1
    assert "week of 23 Nov 2026" in _digests(sandbox)[0].text
    assert _runs(engine) == [(WEEK, "posted", 1)]


def test_a_replica_that_died_after_posting_is_not_followed_by_a_second_post(
    make_bot, sandbox, db_url, engine
):
    _team(engine)
    with session_scope(engine) as s:  # claimed by a replica whose lease ran out: did it post?
        digest_repo.ensure_run(
            s,
            team_id="T0SANDBOX",
            channel_id=CHANNEL,
            period_start=datetime(2026, 11, 22, 16, tzinfo=UTC),
            now=datetime(2026, 11, 23, 1, tzinfo=UTC),
        )
        s.execute(DigestRun.__table__.update().values(status="claimed", attempts=1, lease_owner="dead"))
        run_id = s.exec(DigestRun.__table__.select()).first().id
    sandbox.state.add_bot_to(CHANNEL)  # the dead replica had joined the channel, then posted
    landed = sandbox.api.call(
        "chat.postMessage",
        {
            "channel": CHANNEL,
            "text": "Funnel · week of 23 Nov 2026",
            "metadata": {"event_type": "dealbot_digest", "event_payload": {"run_id": run_id}},
        },
        sandbox.bot_token,
    )[2]
    bot = make_bot(db_url, DEALBOT_MANAGER_CHANNEL=CHANNEL)
    bot.set_clock("2026-11-23T01:10:00Z")  # the dead replica's lease (120 s) is over
    assert bot.run_due()["jobs"]["digest"] == 1
    assert [m.ts for m in sandbox.state.channel_messages(CHANNEL) if m.source == "chat"] == [landed["ts"]]
    assert sandbox.state.calls_to("chat.postMessage") and len(sandbox.state.calls_to("chat.postMessage")) == 1
    with read_scope(engine) as s:
        run = s.get(DigestRun, run_id)
        assert (run.status, run.message_ts, run.attempts) == ("posted", landed["ts"], 2)


def test_each_workspace_gets_its_own_digest_in_its_own_channel(sandbox, db_url, engine):
    from storage.models import TeamSettings

    with session_scope(engine) as s:
        # issue 11: qualified (stage 1's rung) and closing in the period, so in the period's forecast
        q = {"earned_rung": "qualify", "expected_close": date(2026, 12, 15)}
        make_deal(s, account="Sandbox Deal", amount=1_000_000, **q)
        make_deal(s, team_id="T0OTHER", owner_id="U9REP1", account="Other Deal", amount=7_000_000, **q)
        make_deal(s, team_id="T0THIRD", owner_id="U8REP1", account="Third Deal", amount=3_000_000)
        s.add(TeamSettings(team_id="T0OTHER", manager_channel="C9MANAGERS"))
    env = bot_env(sandbox, db_url, DEALBOT_MANAGER_CHANNEL=CHANNEL)
    done = run_cli("jobs", "run-due", "--at", DUE, env=env)
    assert done.returncode == 0 and "digest: 2" in done.stdout, done.stdout + done.stderr
    ours = _digests(sandbox)
    theirs = [m for m in sandbox.state.channel_messages("C9MANAGERS") if m.blocks]
    assert len(ours) == 1 and len(theirs) == 1
    assert "Sandbox Deal" not in str(theirs[0].blocks)  # T0THIRD has no channel of its own: no digest
    assert "forecast ¥100,000" in ours[0].text  # 1M × 10%
    assert "forecast ¥700,000" in theirs[0].text  # 7M × 10%, only the other workspace's deal


def test_a_failed_post_is_retried_later(make_bot, sandbox, db_url, engine):
    _team(engine)
    sandbox.inject("chat.postMessage", 500)
    bot = make_bot(db_url, DEALBOT_MANAGER_CHANNEL=CHANNEL)
    bot.set_clock(DUE)
    assert bot.run_due()["jobs"]["digest"] == 0
    with read_scope(engine) as s:
        (run,) = digest_repo.runs(s, team_id="T0SANDBOX")
        assert (run.status, run.error, run.attempts) == ("pending", "internal_error", 1)
    bot.advance("PT4M")
    assert bot.run_due()["jobs"]["digest"] == 0  # not before the retry time
    bot.advance("PT2M")
    assert bot.run_due()["jobs"]["digest"] == 1
    assert len(_digests(sandbox)) == 1
    assert _runs(engine) == [(WEEK, "posted", 2)]


def test_a_channel_that_does_not_exist_is_given_up_without_retries(make_bot, sandbox, db_url, engine):
    _team(engine)
    bot = make_bot(db_url, DEALBOT_MANAGER_CHANNEL="C0NOSUCH")
    bot.set_clock(DUE)
    assert bot.run_due()["jobs"]["digest"] == 0
    bot.advance("PT1H")
    assert bot.run_due()["jobs"]["digest"] == 0
    assert len(sandbox.state.calls_to("chat.postMessage")) == 1
    with read_scope(engine) as s:
        assert [(r.status, r.error) for r in digest_repo.runs(s, team_id="T0SANDBOX")] == [
            ("failed", "channel_not_found")
        ]
