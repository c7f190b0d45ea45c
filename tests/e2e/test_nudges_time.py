"""/deal away, snooze, reminder and overdue through Slack, over the movable clock (weekends, vacations and
zone changes moving the plan: tests/flows)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot import ids
from storage.db import session_scope
from storage.repo import nudges as nudge_repo
from tests.support.nudges import new_deal, nudge_dms, rows, start_world

T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)  # Mon 09:00 Shanghai


@pytest.fixture
def world(make_bot, sandbox, db_url):
    bot, slack, engine = start_world(make_bot, sandbox, db_url, T0.replace(hour=0))
    yield bot, slack, engine
    engine.dispose()


def run_at(bot, at: str) -> dict:  # noqa: ANN001
    bot.set_clock(at)
    return bot.run_due()


def near(a: datetime, b: datetime) -> bool:
    return abs((a - b).total_seconds()) < 60  # the movable clock keeps ticking between calls


def kinds(sandbox, engine, user):  # noqa: ANN001
    return [n.kind for n, _ in nudge_dms(sandbox, engine, user)]


def test_deal_away_sets_lists_and_refuses_bad_dates_kindly(world):
    """/deal away through Slack (how vacation dates move nudges: tests/flows)."""
    bot, slack, engine = world
    assert (
        "e.g. `/deal away 2026-12-20 2027-01-03`"
        in slack.command("U0REP2", "/deal", "away soon").json["text"]
    )
    assert (
        "before the first day" in slack.command("U0REP2", "/deal", "away 2026-12-20 2026-12-01").json["text"]
    )
    assert "已经过去" in slack.command("U0REP1", "/deal", "away 2020-01-01 2020-01-02").json["text"]
    with session_scope(engine) as s:
        assert nudge_repo.vacations(s, team_id="T0SANDBOX", user_id="U0REP2") == []
    assert "/deal away <first day> <last day>" in str(slack.command("U0REP2", "/deal", "help").json)
    reply = slack.command("U0REP2", "/deal", "away 2026-11-03 2026-11-05")
    assert "Away from 3 Nov 2026 to 5 Nov 2026" in reply.json["text"]
    listed = slack.command("U0REP2", "/deal", "away").json["text"]
    assert "3 Nov 2026 – 5 Nov 2026" in listed
    bot.set_clock("2026-11-06T14:00:00Z")
    assert "no vacation dates" in slack.command("U0REP2", "/deal", "away").json["text"]  # it is over


def test_snooze_moves_it_and_cleans_up_the_message(world, sandbox):
    bot, slack, engine = world
    deal_id = new_deal(engine, owner_id="U0REP2", now=T0)
    run_at(bot, "2026-11-03T15:00:00Z")  # Tue 10:00 NY
    (_, msg), = nudge_dms(sandbox, engine, "U0REP2")  # fmt: skip
    assert slack.click("U0REP2", msg, ids.ACT_NUDGE_SNOOZE_DAY).status == 200
    msg = sandbox.state.dm("U0REP2")[-1]
    assert (
        msg.edited and msg.text.startswith("Snoozed") and not any(b["type"] == "actions" for b in msg.blocks)
    )
    (row,) = rows(engine, deal_id=deal_id, kind="followup_1")
    assert row.status == "pending" and near(row.send_after, datetime(2026, 11, 4, 15, 0, tzinfo=UTC))
    run_at(bot, "2026-11-04T14:30:00Z")
    assert len(nudge_dms(sandbox, engine, "U0REP2")) == 1
    run_at(bot, "2026-11-04T15:05:00Z")
    assert kinds(sandbox, engine, "U0REP2") == ["followup_1", "followup_1"]
    msg = sandbox.state.dm("U0REP2")[-1]
    assert slack.click("U0REP2", msg, ids.ACT_NUDGE_SNOOZE_WEEK).status == 200
    (row,) = rows(engine, deal_id=deal_id, kind="followup_1")
    assert near(row.send_after, datetime(2026, 11, 11, 15, 5, tzinfo=UTC))  # a week later, Wed 10:05 NY


def test_ignored_one_reminder_then_overdue(world, sandbox):
    bot, _, engine = world
    deal_id = new_deal(engine, owner_id="U0REP2", now=T0)
    run_at(bot, "2026-11-03T14:00:00Z")  # Tue 09:00 NY: day 1
    run_at(bot, "2026-11-04T13:00:00Z")  # Wed 08:00 NY: not yet a working day later
    assert kinds(sandbox, engine, "U0REP2") == ["followup_1"]
    run_at(bot, "2026-11-04T14:00:00Z")  # Wed 09:00 NY: one reminder
    dms = nudge_dms(sandbox, engine, "U0REP2")
    assert [n.kind for n, _ in dms] == ["followup_1", "followup_1"]
    assert dms[1][1].text.startswith("Reminder")
    (row,) = rows(engine, deal_id=deal_id, kind="followup_1")
    assert near(row.reminder_sent_at, datetime(2026, 11, 4, 14, 0, tzinfo=UTC))
    assert row.overdue_at == datetime(2026, 11, 5, 14, 0, tzinfo=UTC)
    with session_scope(engine) as s:
        assert nudge_repo.overdue(s, team_id="T0SANDBOX", now=datetime(2026, 11, 5, 13, 0, tzinfo=UTC)) == []
    for at in ("2026-11-05T14:00:00Z", "2026-11-09T14:00:00Z", "2026-11-12T14:00:00Z"):
        run_at(bot, at)
    assert len(nudge_dms(sandbox, engine, "U0REP2")) == 2  # never a stream
    first = sandbox.state.dm("U0REP2")[0]
    assert first.edited and any("Overdue" in str(b) for b in first.blocks)
    with session_scope(engine) as s:
        late = nudge_repo.overdue(s, team_id="T0SANDBOX", now=datetime(2026, 11, 5, 14, 0, tzinfo=UTC))
    assert [(n.deal_id, n.kind, n.status) for n in late] == [(deal_id, "followup_1", "sent")]
