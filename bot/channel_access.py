"""The bot in the manager channel: it joins a public channel itself; a private one it must be invited to.

Slack: ``conversations.join`` (scope ``channels:join``) works on public channels only; a private channel
is joined by a member's ``/invite @dealbot``, and to a bot that is not in it a private channel looks
like none at all (``channel_not_found``). Reading the history and sharing files need membership;
``chat:write.public`` would let a message in, never a read nor a file, so dealbot joins instead.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)
NOT_JOINABLE = {"method_not_supported_for_channel_type", "channel_not_found"}
NOT_IN = {"not_in_channel", "channel_not_found"}  # what a channel the bot is not in answers


@dataclass(frozen=True)
class ChannelAccess:
    status: str  # "in" (a member, now or already) | "invite" (private, not a member) | "failed"
    error: str | None = None


def join_channel(client: WebClient, channel: str) -> ChannelAccess:
    """Join ``channel`` when Slack lets the bot (public); else tell whether it is in it already."""
    error = _call(lambda: client.conversations_join(channel=channel))
    if error is None:
        return ChannelAccess("in")
    if error not in NOT_JOINABLE:
        return ChannelAccess("failed", error)
    # private (or unknown to the bot): reading one message tells whether the bot was invited
    read = _call(lambda: client.conversations_history(channel=channel, limit=1))
    if read is None:
        return ChannelAccess("in")
    return ChannelAccess("invite" if read in NOT_IN else "failed", read)


def _call(fn) -> str | None:  # noqa: ANN001
    """None when the call succeeds, else Slack's error (or the exception) as a string."""
    try:
        fn()
        return None
    except SlackApiError as e:
        return e.response.get("error") or "unknown_error"
    except Exception as e:  # noqa: BLE001 — a network error: the caller shows or logs it
        log.warning("Slack call failed: %r", e)
        return type(e).__name__
