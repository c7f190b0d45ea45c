"""The 1/15/30 cycle in each rep's zone (SPEC §5): the nudge sweep at each instant, check-ins through
the flow. U0REP1 works in Asia/Shanghai, U0REP2 in America/New_York (their Slack zones); work hours are
the default 09:00-18:00, Mon-Fri."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.flows.followups.answers import CheckinForm
from tests.support.factories import T0  # Mon 09:00 Shanghai = Sun 20:00 New York
from tests.support.flows import sent

ZONES = {"U0REP1": ZoneInfo("Asia/Shanghai"), "U0REP2": ZoneInfo("America/New_York")}


def followups(world, user):  # noqa: ANN001, ANN201
    return [(n.kind, n.deal_id) for n, _ in sent(world, user) if n.kind.startswith("followup")]


def check_in(world, user, deal_id, at, text="Visited the chief engineer", progress=True):  # noqa: ANN001
    with world.session() as s:
        form = CheckinForm(done_text=text, progress=progress, next_step="Send the quote")
        world.checkin(s, world.actor(s, user, now=at), deal_id, form, now=at)


def test_thirty_day_cycle_once_each_inside_working_hours_in_each_zone(world):
    world.meet(*ZONES, now=T0.replace(hour=0))  # zones stored
    d1 = world.new_deal(owner_id="U0REP1", now=T0, account="Wenzhou Hotel")
    d2 = world.new_deal(owner_id="U0REP2", now=T0, account="Boston Harbor")
    steps = [
        ("2026-11-02T19:00:00Z", set()),  # Tue 03:00 Shanghai (quiet), Mon 14:00 NY (day 1 not yet)
        ("2026-11-03T01:00:00Z", {("followup_1", d1)}),  # Tue 09:00 Shanghai; Mon 20:00 NY is quiet
        ("2026-11-03T01:00:00Z", set()),  # the same instant again: nothing more
        ("2026-11-03T13:59:00Z", set()),  # NY 08:59
        ("2026-11-03T14:00:00Z", {("followup_1", d2)}),  # NY 09:00
    ]
    seen: set = set()
    for at, expected in steps:
        world.run_sweep(datetime.fromisoformat(at))
        now = set(followups(world, "U0REP1") + followups(world, "U0REP2"))
        assert now - seen == expected, at
        seen = now
    last = datetime.fromisoformat(steps[-1][0])
    for user in ZONES:  # answer day 1 (no reminder then)
        (n, _), *_ = sent(world, user, "followup_1")
        check_in(world, user, n.deal_id, last)
    for at, expected in [
        ("2026-11-17T01:00:00Z", {("followup_15", d1)}),  # day 15: Tue 09:00 Shanghai
        ("2026-11-17T14:00:00Z", {("followup_15", d2)}),  # Tue 09:00 NY (Mon 20:00 was quiet)
        ("2026-11-17T14:00:00Z", set()),
        ("2026-12-02T01:00:00Z", {("followup_30", d1)}),
        ("2026-12-02T14:00:00Z", {("followup_30", d2)}),
        ("2026-12-02T14:00:00Z", set()),
    ]:
        world.run_sweep(datetime.fromisoformat(at))
        now = set(followups(world, "U0REP1") + followups(world, "U0REP2"))
        assert now - seen == expected, at
        seen = now
        for user in ZONES:
            for n, _ in sent(world, user, "followup_15"):
                if n.answered_at is None and n.status == "sent":
                    check_in(world, user, n.deal_id, datetime.fromisoformat(at), progress=False)
    for user, zone in ZONES.items():
        got = followups(world, user)
        assert sorted(k for k, _ in got) == ["followup_1", "followup_15", "followup_30"]  # once each
        for n in world.nudges(owner_id=user):
            if n.kind.startswith("followup") and n.sent_at:
                local = n.sent_at.astimezone(zone)
                assert local.weekday() < 5 and 9 <= local.hour < 18, (n.kind, local)
    # the check-ins are stored and closed their nudges
    day1 = world.nudges(deal_id=d1, kind="followup_1")[0]
    assert day1.status == "answered" and day1.answered_at == last and day1.reminder_sent_at is None
