"""The Slack side of the wire: signed slash commands, block_actions, view_submission and Events API
callbacks, shaped as Slack documents them (shared/SLACK-FACTS.md §5), sent to the app over HTTP.

Replies that Slack would show (a command's ack body, a view submission's response_action) are
applied to the sandbox state, so a test or the page sees what a user would see.

A command's text is given as the user types it (``role @chen.jing manager @Wang Li``); it goes out as
Slack would send it, escaped per the command's ``should_escape`` in the manifest (sandbox/escaping.py).
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import re
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx

from sandbox.escaping import command_text
from sandbox.server import SandboxServer
from sandbox.state import APP_ID, BOT_ID, BOT_USER_ID, Message


def sign(secret: str, timestamp: str, body: str) -> str:
    """Slack's v0 signature: hex HMAC-SHA256 of ``v0:{timestamp}:{body}`` keyed by the signing secret."""
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class Reply:
    status: int
    text: str
    elapsed: float

    @property
    def json(self) -> Any:
        return json.loads(self.text) if self.text else None


class SlackSide:
    def __init__(
        self,
        server: SandboxServer,
        *,
        app_url: str | None = None,
        signing_secret: str | None = None,
        timeout: float = 30.0,
        socket_mode: bool = False,
    ) -> None:
        self.server = server
        self.socket_mode = socket_mode  # deliver over the Socket Mode WebSocket instead of signed HTTP
        self.state = server.state
        self.app_url = (app_url or server.app_url or "").rstrip("/")
        self.secret = signing_secret or server.signing_secret
        self.http = httpx.Client(timeout=timeout)

    # -- transport ------------------------------------------------------------------------
    def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        headers: dict | None = None,
    ) -> Reply:
        if self.socket_mode:
            return self._over_socket(body, content_type)
        ts = str(int(time.time()) if timestamp is None else timestamp)
        h = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature if signature is not None else sign(self.secret, ts, body),
            **(headers or {}),
        }
        started = time.perf_counter()
        r = self.http.post(f"{self.app_url}/slack/events", content=body.encode(), headers=h)
        return Reply(r.status_code, r.text, time.perf_counter() - started)

    def _over_socket(self, body: str, content_type: str) -> Reply:
        """The same body as an envelope: its payload is exactly what HTTP would carry (SLACK-FACTS §5.7)."""
        if content_type == "application/json":
            frame_type, payload = "events_api", json.loads(body)
        else:
            fields = dict(parse_qsl(body, keep_blank_values=True))
            if set(fields) == {"payload"}:
                frame_type, payload = "interactive", json.loads(fields["payload"])
            else:
                frame_type, payload = "slash_commands", fields
        started = time.perf_counter()
        ack = self.server.socket_mode.send(frame_type, payload)
        return Reply(200, json.dumps(ack) if ack else "", time.perf_counter() - started)

    def _team(self, user_id: str) -> str:
        return self.state.all_users()[user_id].team_id

    def _user(self, user_id: str) -> dict:
        u = self.state.all_users()[user_id]
        return {"id": u.id, "username": u.name, "name": u.name, "team_id": u.team_id}

    # -- slash commands -------------------------------------------------------------------------
    def command_body(
        self,
        user_id: str,
        command: str,
        text: str = "",
        *,
        channel_id: str | None = None,
        team_id: str | None = None,
    ) -> tuple[str, str]:
        team_id = team_id or self._team(user_id)
        channel_id = channel_id or self.state.dm_channel(user_id)
        trigger = self.state.issue_trigger(user_id)
        fields = {
            "token": "sandbox-verification-token",
            "team_id": team_id,
            "team_domain": self.state.workspaces.get(team_id).domain
            if team_id in self.state.workspaces
            else "x",
            "channel_id": channel_id,
            "channel_name": "directmessage" if channel_id.startswith("D") else self._channel_name(channel_id),
            "user_id": user_id,
            "user_name": self.state.all_users()[user_id].name,
            "command": command,
            "text": self.command_text(user_id, command, text),
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": self.server.response_url(user_id, channel_id),
            "trigger_id": trigger,
        }
        return urlencode(fields), channel_id

    def command_text(self, user_id: str, command: str, typed: str) -> str:
        """The ``text`` Slack sends for ``typed``: entities always; mentions, channels, links escaped
        when the manifest sets the command's ``should_escape``."""
        ws = self.state.workspace_of(user_id)
        escape = self.state.manifest.escapes(command)
        return command_text(typed, users=ws.users, channels=ws.channels, escape=escape)

    def invite_bot(self, user_id: str, channel_id: str) -> None:
        """``/invite @dealbot`` typed in a channel: Slack's own command (it never reaches the app) adds
        the bot to the channel, public or private."""
        self.state.add_bot_to(channel_id)
        with self.state.lock:
            self.state.messages.append(
                Message(
                    channel=channel_id,
                    ts=self.state.next_ts(),
                    text=f"<@{BOT_USER_ID}> has joined the channel (added by <@{user_id}>)",
                    blocks=[],
                    user=BOT_USER_ID,
                    source="system",
                )
            )

    def command(
        self,
        user_id: str,
        command: str,
        text: str = "",
        *,
        channel_id: str | None = None,
        team_id: str | None = None,
    ) -> Reply:
        body, channel = self.command_body(user_id, command, text, channel_id=channel_id, team_id=team_id)
        reply = self.post(body, "application/x-www-form-urlencoded")
        self._show_ack(reply, user_id, channel)
        return reply

    def _channel_name(self, channel_id: str) -> str:
        for w in self.state.workspaces.values():
            if channel_id in w.channels:
                return w.channels[channel_id]
        return "unknown"

    def _show_ack(self, reply: Reply, user_id: str, channel: str) -> None:
        if reply.status != 200 or not reply.text:
            return
        try:
            data = json.loads(reply.text)
        except json.JSONDecodeError:
            data = {"text": reply.text}
        if not isinstance(data, dict) or not (data.get("text") or data.get("blocks")):
            return
        with self.state.lock:
            self.state.messages.append(
                Message(
                    channel=channel,
                    ts=self.state.next_ts(),
                    text=data.get("text") or "",
                    blocks=data.get("blocks") or [],
                    user=BOT_USER_ID,
                    bot_id=BOT_ID,
                    ephemeral_to=None if data.get("response_type") == "in_channel" else user_id,
                    source="ack",
                )
            )

    # -- interactivity ------------------------------------------------------------------------------
    def _interactive(self, payload: dict) -> Reply:
        return self.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")

    def click(
        self,
        user_id: str,
        source: Message | dict,
        action_id: str,
        *,
        value: str | None = None,
        selected: str | None = None,
        selected_date: str | None = None,
        block_id: str | None = None,
    ) -> Reply:
        """Click a button (or choose an option / a date) in a message or a view, as Slack sends it."""
        is_view = isinstance(source, dict)
        blocks = source["blocks"] if is_view else source.blocks
        element, found_block = _find_element(blocks, action_id, value, block_id)
        if element is None:
            raise LookupError(
                f"no element {action_id!r} (value {value!r}) in {'view' if is_view else 'message'}"
            )
        action: dict[str, Any] = {
            "type": element["type"],
            "action_id": action_id,
            "block_id": block_id or found_block,
            "action_ts": f"{time.time():.6f}",
        }
        if element["type"] == "button":
            action.update(text=element.get("text"), value=element.get("value"))
            if element.get("style"):
                action["style"] = element["style"]
        elif element["type"] in ("static_select", "overflow", "radio_buttons"):
            action["selected_option"] = _option(element, selected)
        elif element["type"] == "datepicker":
            action["selected_date"] = selected_date
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": self._user(user_id),
            "api_app_id": APP_ID,
            "token": "sandbox-verification-token",
            "trigger_id": self.state.issue_trigger(user_id),
            "team": {"id": self._team(user_id), "domain": "sandbox"},
            "enterprise": None,
            "is_enterprise_install": False,
            "actions": [action],
        }
        if is_view:
            payload["container"] = {"type": "view", "view_id": source["id"]}
            payload["view"] = _view_payload(source)
        else:
            payload["container"] = {
                "type": "message",
                "message_ts": source.ts,
                "channel_id": source.channel,
                "is_ephemeral": source.ephemeral_to is not None,
            }
            payload["channel"] = {"id": source.channel, "name": "directmessage"}
            payload["message"] = source.as_slack()
            payload["state"] = {"values": {}}
            rurl = self.server.response_url(user_id, source.channel)
            self.state.response_urls[rurl.rsplit("/", 1)[1]]["message_ts"] = source.ts
            payload["response_url"] = rurl
        return self._interactive(payload)

    def submit(self, user_id: str, values: dict[str, Any], *, view: dict | None = None) -> Reply:
        """Submit the open modal (or ``view``) with ``values`` keyed by block_id (or action_id)."""
        view = view or self.state.open_modal(user_id)
        if view is None:
            raise LookupError(f"{user_id} has no open modal")
        v = _view_payload(view)
        v["state"] = {"values": view_state(view, values)}
        payload = {
            "type": "view_submission",
            "team": {"id": self._team(user_id), "domain": "sandbox"},
            "user": self._user(user_id),
            "api_app_id": APP_ID,
            "token": "sandbox-verification-token",
            "trigger_id": self.state.issue_trigger(user_id),
            "view": v,
            "response_urls": [],
            "enterprise": None,
            "is_enterprise_install": False,
        }
        reply = self._interactive(payload)
        self._apply_view_ack(user_id, view, reply)
        return reply

    def _apply_view_ack(self, user_id: str, view: dict, reply: Reply) -> None:
        if reply.status != 200:
            return
        data = reply.json if reply.text else None
        with self.state.lock:
            stack = self.state.modal_stack.setdefault(user_id, [])
            action = (data or {}).get("response_action")
            if action == "errors":
                self.state.views[view["id"]]["errors"] = data.get("errors", {})
            elif action == "update":
                new = self.server.api._store_view(data["view"], user_id=user_id, view_id=view["id"])
                new["errors"] = {}
            elif action == "push":
                new = self.server.api._store_view(data["view"], user_id=user_id)
                stack.append(new["id"])
            elif action == "clear":
                stack.clear()
            elif stack and stack[-1] == view["id"]:
                stack.pop()

    # -- events ---------------------------------------------------------------------------------------
    def event_body(self, event: dict, *, team_id: str | None = None, event_id: str | None = None) -> str:
        """The JSON body of an Events API ``event_callback`` delivery (SLACK-FACTS.md §5.4)."""
        team_id = team_id or next(iter(self.state.workspaces))
        envelope = {
            "token": "sandbox-verification-token",
            "team_id": team_id,
            "api_app_id": APP_ID,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or "Ev" + uuid.uuid4().hex[:10].upper(),
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": team_id,
                    "user_id": BOT_USER_ID,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": "4-" + uuid.uuid4().hex,
        }
        return json.dumps(envelope)

    def event(
        self,
        event: dict,
        *,
        team_id: str | None = None,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
    ) -> Reply:
        headers = (
            {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason} if retry_num else {}
        )
        body = self.event_body(event, team_id=team_id, event_id=event_id)
        return self.post(body, "application/json", headers=headers)

    def home_event(self, user_id: str) -> dict:
        """The inner ``app_home_opened`` event the user's opening of App Home sends."""
        event = {
            "type": "app_home_opened",
            "user": user_id,
            "channel": self.state.dm_channel(user_id),
            "tab": "home",
            "event_ts": f"{time.time():.6f}",
        }
        view = self.state.home_view(user_id)
        if view:
            event["view"] = _view_payload(view)
        return event

    def dm(self, user_id: str, text: str, **kw: Any) -> Reply:
        """The user types in their DM with the bot: the message lands in the DM and a message.im event goes out."""
        channel = self.state.dm_channel(user_id)
        ts = self.state.next_ts()
        with self.state.lock:
            self.state.messages.append(Message(channel=channel, ts=ts, text=text, blocks=[], user=user_id))
        event = {
            "type": "message",
            "channel": channel,
            "user": user_id,
            "text": text,
            "ts": ts,
            "event_ts": ts,
            "channel_type": "im",
            "client_msg_id": str(uuid.uuid4()),
            "team": self._team(user_id),
        }
        return self.event(event, team_id=self._team(user_id), **kw)

    def open_home(self, user_id: str, **kw: Any) -> Reply:
        return self.event(self.home_event(user_id), team_id=self._team(user_id), **kw)

    def user_change(self, user: dict, **kw: Any) -> Reply:
        return self.event(
            {"type": "user_change", "user": user, "event_ts": f"{time.time():.6f}"},
            team_id=user.get("team_id"),
            **kw,
        )

    # -- installing and uninstalling (OAuth v2) ------------------------------------------------------
    def install(self, user_id: str, *, deny: bool = False) -> httpx.Response:
        """What a person's browser does to add the app: open the app's "Add to Slack" page (which sets
        the state cookie), follow its link to the sandbox's authorize page, approve there as
        ``user_id`` (or cancel), and follow the redirect back to the app. Returns the app's last page."""
        with httpx.Client(timeout=30) as browser:
            start = browser.get(f"{self.app_url}/slack/install")
            start.raise_for_status()
            link = re.search(r'id="add-to-slack" href="([^"]+)"', start.text)
            if link is None:
                raise AssertionError(f"no Add to Slack link on the install page:\n{start.text[:500]}")
            url = html.unescape(link.group(1))
            # the state cookie is Secure (Bolt's); a browser keeps it for 127.0.0.1, httpx's jar would not
            cookie = start.headers.get("set-cookie", "").split(";")[0]
            gesture = "deny=1" if deny else urlencode({"approve": user_id})
            approved = browser.get(f"{url}&{gesture}")
            if approved.status_code != 302:
                return approved
            return browser.get(approved.headers["location"], headers={"Cookie": cookie} if cookie else {})

    def uninstall(
        self, team_id: str, *, order: tuple[str, ...] = ("app_uninstalled", "tokens_revoked")
    ) -> list[Reply]:
        """The workspace removes the app: Slack revokes its tokens, then sends ``app_uninstalled`` and
        ``tokens_revoked`` (in either order; ``order`` picks it)."""
        with self.state.lock:
            self.state.oauth.revoke_team(team_id)
        events = {
            "app_uninstalled": {"type": "app_uninstalled"},
            "tokens_revoked": {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": [BOT_USER_ID]}},
        }
        return [self.event(events[kind], team_id=team_id) for kind in order]


# -- helpers ----------------------------------------------------------------------------------------
def _elements(block: dict) -> list[dict]:
    if block.get("type") == "actions":
        return block.get("elements") or []
    if block.get("type") in ("section",) and block.get("accessory"):
        return [block["accessory"]]
    if block.get("type") == "input" and block.get("element"):
        return [block["element"]]
    return []


def _find_element(
    blocks: list[dict], action_id: str, value: str | None, block_id: str | None = None
) -> tuple[dict | None, str | None]:
    """The element with that action_id (and value); in the block ``block_id`` first when given."""
    in_block = [b for b in blocks if block_id is not None and b.get("block_id") == block_id]
    for b in [*in_block, *blocks]:
        for el in _elements(b):
            if el.get("action_id") == action_id and (value is None or el.get("value") == value):
                return el, b.get("block_id")
    return None, None


def _option(element: dict, selected: str | None) -> dict | None:
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options += group.get("options") or []
    for o in options:
        if o.get("value") == selected:
            return {"text": o.get("text"), "value": o.get("value")}
    if selected is None:
        return None
    raise LookupError(f"option {selected!r} is not offered")


def _view_payload(view: dict) -> dict:
    keys = (
        "id",
        "team_id",
        "type",
        "callback_id",
        "private_metadata",
        "title",
        "submit",
        "close",
        "blocks",
        "hash",
        "app_id",
        "bot_id",
        "external_id",
        "clear_on_close",
        "notify_on_close",
        "state",
    )
    out = {k: view.get(k) for k in keys if k in view}
    out.setdefault("state", {"values": {}})
    out["root_view_id"] = view.get("id")
    out["previous_view_id"] = None
    out["app_installed_team_id"] = view.get("team_id")
    return out


def view_state(view: dict, values: dict[str, Any]) -> dict:
    """``state.values`` for a view, as Slack builds it from what the user entered."""
    state: dict[str, dict] = {}
    for block in view.get("blocks") or []:
        if block.get("type") not in ("input", "section", "actions"):
            continue
        for el in _elements(block):
            bid, aid = block.get("block_id"), el.get("action_id")
            if not bid or not aid:
                continue
            given = values.get(bid, values.get(aid))
            state.setdefault(bid, {})[aid] = _element_value(el, given)
    return state


def _element_value(el: dict, given: Any) -> dict:
    t = el["type"]
    if t in ("plain_text_input", "number_input", "email_text_input", "url_text_input"):
        given = el.get("initial_value") if given is None else given  # Slack submits what the field shows
        return {"type": t, "value": None if given is None else str(given)}
    if t in ("static_select", "radio_buttons"):
        return {
            "type": t,
            "selected_option": _option(el, given) if given is not None else el.get("initial_option"),
        }
    if t in ("multi_static_select", "checkboxes"):
        chosen = given if isinstance(given, list) else ([] if given is None else [given])
        return {"type": t, "selected_options": [_option(el, v) for v in chosen]}
    if t == "datepicker":
        return {"type": t, "selected_date": given if given is not None else el.get("initial_date")}
    if t == "users_select":
        return {"type": t, "selected_user": given}
    if t == "multi_users_select":
        return {"type": t, "selected_users": given or []}
    if t == "conversations_select":
        return {"type": t, "selected_conversation": given}
    if t == "channels_select":
        return {"type": t, "selected_channel": given}
    if t == "timepicker":
        return {"type": t, "selected_time": given}
    return {"type": t, "value": given}
