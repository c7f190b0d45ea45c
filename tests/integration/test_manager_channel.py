"""The manager channel as Slack has it: an admin picking a public channel makes the bot join it; a
private one the bot is not in gets the admin told to `/invite @dealbot`, and the digest that cannot be
posted there reaches the admins as a DM; once invited, the digest's history check and its chart work.
And the scopes: with one taken from the manifest, the calls that need it answer missing_scope."""

from __future__ import annotations

from datetime import UTC, datetime

from bot import ids
from sandbox.manifest import AppManifest
from sandbox.slack_side import SlackSide
from storage.db import read_scope, session_scope
from storage.models import DigestRun
from storage.repo.funnel import digest as digest_repo
from tests.support.factories import make_deal
from tests.support.pipeline import all_text

PUBLIC, PRIVATE = "C0MANAGERS", "C0DEALDESK"
DUE = "2026-11-23T01:00:00Z"  # Monday 09:00 Asia/Shanghai


def _pick_channel(slack, sandbox, channel: str) -> str:  # noqa: ANN001
    """The admin picks the manager channel in App Home settings; what App Home then says."""
    slack.open_home("U0ADMIN")
    slack.click("U0ADMIN", sandbox.state.home_view("U0ADMIN"), ids.ACT_SETTINGS_OPEN)
    modal = sandbox.state.open_modal("U0ADMIN")
    picker = next(b for b in modal["blocks"] if b.get("block_id") == "manager_channel")["element"]
    assert picker["type"] == "conversations_select" and picker["filter"]["include"] == ["public", "private"]
    assert slack.submit("U0ADMIN", {"manager_channel": channel}).status == 200
    return all_text(sandbox.state.home_view("U0ADMIN"))


def _posted(sandbox, channel: str) -> list:  # noqa: ANN001
    return [m for m in sandbox.state.channel_messages(channel) if m.source in ("chat", "file")]


def _calls(sandbox, method: str) -> list[tuple[str | None, bool, str | None]]:  # noqa: ANN001
    return [(c.args.get("channel"), c.ok, c.error) for c in sandbox.state.calls_to(method)]


def _reclaimable_run(engine, channel: str, week: datetime) -> None:  # noqa: ANN001
    """A run claimed by a replica that died: the next claim first reads the channel's history."""
    with session_scope(engine) as s:
        digest_repo.ensure_run(s, team_id="T0SANDBOX", channel_id=channel, period_start=week, now=week)
        s.execute(DigestRun.__table__.update().values(status="claimed", attempts=1, lease_owner="dead"))


def test_choosing_a_public_channel_joins_it_and_the_digest_and_chart_land_there(
    make_bot, sandbox, engine, db_url
):
    with session_scope(engine) as s:
        make_deal(s, account="Wenzhou Hotel")
    bot = make_bot(db_url)
    slack = SlackSide(sandbox, app_url=bot.url)
    home = _pick_channel(slack, sandbox, PUBLIC)
    assert _calls(sandbox, "conversations.join") == [(PUBLIC, True, None)]
    assert PUBLIC in sandbox.state.bot_channels
    assert f"✓ dealbot is in <#{PUBLIC}>" in home
    bot.set_clock(DUE)
    assert bot.run_due()["jobs"]["digest"] == 1
    posted = _posted(sandbox, PUBLIC)
    assert [bool(m.blocks) for m in posted] == [True, False] and posted[1].files[0]["name"] == "funnel.png"


def test_a_private_channel_the_bot_is_not_in_tells_the_admin_until_someone_invites_it(
    make_bot, sandbox, engine, db_url
):
    with session_scope(engine) as s:
        make_deal(s, account="Wenzhou Hotel")
    bot = make_bot(db_url)
    slack = SlackSide(sandbox, app_url=bot.url)
    home = _pick_channel(slack, sandbox, PRIVATE)
    assert "Type `/invite @dealbot` in <#C0DEALDESK>" in home
    assert _calls(sandbox, "conversations.join") == [(PRIVATE, False, "channel_not_found")]

    bot.set_clock(DUE)  # the digest cannot be posted: the admin hears of it, not silence
    assert bot.run_due()["jobs"]["digest"] == 0
    assert _posted(sandbox, PRIVATE) == []
    with read_scope(engine) as s:
        assert [(r.status, r.error) for r in digest_repo.runs(s, team_id="T0SANDBOX")] == [
            ("failed", "channel_not_found")
        ]
    told = [m.text for m in sandbox.state.dm("U0ADMIN") if "could not be posted" in m.text]
    assert told == [
        "⚠️ This week's funnel digest could not be posted in <#C0DEALDESK> (channel_not_found): dealbot is "
        "not in that channel. Type `/invite @dealbot` in <#C0DEALDESK>, or pick another manager channel in "
        "App Home → Change settings."
    ]
    assert all("could not be posted" not in m.text for m in sandbox.state.dm("U0REP1"))

    slack.invite_bot("U0ADMIN", PRIVATE)  # /invite @dealbot in #deal-desk
    assert f"✓ dealbot is in <#{PRIVATE}>" in _pick_channel(slack, sandbox, PRIVATE)
    week = datetime(2026, 11, 29, 16, tzinfo=UTC)
    _reclaimable_run(engine, PRIVATE, week)
    bot.set_clock("2026-11-30T01:10:00Z")  # the dead replica's lease is over
    assert bot.run_due()["jobs"]["digest"] == 1
    assert (PRIVATE, True, None) in _calls(sandbox, "conversations.history")  # the after-crash check
    posted = _posted(sandbox, PRIVATE)
    assert [bool(m.blocks) for m in posted] == [True, False] and posted[1].files[0]["name"] == "funnel.png"


def test_without_a_scope_the_calls_that_need_it_answer_missing_scope(make_bot, sandbox, engine, db_url):
    with session_scope(engine) as s:
        make_deal(s, account="Wenzhou Hotel")
    sandbox.state.manifest = AppManifest.default().without_scope("channels:history", "files:write")
    bot = make_bot(db_url, DEALBOT_MANAGER_CHANNEL=PUBLIC)
    _reclaimable_run(engine, PUBLIC, datetime(2026, 11, 22, 16, tzinfo=UTC))
    bot.set_clock("2026-11-23T01:10:00Z")
    assert bot.run_due()["jobs"]["digest"] == 1  # posted all the same: at-least-once, and logged
    refused = [(c.method, c.error, c.args.get("channel")) for c in sandbox.state.calls if not c.ok]
    assert ("conversations.history", "missing_scope", PUBLIC) in refused
    assert ("files.getUploadURLExternal", "missing_scope", None) in refused
    assert "could not read the channel history" in bot.log()
    assert [bool(m.blocks) for m in _posted(sandbox, PUBLIC)] == [True]  # the text, no chart
