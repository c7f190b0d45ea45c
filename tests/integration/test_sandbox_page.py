"""The sandbox page's endpoints drive the real bot the real way: page -> sandbox -> signed HTTP -> bot
-> Web API calls back into the sandbox -> what the page reads from /sandbox/ui."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlmodel import Session

from sandbox.page import next_monday_9
from storage.db import make_engine
from storage.models import SlackUser
from tests.support.bot import page_and_bot


@pytest.fixture
def page(dbs):
    """A sandbox serving the page, and the real bot as a process pointed at it."""
    db_url = dbs.fresh()
    with page_and_bot(db_url) as http:
        http.db_url = db_url  # type: ignore[attr-defined]
        yield http


def ui(http: httpx.Client, user: str) -> dict:
    r = http.get("/sandbox/ui", params={"user": user})
    assert r.status_code == 200
    return r.json()


def texts(messages: list[dict]) -> str:
    return "\n".join(m["text"] + " " + str(m["blocks"]) for m in messages)


def test_the_page_is_utf8_html_with_its_scripts(page):
    r = page.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert "<title>dealbot sandbox</title>" in r.text and '<meta charset="utf-8">' in r.text
    js = page.get("/static/app.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    assert page.get("/static/blocks.js").status_code == 200
    assert page.get("/static/..%2Fserver.py").status_code == 404


def test_a_slash_command_from_the_page_shows_the_reply_to_that_user_only(page):
    r = page.post("/sandbox/command", json={"user": "U0REP2", "command": "/deal", "text": "help"})
    assert r.status_code == 200 and r.json() == {"ok": True, "status": 200}
    mine = ui(page, "U0REP2")["messages"]
    assert any(m["ephemeral"] and "/deal new" in texts([m]) for m in mine)
    assert "Register prospects" in texts(mine)
    assert ui(page, "U0REP1")["messages"] == []  # ephemeral: nobody else sees it


def test_a_dm_from_the_page_reaches_the_bot_which_answers_in_the_dm(page):
    r = page.post("/sandbox/dm", json={"user": "U0REP2", "text": "hello there"})
    assert r.json()["status"] == 200
    msgs = ui(page, "U0REP2")["messages"]
    assert [m["text"] for m in msgs if not m["bot"]] == ["hello there"]
    assert any(m["bot"] and m["channel"] == "D0REP2" for m in msgs)
    with Session(make_engine(page.db_url)) as s:  # the bot learned who wrote, through users.info
        row = s.get(SlackUser, ("T0SANDBOX", "U0REP2"))
        assert row is not None and row.tz == "America/New_York" and row.locale == "en-US"


def test_app_home_opens_through_app_home_opened(page):
    assert ui(page, "U0MGR")["home"] is None
    assert page.post("/sandbox/home", json={"user": "U0MGR"}).json()["status"] == 200
    home = ui(page, "U0MGR")["home"]
    assert home["type"] == "home" and home["blocks"]


def test_channel_messages_are_seen_by_everyone_in_the_workspace(page):
    page.post("/sandbox/say", json={"user": "U0MGR", "channel": "C0MANAGERS", "text": "standup at 10"})
    for user in ("U0MGR", "U0REP1"):
        assert [m["text"] for m in ui(page, user)["messages"]] == ["standup at 10"]


def test_a_mention_typed_in_the_composer_reaches_the_bot_as_slack_escapes_it(page):
    """The composer sends what the user typed; the sandbox escapes it as the manifest says (/deal: on)."""
    text = "role @Chen Jing manager @sam.carter"
    r = page.post("/sandbox/command", json={"user": "U0ADMIN", "command": "/deal", "text": text})
    assert r.json()["status"] == 200
    said = [m["text"] for m in ui(page, "U0ADMIN")["messages"] if m["ephemeral"]]
    assert said == ["<@U0MGR> is now manager. Reps: <@U0REP2>"]


def test_the_bot_is_in_no_channel_until_invited_and_invite_works_in_channels_only(page):
    chans = {c["id"]: (c["private"], c["bot"]) for c in ui(page, "U0ADMIN")["channels"]}
    assert chans == {"C0MANAGERS": (False, False), "C0GENERAL": (False, False), "C0DEALDESK": (True, False)}
    invite = {"user": "U0ADMIN", "command": "/invite", "text": "@dealbot"}
    assert page.post("/sandbox/command", json={**invite, "channel": "D0ADMIN"}).status_code == 400
    assert page.post("/sandbox/command", json={**invite, "channel": "C0DEALDESK"}).json()["status"] == 200
    assert {c["id"]: c["bot"] for c in ui(page, "U0REP1")["channels"]}["C0DEALDESK"] is True
    assert "has joined the channel" in ui(page, "U0REP1")["messages"][-1]["text"]


def test_the_clock_control_moves_the_bot_clock_and_runs_due_jobs(page):
    before = datetime.fromisoformat(page.bot.clock())
    r = page.post("/sandbox/clock", json={"action": "P1D"}).json()
    assert r["ok"] and "jobs" in r
    moved = datetime.fromisoformat(page.bot.clock())
    assert timedelta(days=1) <= moved - before < timedelta(days=1, minutes=1)
    page.post("/sandbox/clock", json={"action": "P15D"})
    assert datetime.fromisoformat(page.bot.clock()) - before >= timedelta(days=16)
    r = page.post("/sandbox/clock", json={"action": "next_monday"}).json()
    local = datetime.fromisoformat(r["now"]).astimezone(ZoneInfo("Asia/Shanghai"))
    assert (local.weekday(), local.hour, local.minute) == (0, 9, 0)
    assert page.get("/sandbox/clock").json()["now"].startswith(r["now"][:16])
    bad = page.post("/sandbox/clock", json={"action": "yesterday"})
    assert bad.status_code == 400 and "unknown clock action" in bad.json()["error"]


def test_bad_requests_from_the_page_get_a_clear_error(page):
    assert page.get("/sandbox/ui", params={"user": "U0NOBODY"}).status_code == 400
    r = page.post(
        "/sandbox/click", json={"user": "U0REP1", "channel": "D0REP1", "ts": "1.1", "action_id": "x"}
    )
    assert r.status_code == 400 and r.json()["error"] == "no such message"
    r = page.post("/sandbox/demo-data", json={"user": "U0REP1"})
    assert r.status_code == 400 and "not available" in r.json()["error"]


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2026-11-22T15:00:00+00:00", "2026-11-23T09:00:00+08:00"),  # Sunday 23:00 Shanghai
        ("2026-11-23T00:30:00+00:00", "2026-11-23T09:00:00+08:00"),  # Monday 08:30 Shanghai
        ("2026-11-23T01:00:00+00:00", "2026-11-30T09:00:00+08:00"),  # Monday 09:00 exactly
        ("2026-11-25T06:00:00+00:00", "2026-11-30T09:00:00+08:00"),  # a Wednesday
    ],
)
def test_next_monday_nine_in_the_team_zone(now, expected):
    got = next_monday_9(datetime.fromisoformat(now).astimezone(UTC), "Asia/Shanghai")
    assert got == datetime.fromisoformat(expected)
