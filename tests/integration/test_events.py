"""Events API deliveries are deduplicated by event_id in the database: a retried event has its effect
once, across a restart of the app too, and a retry after a failed first delivery is processed."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlmodel import Session

from storage.db import make_engine
from storage.models import SlackEvent
from tests.support.pipeline import all_text


def _event_row(bot, event_id: str) -> SlackEvent | None:
    engine = make_engine(bot.env["DATABASE_URL"])
    try:
        with Session(engine) as s:
            return s.get(SlackEvent, event_id)
    finally:
        engine.dispose()


def test_an_event_retried_twice_and_after_a_restart_has_its_effect_once(slack, sandbox, bot):
    assert slack.open_home("U0REP2", event_id="EvHOME0001").status == 200
    assert slack.open_home("U0REP2", event_id="EvHOME0001", retry_num=1).status == 200
    assert slack.open_home("U0REP2", event_id="EvHOME0001", retry_num=2).status == 200
    assert len(sandbox.state.calls_to("views.publish")) == 1

    bot.restart()
    reply = slack.open_home("U0REP2", event_id="EvHOME0001", retry_num=3, retry_reason="http_error")
    assert reply.status == 200
    assert len(sandbox.state.calls_to("views.publish")) == 1
    assert "My deals (0)" in all_text(sandbox.state.home_view("U0REP2"))
    row = _event_row(bot, "EvHOME0001")
    assert row.status == "done" and row.attempts == 1

    # a different event_id is a different event
    assert slack.open_home("U0REP2", event_id="EvHOME0002").status == 200
    assert len(sandbox.state.calls_to("views.publish")) == 2


def test_a_retry_after_a_failed_first_delivery_is_processed(slack, sandbox, bot):
    sandbox.inject("views.publish", 500)
    first = slack.open_home("U0REP2", event_id="EvFAIL0001")
    assert first.status >= 500, "a failed delivery must not be acknowledged, or Slack will not retry"
    assert sandbox.state.home_view("U0REP2") is None
    assert _event_row(bot, "EvFAIL0001").status == "failed"

    retry = slack.open_home("U0REP2", event_id="EvFAIL0001", retry_num=1, retry_reason="http_error")
    assert retry.status == 200
    assert "My deals (0)" in all_text(sandbox.state.home_view("U0REP2"))
    assert len(sandbox.state.calls_to("views.publish", ok=True)) == 1
    row = _event_row(bot, "EvFAIL0001")
    assert row.status == "done" and row.attempts == 2

    # and once it succeeded, a further retry is not run again
    assert slack.open_home("U0REP2", event_id="EvFAIL0001", retry_num=2).status == 200
    assert len(sandbox.state.calls_to("views.publish", ok=True)) == 1


def test_concurrent_deliveries_of_one_event_run_once(slack, sandbox, bot):
    event = slack.home_event("U0REP2")
    with ThreadPoolExecutor(8) as pool:
        replies = list(
            pool.map(lambda n: slack.event(event, event_id="EvRACE0001", retry_num=n or None), range(8))
        )
    assert [r.status for r in replies] == [200] * 8
    assert len(sandbox.state.calls_to("views.publish")) == 1
    assert _event_row(bot, "EvRACE0001").attempts == 1


def test_dedupe_holds_across_worker_processes(sandbox, dbs):
    from sandbox.slack_side import SlackSide
    from tests.support.bot import BotProcess, bot_env

    # production shape: two worker processes (no dev clock); two interpreters take a while to start
    env = bot_env(sandbox, dbs.fresh(), DEALBOT_DEV_CLOCK="0", DEALBOT_WEB_WORKERS="2")
    bot = BotProcess(env).start(timeout=120)
    try:
        slack = SlackSide(sandbox, app_url=bot.url)
        assert "/deal new" in slack.command("U0REP2", "/deal", "help").text
        event = slack.home_event("U0REP2")
        for n in range(3):
            event_id = f"EvMULTI{n:04d}"
            with ThreadPoolExecutor(12) as pool:
                replies = list(
                    pool.map(
                        lambda k, e=event_id: slack.event(event, event_id=e, retry_num=k or None), range(12)
                    )
                )
            statuses = [r.status for r in replies]
            # a loaded machine may shed some of the twelve with 503 + Retry-After (Slack retries those);
            # what must hold is that each event is taken, and has its effect once
            assert set(statuses) <= {200, 503} and 200 in statuses, statuses
        assert len(sandbox.state.calls_to("views.publish")) == 3
    finally:
        bot.stop()
