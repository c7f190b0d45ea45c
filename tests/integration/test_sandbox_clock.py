"""Issue 17 item 2: the sandbox's clock reaches every rep. "+1 working day" and "next Monday for me" move
the bot's clock to the viewing person's working time (their zone, the team's hours), through the bot's
guarded dev routes; the page lists what the bot has queued; the deal card says when a due nudge held
for working hours goes out."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import httpx
import pytest

from sandbox.slack_side import SlackSide
from storage.db import make_engine
from tests.support.bot import page_and_bot
from tests.support.nudges import new_deal, nudge_dms

MON_SHANGHAI_AFTERNOON = datetime(2026, 11, 2, 7, 0, tzinfo=UTC)  # Mon 15:00 Shanghai = Mon 02:00 New York
NY = ZoneInfo("America/New_York")


@pytest.fixture
def page(dbs):
    db_url = dbs.fresh()
    with page_and_bot(db_url, timeout=60) as http:
        http.engine = make_engine(db_url)  # type: ignore[attr-defined]
        slack = SlackSide(http.sandbox, app_url=http.bot.url)
        for u in ("U0REP1", "U0REP2"):  # each rep seen once: the bot stores their zone
            assert slack.command(u, "/deal", "away").status == 200
        http.slack = slack  # type: ignore[attr-defined]
        http.bot.set_clock(MON_SHANGHAI_AFTERNOON.isoformat())
        yield http
        http.engine.dispose()


def card_context(page, user: str) -> str:  # noqa: ANN001
    reply = page.slack.command(user, "/deal", "Acme Boilers")
    return "\n".join(e["text"] for b in reply.json["blocks"] if b["type"] == "context" for e in b["elements"])


def test_one_working_day_click_brings_a_new_york_reps_day_1_nudge(page):
    deal_id = new_deal(page.engine, owner_id="U0REP2", now=MON_SHANGHAI_AFTERNOON, account="Acme Boilers")
    # "+1 day" from a Shanghai afternoon lands New York at 02:00: the nudge waits for working hours
    assert page.post("/sandbox/clock", json={"action": "P1D", "user": "U0REP2"}).json()["ok"]
    assert nudge_dms(page.sandbox, page.engine, "U0REP2") == []
    # and the rep's card says when it actually goes out, in their zone
    assert "⏳ Waiting for working hours: day-1 follow-up goes out Tue 3 Nov 2026, 09:00 (New York time)" in (
        card_context(page, "U0REP2")
    )
    # the page shows it queued, with its send time
    queued = page.get("/sandbox/clock", params={"user": "U0REP2"}).json()["queue"]
    assert [(q["deal_id"], q["kind"], q["status"], q["goes_out_at"], q["owner_name"]) for q in queued][0] == (
        deal_id,
        "followup_1",
        "pending",
        "2026-11-03T14:00:00+00:00",
        "Sam Carter",
    )  # soonest first; the stall check and day 15 follow
    assert [q["kind"] for q in queued] == ["followup_1", "stall", "followup_15", "followup_30"]
    # one "+1 working day" as the New York rep: Tuesday, inside their working hours; the nudge goes out
    moved = page.post("/sandbox/clock", json={"action": "working_day", "user": "U0REP2"}).json()
    local = datetime.fromisoformat(moved["now"]).astimezone(NY)
    assert (local.strftime("%a"), 9 <= local.hour < 18) == ("Tue", True)
    assert [n.kind for n, _ in nudge_dms(page.sandbox, page.engine, "U0REP2")] == ["followup_1"]
    assert "Waiting for working hours" not in card_context(page, "U0REP2")
    # what is queued now is its one reminder
    queued = page.get("/sandbox/clock", params={"user": "U0REP2"}).json()["queue"]
    assert [(q["kind"], q["status"]) for q in queued][0] == ("followup_1", "sent")


def test_a_chinese_reps_card_says_it_in_chinese_in_their_zone(page):
    new_deal(page.engine, owner_id="U0REP1", now=MON_SHANGHAI_AFTERNOON, account="Acme Boilers")
    page.bot.set_clock("2026-11-03T12:00:00Z")  # Tue 20:00 Shanghai: due, after hours
    page.bot.run_due()
    assert "⏳ 第 1 天跟进等到工作时间再发：2026年11月4日（周三）09:00（Shanghai时间）" in card_context(
        page, "U0REP1"
    )


def test_next_monday_for_me_is_the_start_of_the_viewers_monday(page):
    # Monday 02:00 in New York: this Monday's 09:00 is still ahead for Sam
    moved = page.post("/sandbox/clock", json={"action": "my_monday", "user": "U0REP2"}).json()
    local = datetime.fromisoformat(moved["now"]).astimezone(NY)
    assert (local.date().isoformat(), local.strftime("%H:%M")) == ("2026-11-02", "09:00")
    # now 14:00 in London: Alex's next Monday morning is a week away
    london = page.post("/sandbox/clock", json={"action": "my_monday", "user": "U0ADMIN"}).json()
    local = datetime.fromisoformat(london["now"]).astimezone(ZoneInfo("Europe/London"))
    assert (local.date().isoformat(), local.strftime("%H:%M")) == ("2026-11-09", "09:00")


def test_bad_clock_requests_are_refused_clearly(page):
    bad = page.post("/sandbox/clock", json={"action": "working_day", "user": "U0NOBODY"})
    assert bad.status_code == 400 and "unknown user" in bad.json()["error"]
    bot = page.bot.url
    assert httpx.get(f"{bot}/dev/queue", params={"team": "T0SANDBOX"}).status_code == 400
    assert httpx.get(f"{bot}/dev/queue", params={"team": "x'--", "user": "U0REP2"}).status_code == 400


def test_the_queue_route_is_guarded_like_the_dev_clock(sandbox, db_url):
    """/dev/queue answers loopback clients only, and is not there at all without the sandbox's
    credentials (the same mount check as /dev/clock: tests/integration/test_dev_routes.py)."""
    from starlette.testclient import TestClient

    from bot.web import dev_routes_refusal
    from tests.integration.test_dev_routes import _app

    asgi = _app(sandbox, db_url)
    q = {"team": "T0SANDBOX", "user": "U0REP2", "tz": "America/New_York"}
    with TestClient(asgi, base_url="http://127.0.0.1", client=("192.0.2.10", 40000)) as outside:
        assert outside.get("/dev/queue", params=q).status_code == 403
    with TestClient(asgi, base_url="http://127.0.0.1", client=("127.0.0.1", 40000)) as local:
        r = local.get("/dev/queue", params=q)
        assert r.status_code == 200 and r.json()["queue"] == [] and r.json()["me"]["tz"] == "America/New_York"
        assert local.get("/dev/queue", params={**q, "tz": "Mars/Olympus"}).status_code == 400
    from bot.config import Settings

    real = Settings(_env_file=None, slack_bot_token="xoxb-1234-5678-real", slack_api_url=sandbox.api_url)
    assert dev_routes_refusal(real) is not None  # the mount check that keeps all three routes away
