"""Signed but hostile requests: bodies Slack would never send, and Slack-shaped ones with hostile content.

``hostile_requests(slack)`` returns ``Hostile`` cases, each a body, its content type and what the bot
must answer: ``"malformed"`` (a 4xx: Slack never sends such a body) or ``"answered"`` (a 2xx: a
well-formed request whose ids, texts or metadata are junk, refused with a friendly reply or ignored).
Nothing here may produce a 5xx. Every id of ``bot.ids`` is tried with junk values, so a listener added
later is covered too.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx

from bot import ids
from sandbox.state import APP_ID

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
TEAM = "T0SANDBOX"
USER = "U0REP1"
DEEP = 50_000
JUNK_IDS = ("999999", "0", "-1", "abc", "9" * 40, "", "1:2:3:4", "１２", "1e9999", "🙂")
JUNK_METADATA = (
    "[" * DEEP + "]" * DEEP,  # nested 50,000 deep
    "[" * 1400 + "]" * 1400,  # deep, yet under 3,000 characters
    json.dumps({"d": 1, "pad": "x" * 3_100}),  # over Slack's 3,000 characters
    json.dumps([1, 2]),  # not an object
    "not json at all",
    "42",
)
ODD_METADATA = (  # objects Slack would carry, with junk inside
    json.dumps({"d": 999999, "v": 1}),
    json.dumps({"d": "abc", "v": "x"}),
    json.dumps({"d": 99999999999999999999, "v": 1}),
    json.dumps({"d": [1], "p": {"x": 1}}),
    json.dumps({"deal": {"x": 1}, "origin": {"channel": "D0REP2", "ts": "1.000001"}}),
    "",
)
HUGE = "长" * 40_000
TRIGGER = "TRIGGER_ISSUED_AT_SEND_TIME"  # a trigger_id lives 3 s: ``send`` puts a fresh one in


@dataclass(frozen=True)
class Hostile:
    name: str
    body: str | bytes
    content_type: str
    expect: str  # "malformed" | "answered"


def _user() -> dict:
    return {"id": USER, "username": "rep1", "name": "rep1", "team_id": TEAM}


def _payload_form(payload: object) -> str:
    text = payload if isinstance(payload, str) else json.dumps(payload)
    return urlencode({"payload": text})


def _command(slack, text: str, command: str = ids.CMD_DEAL, **over: str) -> str:  # noqa: ANN001
    fields = {
        "token": "x",
        "team_id": TEAM,
        "team_domain": "sandbox",
        "channel_id": slack.state.dm_channel(USER),
        "channel_name": "directmessage",
        "user_id": USER,
        "user_name": "rep1",
        "command": command,
        "text": text,
        "api_app_id": APP_ID,
        "response_url": slack.server.response_url(USER, slack.state.dm_channel(USER)),
        "trigger_id": TRIGGER,
    }
    fields.update(over)
    return urlencode({k: v for k, v in fields.items() if v is not None})


def _click(slack, action_id: str, value: str | None, *, view: dict | None = None) -> dict:  # noqa: ANN001
    action = {"type": "button", "action_id": action_id, "block_id": "b", "action_ts": f"{time.time():.6f}"}
    if value is not None:
        action["value"] = value
    payload = {
        "type": "block_actions",
        "user": _user(),
        "api_app_id": APP_ID,
        "token": "x",
        "trigger_id": TRIGGER,
        "team": {"id": TEAM, "domain": "sandbox"},
        "actions": [action],
    }
    if view is not None:
        payload["container"] = {"type": "view", "view_id": view["id"]}
        payload["view"] = view
    else:
        channel = slack.state.dm_channel(USER)
        payload["container"] = {
            "type": "message",
            "message_ts": "1.000001",
            "channel_id": channel,
            "is_ephemeral": False,
        }
        payload["channel"] = {"id": channel, "name": "directmessage"}
        payload["message"] = {"type": "message", "ts": "1.000001", "text": "", "blocks": []}
        payload["response_url"] = slack.server.response_url(USER, channel)
    return payload


def _view(callback_id: str, metadata: str, values: dict | None = None) -> dict:
    return {
        "id": "V" + uuid.uuid4().hex[:10].upper(),
        "team_id": TEAM,
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": metadata,
        "hash": "h",
        "app_id": APP_ID,
        "blocks": [],
        "state": {"values": values or {}},
    }


def _submit(slack, view: dict) -> dict:  # noqa: ANN001
    return {
        "type": "view_submission",
        "team": {"id": TEAM, "domain": "sandbox"},
        "user": _user(),
        "api_app_id": APP_ID,
        "token": "x",
        "trigger_id": TRIGGER,
        "view": view,
        "response_urls": [],
    }


def _event(event: dict) -> str:
    return json.dumps(
        {
            "token": "x",
            "team_id": TEAM,
            "api_app_id": APP_ID,
            "event": event,
            "type": "event_callback",
            "event_id": "Ev" + uuid.uuid4().hex[:10].upper(),
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM, "user_id": "U0BOT", "is_bot": True}],
        }
    )


def malformed(slack) -> list[Hostile]:  # noqa: ANN001
    """Bodies Slack would never send: each must get a 4xx, never a 5xx."""
    out: list[Hostile] = []

    def add(name: str, body: str | bytes, content_type: str = FORM) -> None:
        out.append(Hostile(name, body, content_type, "malformed"))

    for i, broken in enumerate(['{"type": "block_actions"', "{", "nul", "[", "{'type': 1}", "\x00", "}{"]):
        add(f"payload with broken JSON #{i}", _payload_form(broken))
    for i, other in enumerate(["[]", "1", '"block_actions"', "null", "true", "[" * DEEP + "]" * DEEP]):
        add(f"payload not an object #{i}", _payload_form(other))
    for i, typeless in enumerate(
        [{}, {"type": None}, {"type": 7}, {"type": ["block_actions"]}, {"user": {}}]
    ):
        add(f"payload without a type #{i}", _payload_form(typeless))
    for i, body in enumerate(['{"event": {}}', "{}", '{"type": 1}', "[1, 2]", '"x"', "{", '{"type": "ev']):
        add(f"JSON body without a type #{i}", body, JSON)
    add(
        "JSON body nested 50,000 deep",
        '{"type": "event_callback", "x": ' + "[" * DEEP + "]" * DEEP + "}",
        JSON,
    )
    for i, form in enumerate(["a=b", "text=help&user_id=U0REP1", "command=&user_id=U0REP1", "=", "%ZZ"]):
        add(f"form body without a command #{i}", form)
    add("command without a user", _command(slack, "help", user_id=None))
    add("command without a team", _command(slack, "help", team_id=None))
    add("command not a slash command", _command(slack, "help", command="deal"))
    add("command with a NUL character", _command(slack, "people \x00 Hostile"))
    add("DM text with a NUL character", _event({"type": "message", "channel": slack.state.dm_channel(USER),
                                                "channel_type": "im", "user": USER, "text": "a\u0000b"}), JSON)  # fmt: skip
    add("command whose response_url is not Slack's",
        _command(slack, "people Hostile", response_url="http://169.254.169.254/latest/meta-data/"))  # fmt: skip
    add("click whose response_url is not Slack's",
        _payload_form({**_click(slack, ids.ACT_DEAL_OPEN, "1"), "response_url": "https://evil.example/hook"}))  # fmt: skip
    add("submission whose response_urls are not Slack's", _payload_form({
        **_submit(slack, _view(ids.VIEW_PEOPLE, "{}")),
        "response_urls": [{"response_url": "https://evil.example/hook", "channel_id": "C1", "block_id": "b"}],
    }))  # fmt: skip
    add("bytes that are not UTF-8", b"payload=\xff\xfe\xfd")
    add("bytes that are not UTF-8 (JSON)", b'{"type": "\xff"}', JSON)

    def action_payload(**over: object) -> dict:
        p = _click(slack, ids.ACT_DEAL_OPEN, "1")
        p.update(over)
        return {k: v for k, v in p.items() if v is not None}

    for name, p in {
        "actions not a list": action_payload(actions={"a": 1}),
        "actions empty": action_payload(actions=[]),
        "action not an object": action_payload(actions=["deal_open"]),
        "action without an action_id": action_payload(actions=[{"value": "1"}]),
        "no user": action_payload(user=None),
        "user not an object": action_payload(user="U0REP1"),
        "user without an id": action_payload(user={"name": "x"}),
        "team not an object": action_payload(team="T0SANDBOX"),
        "container not an object": action_payload(container="message"),
        "view not an object": action_payload(view="V1"),
        "no trigger_id": action_payload(trigger_id=None),
    }.items():
        add(f"block_actions: {name}", _payload_form(p))

    def submission(**over: object) -> dict:
        p = _submit(slack, _view(ids.VIEW_PEOPLE, json.dumps({"d": 1, "v": 1})))
        p.update(over)
        return {k: v for k, v in p.items() if v is not None}

    for name, p in {
        "no view": submission(view=None),
        "view not an object": submission(view=[1]),
        "view without a callback_id": submission(view={"id": "V1", "state": {"values": {}}}),
        "state values not an object": submission(
            view={**_view(ids.VIEW_PEOPLE, "{}"), "state": {"values": []}}
        ),
        "state not an object": submission(view={**_view(ids.VIEW_PEOPLE, "{}"), "state": "x"}),
        "no user": submission(user=None),
    }.items():
        add(f"view_submission: {name}", _payload_form(p))
    for i, meta in enumerate(JUNK_METADATA):
        for callback in (ids.VIEW_PEOPLE, ids.VIEW_CHECKIN, ids.VIEW_WON):
            add(
                f"view_submission {callback}: junk metadata #{i}",
                _payload_form(_submit(slack, _view(callback, meta))),
            )
        add(f"click in a modal: junk metadata #{i}",
            _payload_form(_click(slack, ids.ACT_PERSON_EDIT, "1", view=_view(ids.VIEW_PEOPLE, meta))))  # fmt: skip
    for name, envelope in {
        "no event": {"type": "event_callback", "team_id": TEAM, "event_id": "Ev1"},
        "event not an object": {"type": "event_callback", "team_id": TEAM, "event": [1], "event_id": "Ev2"},
        "event without a type": {"type": "event_callback", "team_id": TEAM, "event": {}, "event_id": "Ev3"},
        "event_id not a string": {
            "type": "event_callback",
            "team_id": TEAM,
            "event": {"type": "x"},
            "event_id": 1,
        },
    }.items():
        add(f"event_callback: {name}", json.dumps(envelope), JSON)
    add("an event the app never subscribed to", _event({"type": "reaction_added", "user": USER}), JSON)
    return out


def answered(slack, deal_id: int) -> list[Hostile]:  # noqa: ANN001
    """Slack-shaped requests with junk in them: each gets a 2xx and a friendly answer (or nothing)."""
    out: list[Hostile] = []

    def add(name: str, body: str, content_type: str = FORM) -> None:
        out.append(Hostile(name, body, content_type, "answered"))

    action_ids = sorted(ids.all_action_ids()) + [ids.Q_ANSWER_PREFIX + "yes"]
    for action_id in action_ids:
        for value in (*JUNK_IDS, f"{deal_id}:999", None):
            add(f"click {action_id} value {value!r}"[:120], _payload_form(_click(slack, action_id, value)))
    for callback in sorted(ids.all_view_ids()):
        for i, meta in enumerate(ODD_METADATA):
            add(
                f"submit {callback} with odd metadata #{i}",
                _payload_form(_submit(slack, _view(callback, meta))),
            )
        huge = {
            "name": {"name": {"type": "plain_text_input", "value": HUGE}},
            "x": {"y": {"type": "nonsense"}},
        }
        add(f"submit {callback} with huge text", _payload_form(_submit(slack, _view(callback, json.dumps({"d": deal_id, "v": 1}), huge))))  # fmt: skip
    for text in (
        HUGE,
        "new " + HUGE,
        f"advance {'9' * 40}",
        "away 9999-99-99 0000-00-00",
        "away 2026-01-01 9999-12-31",
        "checkin " + "%" * 500,
        "people \x01\x02\x7f",
        "history 🙂" * 200,
        "won " + "'; DROP TABLE deal; --",
        "role <@U0NOPE> manager <@U0NOPE2>",
        "list " + "a" * 5000,
    ):
        add(f"/deal {text[:40]!r}", _command(slack, text))
    for text in ("quota <@U0REP2> 9e999 2027-Q1", "quota <@U0REP2> -1 1999-Q9", "stage " + HUGE, "grade Z" * 100,
                 "<@U0NOBODY>", "export " + HUGE):  # fmt: skip
        add(f"/funnel {text[:40]!r}", _command(slack, text, command=ids.CMD_FUNNEL))
    channel = slack.state.dm_channel(USER)
    for name, event in {
        "home of an unknown user": {"type": "app_home_opened", "user": "U0NOBODY", "channel": "D0NOBODY", "tab": "home"},
        "home, tab messages": {"type": "app_home_opened", "user": USER, "channel": channel, "tab": "messages"},
        "DM with huge text": {"type": "message", "channel": channel, "channel_type": "im", "user": USER,
                              "text": HUGE, "ts": "2.000001"},
        "DM to another channel": {"type": "message", "channel": "C0MANAGERS", "channel_type": "im", "user": USER,
                                  "text": "hi", "ts": "2.000002"},
        "DM without text": {"type": "message", "channel": channel, "channel_type": "im", "user": USER},
        "user_change with junk": {"type": "user_change", "user": {"id": USER, "team_id": TEAM, "tz": "Mars/Base",
                                                                 "locale": 1234, "name": ["x"]}},
        "user_change without a user": {"type": "user_change"},
    }.items():  # fmt: skip
        add(f"event: {name}", _event(event), JSON)
    return out


def hostile_requests(slack, deal_id: int) -> list[Hostile]:  # noqa: ANN001
    return malformed(slack) + answered(slack, deal_id)


def send(slack, case: Hostile) -> httpx.Response:  # noqa: ANN001
    """POST the case's exact bytes to the app, signed with the app's signing secret."""
    body = case.body if isinstance(case.body, bytes) else case.body.encode()
    body = body.replace(TRIGGER.encode(), slack.state.issue_trigger(USER).encode())
    ts = str(int(time.time()))
    mac = hmac.new(slack.secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    headers = {
        "Content-Type": case.content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": "v0=" + mac,
    }
    return slack.http.post(f"{slack.app_url}/slack/events", content=body, headers=headers)
