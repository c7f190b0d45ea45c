"""Block Kit render functions: plain results in, ``{"text": ..., "blocks": [...]}`` out (pure)."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100


def message(text: str, blocks: Sequence[Block]) -> dict:
    """A message payload; validates every block (slack_sdk) and Slack's 50-block cap."""
    if len(blocks) > MAX_MESSAGE_BLOCKS:
        raise ValueError(f"{len(blocks)} blocks: Slack allows {MAX_MESSAGE_BLOCKS} in a message")
    return {"text": text, "blocks": [b.to_dict() for b in blocks]}


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
