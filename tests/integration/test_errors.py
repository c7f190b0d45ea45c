"""The one error handler: a listener that fails tells the user, in their language, the catalog's
generic text — never a traceback — and the log has the traceback. Secrets never reach the log."""

from __future__ import annotations

from bot.i18n import t
from storage.db import make_engine, session_scope
from tests.support.bot import SIGNING_SECRET
from tests.support.factories import make_deal


def test_a_failing_listener_tells_the_user_in_chinese_and_logs_the_traceback(slack, sandbox, bot):
    sandbox.inject("chat.postMessage", 500)  # the DM reply fails; the listener cannot survive it
    reply = slack.dm("U0REP1", "你好")
    assert reply.status >= 500
    told = [m for m in sandbox.state.dm("U0REP1") if m.bot_id]
    assert [m.text for m in told] == [t("errors.generic", "zh-Hans")]
    assert "Traceback" not in told[0].text and "internal_error" not in told[0].text
    log = bot.log()
    assert "Traceback (most recent call last)" in log
    assert "SlackApiError" in log


def test_a_failing_listener_tells_an_english_user_in_english(slack, sandbox, bot):
    sandbox.inject("views.publish", 500)
    assert slack.open_home("U0REP2").status >= 500
    told = [m.text for m in sandbox.state.dm("U0REP2") if m.bot_id]
    assert told == [t("errors.generic", "en")]
    assert sandbox.state.home_view("U0REP2") is None


def test_no_credential_ever_reaches_the_log(make_bot, sandbox):
    from sandbox.slack_side import SlackSide

    bot = make_bot(DEALBOT_LOG_LEVEL="DEBUG")
    slack = SlackSide(sandbox, app_url=bot.url)
    slack.command("U0REP2", "/deal", "help")
    slack.open_home("U0REP1")
    sandbox.inject("chat.postMessage", 500)
    slack.dm("U0REP2", "hello")
    bot.restart()
    log = bot.log()
    assert "slack_bolt" in log and "Traceback" in log  # the log is really at DEBUG, with the failure
    assert sandbox.bot_token not in log
    assert SIGNING_SECRET not in log


def test_a_failing_command_tells_the_user_ephemerally_and_slack_gets_no_error(slack, sandbox, bot):
    engine = make_engine(bot.env["DATABASE_URL"])
    with session_scope(engine) as s:
        make_deal(s, owner_id="U0REP1", account="Wenzhou Hotel")
    engine.dispose()
    sandbox.inject("views.open", 500)  # the command acked, then the modal cannot open
    reply = slack.command("U0REP1", "/deal", "people Wenzhou Hotel")
    assert reply.status == 200, "the user was told; Slack must not add its own failure notice"
    told = [m for m in sandbox.state.ephemerals("U0REP1") if m.source == "response_url"]
    assert [m.text for m in told] == [t("errors.generic", "zh-Hans")]
    assert sandbox.state.open_modal("U0REP1") is None
    assert "Traceback (most recent call last)" in bot.log()
