"""The 1/15/30 cycle over the movable clock, in each rep's zone, through the real app and the sandbox.

U0REP1 works in Asia/Shanghai, U0REP2 in America/New_York (their Slack zones); work hours are the
default 09:00-18:00, Mon-Fri. Deals are registered through storage plus the deal hooks.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot import ids
from tests.support.nudges import new_deal, nudge_dms, rows, start_world

T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)  # Mon 09:00 Shanghai = Sun 20:00 New York
ZONES = {"U0REP1": ZoneInfo("Asia/Shanghai"), "U0REP2": ZoneInfo("America/New_York")}


@pytest.fixture
def world(make_bot, sandbox, db_url):
    bot, slack, engine = start_world(make_bot, sandbox, db_url, T0.replace(hour=0))  # zones stored
    yield bot, slack, engine
    engine.dispose()


def followups(sandbox, engine, user):  # noqa: ANN001
    return [(n.kind, n.deal_id) for n, _ in nudge_dms(sandbox, engine, user) if n.kind.startswith("followup")]


def check_in(slack, sandbox, user, message, text="Visited the chief engineer", progress="yes"):  # noqa: ANN001
    reply = slack.click(user, message, ids.ACT_CHECKIN_OPEN)
    modal = sandbox.state.open_modal(user)
    assert modal and modal["callback_id"] == ids.VIEW_CHECKIN, (reply, sandbox.state.calls[-3:])
    reply = slack.submit(user, {"done": text, "progress": progress, "next_step": "Send the quote"})
    assert reply.status == 200 and not (reply.json or {}).get("errors")


def test_thirty_day_cycle_once_each_inside_working_hours_in_each_zone(world, sandbox):
    bot, slack, engine = world
    d1 = new_deal(engine, owner_id="U0REP1", now=T0, account="Wenzhou Hotel")
    d2 = new_deal(engine, owner_id="U0REP2", now=T0, account="Boston Harbor")
    steps = [
        ("2026-11-02T19:00:00Z", set()),  # Tue 03:00 Shanghai (quiet), Mon 14:00 NY (day 1 not yet)
        ("2026-11-03T01:00:00Z", {("followup_1", d1)}),  # Tue 09:00 Shanghai; Mon 20:00 NY is quiet
        ("2026-11-03T01:00:00Z", set()),  # the same instant again: nothing more
        ("2026-11-03T13:59:00Z", set()),  # NY 08:59
        ("2026-11-03T14:00:00Z", {("followup_1", d2)}),  # NY 09:00
    ]
    seen: set = set()
    for at, expected in steps:
        bot.set_clock(at)
        bot.run_due()
        now = set(followups(sandbox, engine, "U0REP1") + followups(sandbox, engine, "U0REP2"))
        assert now - seen == expected, at
        seen = now
    for user in ZONES:  # answer day 1 (no reminder then), through the button and the modal
        (_, msg), *_ = [(n, m) for n, m in nudge_dms(sandbox, engine, user) if n.kind == "followup_1"]
        check_in(slack, sandbox, user, msg)
    for at, expected in [
        ("2026-11-17T01:00:00Z", {("followup_15", d1)}),  # day 15: Tue 09:00 Shanghai
        ("2026-11-17T14:00:00Z", {("followup_15", d2)}),  # Tue 09:00 NY (Mon 20:00 was quiet)
        ("2026-11-17T14:00:00Z", set()),
        ("2026-12-02T01:00:00Z", {("followup_30", d1)}),
        ("2026-12-02T14:00:00Z", {("followup_30", d2)}),
        ("2026-12-02T14:00:00Z", set()),
    ]:
        bot.set_clock(at)
        bot.run_due()
        now = set(followups(sandbox, engine, "U0REP1") + followups(sandbox, engine, "U0REP2"))
        assert now - seen == expected, at
        seen = now
        for user in ZONES:
            for n, msg in nudge_dms(sandbox, engine, user):
                if n.kind == "followup_15" and n.answered_at is None and n.status == "sent":
                    check_in(slack, sandbox, user, msg, progress="no")
    for user, zone in ZONES.items():
        got = followups(sandbox, engine, user)
        assert sorted(k for k, _ in got) == ["followup_1", "followup_15", "followup_30"]  # once each
        for n in rows(engine, owner_id=user):
            if n.kind.startswith("followup") and n.sent_at:
                local = n.sent_at.astimezone(zone)
                assert local.weekday() < 5 and 9 <= local.hour < 18, (n.kind, local)
    # the check-ins are stored and closed their nudges; the messages were updated in place
    day1 = rows(engine, deal_id=d1, kind="followup_1")[0]
    assert day1.status == "answered" and day1.answered_at is not None and day1.reminder_sent_at is None
    msg = next(m for n, m in nudge_dms(sandbox, engine, "U0REP1") if n.kind == "followup_1")
    assert msg.edited and "已跟进" in msg.text and not any(b["type"] == "actions" for b in msg.blocks)
