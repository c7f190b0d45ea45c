"""Housekeeping: the event dedupe table is pruned a day after a delivery finished; a failed event tells
the user once, not once per Slack retry; one scheduler per process group; the people form pages through
every person a deal may keep, and a deal keeps at most MAX_PEOPLE."""

from __future__ import annotations

import copy
import json
import re
import time
from datetime import datetime, timedelta

from sqlmodel import Session, select

from bot import ids
from bot.flows.pipeline.people import MAX_PEOPLE, PAGE_SIZE
from bot.i18n import t
from storage.db import make_engine, session_scope
from storage.models import Person, SlackEvent
from tests.support.bot import BotProcess, bot_env
from tests.support.pipeline import BotDb


def test_event_deliveries_are_forgotten_a_day_after_they_finished(bot):
    now = datetime.fromisoformat(bot.set_clock("2026-11-10T03:00:00+00:00"))
    day = timedelta(days=1)
    rows = {  # event_id: (status, received, finished, lease until)
        "EvDoneLongAgo": ("done", now - 2 * day, now - 2 * day, now - 2 * day),
        "EvFailedLongAgo": ("failed", now - 3 * day, now - 3 * day, now - 3 * day),
        "EvAbandoned": ("processing", now - 2 * day, None, now - 2 * day),
        "EvDoneToday": ("done", now - timedelta(hours=2), now - timedelta(hours=2), now),
        "EvFailedJustNow": ("failed", now - timedelta(minutes=1), now - timedelta(minutes=1), now),
        "EvRunning": ("processing", now - timedelta(seconds=5), None, now + timedelta(seconds=55)),
    }
    engine = make_engine(bot.env["DATABASE_URL"])
    try:
        with session_scope(engine) as s:
            for event_id, (status, received, finished, lease) in rows.items():
                s.add(SlackEvent(event_id=event_id, team_id="T0SANDBOX", status=status, received_at=received,
                                 finished_at=finished, lease_until=lease))  # fmt: skip
        assert bot.run_due()["jobs"]["events"] == 3
        with Session(engine) as s:
            left = {e.event_id for e in s.exec(select(SlackEvent))}
        assert left == {"EvDoneToday", "EvFailedJustNow", "EvRunning"}
    finally:
        engine.dispose()


def test_a_failed_event_tells_the_user_once_however_often_slack_retries(slack, sandbox, bot):
    sandbox.inject("views.publish", 500, times=None)  # App Home cannot be published, on every try
    replies = [
        slack.open_home("U0REP2", event_id="EvRETRIED01", retry_num=n or None, retry_reason="http_error")
        for n in range(4)  # the delivery and Slack's three retries
    ]
    assert [r.status >= 500 for r in replies] == [True] * 4  # each failed, so Slack keeps retrying
    told = [m.text for m in sandbox.state.dm("U0REP2") if m.bot_id]
    assert told == [t("errors.generic", "en")]


def test_one_scheduler_per_process_group_not_one_per_worker(sandbox, dbs):
    env = bot_env(
        sandbox, dbs.fresh(), DEALBOT_DEV_CLOCK="0", DEALBOT_WEB_WORKERS="2", DEALBOT_TICK_SECONDS="0.5"
    )
    bot = BotProcess(env).start(timeout=120)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (
            "scheduler ticking every" in bot.log()
            and "another process of this group runs the scheduler" in bot.log()
        ):
            time.sleep(0.2)  # both workers are up: one ticks, the other says it leaves that to the first
        time.sleep(1)  # a few more ticks (0.5 s): still only one process ticks
        log = bot.log_path.read_text(errors="replace")
        tickers = set(re.findall(r"scheduler ticking every \S+ \(pid (\d+)\)", log))
        assert len(tickers) == 1, log[-3000:]
        assert "another process of this group runs the scheduler" in log
    finally:
        bot.stop()


def _people(db: BotDb, deal_id: int, n: int) -> None:
    now = datetime.now().astimezone()
    with db.session() as s:
        for i in range(n):
            s.add(Person(team_id="T0SANDBOX", deal_id=deal_id, name=f"Person {i + 1:03d}", influence=3,
                         created_at=now, updated_at=now))  # fmt: skip
        s.commit()


def _names(view: dict) -> list[str]:
    return re.findall(r"\*(Person \d{3})\*", json.dumps(view["blocks"]))


def test_the_people_form_pages_through_every_person_and_a_deal_keeps_at_most_the_cap(slack, sandbox, bot):
    db = BotDb(bot)
    try:
        deal = db.add_deal(owner_id="U0REP2", account="Crowded Co")
        _people(db, deal.id, 45)
        slack.command("U0REP2", "/deal", "people Crowded Co")
        seen = _names(sandbox.state.open_modal("U0REP2"))
        while len(seen) < 45:
            modal = sandbox.state.open_modal("U0REP2")
            assert slack.click("U0REP2", modal, ids.ACT_PEOPLE_NEXT).status == 200
            page = _names(sandbox.state.open_modal("U0REP2"))
            assert page and len(page) <= PAGE_SIZE and not set(page) & set(seen)
            seen += page
        assert sorted(seen) == [f"Person {i:03d}" for i in range(1, 46)]

        last = sandbox.state.open_modal(
            "U0REP2"
        )  # the last page: edit the 45th person (the old form stopped at 40)
        person = db.rows(Person, deal_id=deal.id, name="Person 045")[0]
        assert slack.click("U0REP2", last, ids.ACT_PERSON_EDIT, value=str(person.id)).status == 200
        slack.submit("U0REP2", {"name": "Person 045 (CFO)", "role": "decision_maker"})
        assert db.rows(Person, id=person.id)[0].name == "Person 045 (CFO)"
        assert "Person 045 (CFO)" in json.dumps(
            sandbox.state.open_modal("U0REP2")["blocks"]
        )  # back on its page

        earlier = copy.deepcopy(sandbox.state.open_modal("U0REP2"))  # a form left open in another window
        _people(db, deal.id, MAX_PEOPLE - 45)
        slack.command("U0REP2", "/deal", "people Crowded Co")
        full = sandbox.state.open_modal("U0REP2")
        assert full.get("submit") is None and f"{MAX_PEOPLE} people" in json.dumps(full["blocks"])
        reply = slack.submit("U0REP2", {"name": "One Too Many", "role": "coach"}, view=earlier)
        assert reply.json["response_action"] == "errors" and str(MAX_PEOPLE) in reply.json["errors"]["name"]
        assert len(db.rows(Person, deal_id=deal.id)) == MAX_PEOPLE
    finally:
        db.engine.dispose()
