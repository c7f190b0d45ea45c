"""The checks Slack applies to what an app sends, as far as dealbot uses them.

Each returns a list of error strings (empty when Slack would accept it). The limits are Slack's
documented ones (shared/SLACK-FACTS.md §4); the element checks come from slack_sdk's models.
"""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_TEXT = 40_000
MAX_PRIVATE_METADATA = 3000
MAX_VIEW_BYTES = 250_000
VIEW_TYPES = {"modal", "home"}


def load_json(value: Any, what: str) -> tuple[Any, list[str]]:
    if isinstance(value, str):
        try:
            return json.loads(value), []
        except json.JSONDecodeError:
            return None, [f"invalid_{what}_format: not valid JSON"]
    return value, []


def check_blocks(blocks: Any, *, limit: int) -> list[str]:
    if blocks is None:
        return []
    if not isinstance(blocks, list):
        return ["invalid_blocks_format: blocks must be an array"]
    errors = []
    if len(blocks) > limit:
        errors.append(f"invalid_blocks: no more than {limit} items allowed [json-pointer:/blocks]")
    for i, raw in enumerate(blocks):
        errors += [f"{e} [json-pointer:/blocks/{i}]" for e in _check_block(raw)]
    return errors


def _check_block(raw: Any) -> list[str]:
    if not isinstance(raw, dict) or not isinstance(raw.get("type"), str):
        return ["invalid_blocks: a block must be an object with a type"]
    try:
        block = Block.parse(raw)
    except (SlackObjectFormationError, TypeError, KeyError, AttributeError) as e:
        return [f"invalid_blocks: {e}"]
    if block is None:
        return [f"invalid_blocks: unknown block type {raw['type']!r}"]
    try:
        block.to_dict()  # slack_sdk runs every JsonValidator of the block and its elements
    except (SlackObjectFormationError, TypeError, AttributeError) as e:
        return [f"invalid_blocks: {e}"]
    return _check_texts(raw)


def _check_texts(raw: dict) -> list[str]:
    """Limits slack_sdk does not enforce: section fields of 2000 characters, empty texts."""
    errors = []
    for f in raw.get("fields") or []:
        if len((f or {}).get("text", "")) > 2000:
            errors.append("invalid_blocks: a section field must be at most 2000 characters")
    text = raw.get("text")
    if isinstance(text, dict) and text.get("text", None) == "":
        errors.append("invalid_blocks: text must not be empty")
    return errors


def check_message(args: dict) -> list[str]:
    blocks, errors = load_json(args.get("blocks"), "blocks")
    if errors:
        return errors
    text = args.get("text")
    if not text and not blocks and not args.get("attachments"):
        return ["no_text"]
    if text and len(text) > MAX_TEXT:
        return ["msg_too_long"]
    return check_blocks(blocks, limit=MAX_MESSAGE_BLOCKS)


def check_view(view: Any) -> list[str]:
    view, errors = load_json(view, "arguments")
    if errors:
        return errors
    if not isinstance(view, dict) or view.get("type") not in VIEW_TYPES:
        return ["invalid_arguments: view.type must be modal or home"]
    if len(json.dumps(view)) > MAX_VIEW_BYTES:
        return ["view_too_large"]
    if view["type"] == "modal" and not view.get("title"):
        return ["invalid_arguments: missing required field: title"]
    if len(view.get("private_metadata") or "") > MAX_PRIVATE_METADATA:
        return ["invalid_arguments: private_metadata must be at most 3000 characters"]
    errors = check_blocks(view.get("blocks"), limit=MAX_VIEW_BLOCKS)
    if errors:
        return errors
    try:
        View(**{k: v for k, v in view.items() if k in _VIEW_KEYS}).to_dict()
    except (SlackObjectFormationError, TypeError) as e:
        return [f"invalid_arguments: {e}"]
    has_inputs = any(b.get("type") == "input" for b in view.get("blocks") or [])
    if view["type"] == "modal" and has_inputs and not view.get("submit"):
        return ["invalid_arguments: a modal with input blocks needs a submit button"]
    return []


_VIEW_KEYS = {
    "type",
    "title",
    "blocks",
    "close",
    "submit",
    "private_metadata",
    "callback_id",
    "clear_on_close",
    "notify_on_close",
    "external_id",
    "submit_disabled",
}
