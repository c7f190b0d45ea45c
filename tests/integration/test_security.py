"""Only Slack-signed requests are processed: unsigned, tampered and stale ones get 401 and change nothing.

Each forgery is tried against a request with an effect a user would notice (a command's reply, the App
Home being published, a changed language); then the same request, properly signed, has that effect —
so the test would fail if the forgery had been processed.
"""

from __future__ import annotations

import json
import time

import httpx
from sqlmodel import Session

from sandbox.slack_side import sign
from storage.db import make_engine
from storage.models import SlackUser
from tests.support.bot import SIGNING_SECRET
from tests.support.pipeline import all_text

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def forgeries(body: str, tampered_body: str) -> dict[str, tuple[dict, str]]:
    """name -> (headers, body actually sent)."""
    now = str(int(time.time()))
    old = str(int(time.time()) - 360)
    return {
        "unsigned": ({}, body),
        "no signature": ({"X-Slack-Request-Timestamp": now}, body),
        "body changed after signing": (
            {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": sign(SIGNING_SECRET, now, body)},
            tampered_body,
        ),
        "wrong secret": (
            {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": sign("not-the-secret", now, body)},
            body,
        ),
        "six minutes old": (
            {"X-Slack-Request-Timestamp": old, "X-Slack-Signature": sign(SIGNING_SECRET, old, body)},
            body,
        ),
        "timestamp moved after signing": (
            {
                "X-Slack-Request-Timestamp": str(int(now) + 1),
                "X-Slack-Signature": sign(SIGNING_SECRET, now, body),
            },
            body,
        ),
    }


def shown(reply) -> str:  # noqa: ANN001
    """What the user reads in a command's ephemeral reply."""
    assert reply.status == 200, reply.text
    return json.dumps(reply.json, ensure_ascii=False)


def send_forged(bot, body: str, tampered: str, content_type: str) -> None:
    for name, (headers, sent) in forgeries(body, tampered).items():
        r = httpx.post(
            f"{bot.url}/slack/events",
            content=sent.encode(),
            headers={"Content-Type": content_type, **headers},
        )
        assert r.status_code == 401, f"{name}: {r.status_code} {r.text}"


def test_forged_slash_commands_get_401_and_no_reply(slack, sandbox, bot):
    body, _ = slack.command_body("U0REP2", "/deal", "help")
    send_forged(bot, body, body.replace("help", "list"), FORM)
    assert sandbox.state.ephemerals("U0REP2") == []
    assert sandbox.state.calls_to("users.info") == [], "a forged request reached the listeners"

    reply = slack.command("U0REP2", "/deal", "help")
    assert reply.status == 200 and "Register prospects" in reply.text
    assert len(sandbox.state.ephemerals("U0REP2")) == 1


def test_forged_app_home_opened_publishes_nothing(slack, sandbox, bot):
    body = slack.event_body(slack.home_event("U0REP2"), team_id="T0SANDBOX")
    send_forged(bot, body, body.replace("U0REP2", "U0REP1"), JSON)
    assert sandbox.state.calls_to("views.publish") == []
    assert sandbox.state.home_view("U0REP2") is None

    assert slack.open_home("U0REP2").status == 200
    assert len(sandbox.state.calls_to("views.publish", ok=True)) == 1
    assert "My deals (0)" in all_text(sandbox.state.home_view("U0REP2"))  # the signed event: Sam's home


def _stored_locale(bot, user_id: str) -> str | None:
    engine = make_engine(bot.env["DATABASE_URL"])
    try:
        with Session(engine) as s:
            row = s.get(SlackUser, ("T0SANDBOX", user_id))
            return row.locale if row else None
    finally:
        engine.dispose()


def test_forged_user_change_changes_no_stored_profile(slack, sandbox, bot):
    assert "Register prospects" in shown(slack.command("U0REP2", "/deal", "help"))  # profile cached: en-US
    assert _stored_locale(bot, "U0REP2") == "en-US"

    user = {**sandbox.state.all_users()["U0REP2"].as_slack(), "locale": "zh-CN", "tz": "Asia/Shanghai"}
    body = slack.event_body({"type": "user_change", "user": user, "event_ts": "1.0"}, team_id="T0SANDBOX")
    send_forged(bot, body, body.replace("zh-CN", "zh-TW"), JSON)

    assert _stored_locale(bot, "U0REP2") == "en-US"
    assert "Register prospects" in shown(slack.command("U0REP2", "/deal", "help"))

    assert slack.user_change(user).status == 200  # the same change, signed, is applied
    assert _stored_locale(bot, "U0REP2") == "zh-CN"
    assert "登记潜在客户" in shown(slack.command("U0REP2", "/deal", "help"))


def test_the_401_body_shows_no_internals(bot):
    r = httpx.post(f"{bot.url}/slack/events", content=b"payload=%7B%7D", headers={"Content-Type": FORM})
    assert r.status_code == 401
    assert json.loads(r.text) == {"error": "invalid request"}
