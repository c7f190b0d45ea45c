"""What a signed request to /slack/events must look like before Bolt sees it.

Slack sends three kinds of body: a form with ``payload`` (JSON of an interaction), a form of a slash
command, or a JSON envelope of the Events API. ``check_body`` accepts only those shapes, with the fields
Bolt and the listeners rely on of the right type, JSON at most ``MAX_DEPTH`` deep and a view's
``private_metadata`` a JSON object of at most Slack's 3,000 characters. Anything else is a body Slack
would never send: ``Malformed`` (the web layer answers 400 and logs the reason).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

MAX_BODY_BYTES = 2 * 1024 * 1024  # Slack's largest bodies (a modal's view and state) are far smaller
MAX_DEPTH = 64  # Slack's payloads nest about 15 deep (rich text in a message)
MAX_METADATA = 3000  # Slack refuses a longer private_metadata (views.open / views.update)
VIEW_PAYLOADS = ("view_submission", "view_closed")


class Malformed(ValueError):
    """A body Slack would never send; the message says what is wrong (for the log, not the user)."""


def decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Malformed("the body is not UTF-8") from e


def check_body(text: str, content_type: str | None, response_urls: tuple[str, ...] = ()) -> dict:
    """The parsed body, or Malformed. Mirrors Bolt's choice of JSON or form (``parse_body``).
    ``response_urls``: the prefixes a response_url may have (Slack's hooks host); empty: unchecked."""
    body = _parse(text, content_type)
    if response_urls:
        _check_response_urls(body, response_urls)
    return body


def _parse(text: str, content_type: str | None) -> dict:
    if not text:
        raise Malformed("empty body")
    if (content_type or "").split(";")[0].strip() == "application/json" or text.startswith("{"):
        body = _object(text, "the JSON body")
        _check_envelope(body)
        return body
    fields = dict(parse_qsl(text, keep_blank_values=True))
    _check_tree(fields)
    if "payload" in fields:
        body = _object(fields["payload"], "payload")
        _check_interaction(body)
        return body
    if "payload" in text:  # Bolt reads any form body mentioning "payload" as an interaction
        raise Malformed("a form body that mentions payload but has no payload field")
    if fields.get("ssl_check") == "1":
        return fields
    _check_command(fields)
    return fields


# --------------------------------------------------------------------------- JSON
def _loads(text: str) -> Any:  # noqa: ANN401
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as e:  # RecursionError: nested deeper than the parser's stack
        raise Malformed(f"not JSON ({type(e).__name__})") from e
    _check_tree(data)
    return data


def _object(text: str, what: str) -> dict:
    data = _loads(text)
    if not isinstance(data, dict):
        raise Malformed(f"{what} is not a JSON object")
    if not isinstance(data.get("type"), str) or not data["type"]:
        raise Malformed(f"{what} has no type")
    return data


def _check_tree(data: Any) -> None:  # noqa: ANN401
    """At most MAX_DEPTH deep, no NUL character in any text (Slack never sends one; PostgreSQL refuses
    it). Iterative: a deep value cannot exhaust the stack here."""
    stack = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            if "\x00" in node:
                raise Malformed("a NUL character in a text")
        elif isinstance(node, dict | list):
            if depth > MAX_DEPTH:
                raise Malformed(f"JSON nested deeper than {MAX_DEPTH}")
            children = list(node.values()) + list(node) if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children)


# --------------------------------------------------------------------------- shapes
def _need(obj: dict, key: str, kind: type | tuple[type, ...], where: str, *, optional: bool = False) -> Any:  # noqa: ANN401
    value = obj.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, kind) or (isinstance(value, str) and not value and not optional):
        raise Malformed(f"{where}.{key} is missing or of the wrong type")
    return value


def _check_envelope(body: dict) -> None:
    kind = body["type"]
    if kind == "url_verification":
        _need(body, "challenge", str, "url_verification")
    elif kind == "event_callback":
        _need(body, "team_id", str, "event_callback")
        _need(body, "event_id", str, "event_callback")
        event = _need(body, "event", dict, "event_callback")
        _need(event, "type", str, "event")
        for key in ("user", "channel"):
            if key in event and event[key] is not None and not isinstance(event[key], str | dict):
                raise Malformed(f"event.{key} is of the wrong type")


def _check_interaction(body: dict) -> None:
    user = _need(body, "user", dict, body["type"])
    _need(user, "id", str, "user")
    _need(body, "team", dict, body["type"], optional=True)
    for key in ("container", "channel", "message", "state"):
        _need(body, key, dict, body["type"], optional=True)
    view = _need(body, "view", dict, body["type"], optional=body["type"] not in VIEW_PAYLOADS)
    if view is not None:
        _check_view(view)
    if body["type"] == "block_actions":
        _need(body, "trigger_id", str, "block_actions")
        actions = _need(body, "actions", list, "block_actions")
        if not actions:
            raise Malformed("block_actions.actions is empty")
        for action in actions:
            if not isinstance(action, dict):
                raise Malformed("block_actions.actions holds a non-object")
            _need(action, "action_id", str, "action")
            for key in ("value", "block_id", "selected_date"):
                _need(action, key, str, "action", optional=True)
            _need(action, "selected_option", dict, "action", optional=True)
    elif body["type"] == "view_submission":
        _need(body, "trigger_id", str, "view_submission", optional=True)


def _check_view(view: dict) -> None:
    _need(view, "id", str, "view", optional=True)
    _need(view, "callback_id", str, "view", optional=True)
    metadata = _need(view, "private_metadata", str, "view", optional=True)
    if metadata:
        if len(metadata) > MAX_METADATA:
            raise Malformed(f"view.private_metadata is longer than {MAX_METADATA} characters")
        if not isinstance(_loads(metadata), dict):
            raise Malformed("view.private_metadata is not a JSON object")
    state = _need(view, "state", dict, "view", optional=True)
    if state is not None:
        values = _need(state, "values", dict, "view.state", optional=True)
        for block in (values or {}).values():
            if not isinstance(block, dict) or not all(isinstance(el, dict) for el in block.values()):
                raise Malformed("view.state.values holds a non-object")


def _check_response_urls(body: dict, allowed: tuple[str, ...]) -> None:
    """A response_url is where Bolt's respond() posts: only Slack's own hooks, never a URL of the
    sender's choosing."""
    urls = [body.get("response_url")] if "response_url" in body else []
    listed = body.get("response_urls")
    if listed is not None:
        if not isinstance(listed, list) or not all(isinstance(u, dict) for u in listed):
            raise Malformed("response_urls is of the wrong type")
        urls += [u.get("response_url") for u in listed]
    for url in urls:
        if not isinstance(url, str) or not url.startswith(allowed):
            raise Malformed("a response_url that is not Slack's")


def _check_command(fields: dict[str, str]) -> None:
    command = fields.get("command") or ""
    if not command.startswith("/"):
        raise Malformed("a form body that is neither an interaction nor a slash command")
    for key in ("user_id", "team_id"):
        if not fields.get(key):
            raise Malformed(f"slash command without {key}")
