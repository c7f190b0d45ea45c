"""The sender's Slack side: a client tuned for the sweep, the post with the nudge key in message
metadata, the reconcile read of ``conversations.history``, and how each failure is classified.

- No automatic retry on connection errors for chat.postMessage (slack_sdk's default would resend
  a message Slack may already have accepted): an unknown outcome goes to reconcile instead.
- 429: wait Retry-After (slack_sdk's RateLimitErrorRetryHandler, fractional values honoured), then
  renew the row's lease before trying again; a lost lease stops the retry (``LeaseLost``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot import ids

PERMANENT = {
    "user_not_found",
    "user_disabled",
    "account_inactive",
    "cannot_dm_bot",
    "channel_not_found",
    "is_archived",
    "not_in_channel",
    "restricted_action",
    "messages_tab_disabled",
    "invalid_blocks",
    "invalid_blocks_format",
    "invalid_metadata_format",
    "msg_too_long",
    "no_text",
}
RATE_LIMIT_RETRIES = 3
HISTORY_PAGES = 10


class LeaseLost(Exception):
    """Another sender owns the row now: stop, send nothing more for it."""


_renew = threading.local()


class LeaseRateLimitHandler(RateLimitErrorRetryHandler):
    def prepare_for_next_attempt(self, *, state, request, response=None, error=None) -> None:  # noqa: ANN001
        if response is None:
            raise error  # type: ignore[misc]
        header = next((k for k in response.headers if k.lower() == "retry-after"), None)
        try:
            delay = float(response.headers[header][0]) if header else 1.0
        except (TypeError, ValueError):
            delay = 1.0
        time.sleep(max(0.0, delay))
        renew: Callable[[], bool] | None = getattr(_renew, "fn", None)
        if renew is not None and not renew():
            raise LeaseLost()
        state.next_attempt_requested = True
        state.increment_current_attempt()


_clients: dict[tuple, WebClient] = {}
_clients_lock = threading.Lock()


def sweep_client(client: WebClient, lease_seconds: float) -> WebClient:
    """A client for the sweep: same token and API, our retry handlers (the lease is kept by a heartbeat)."""
    key = (client.token, client.base_url, lease_seconds)
    with _clients_lock:
        if key not in _clients:
            _clients[key] = WebClient(
                token=client.token,
                base_url=client.base_url,
                timeout=30,
                retry_handlers=[LeaseRateLimitHandler(max_retry_count=RATE_LIMIT_RETRIES)],
            )
        return _clients[key]


def post_nudge(
    client: WebClient, *, channel: str, payload: dict, key: str, renew: Callable[[], bool]
) -> dict:
    """chat.postMessage to the user id (opens the DM) with the nudge key in metadata."""
    _renew.fn = renew
    try:
        resp = client.chat_postMessage(
            channel=channel,
            text=payload["text"],
            blocks=payload["blocks"],
            metadata={"event_type": ids.META_NUDGE, "event_payload": {"nudge_key": key}},
            unfurl_links=False,
            unfurl_media=False,
        )
    finally:
        _renew.fn = None
    return {"channel": resp["channel"], "ts": resp["ts"]}


def dm_channel(client: WebClient, user_id: str) -> str:
    return client.conversations_open(users=user_id)["channel"]["id"]


def find_posted(client: WebClient, *, channel: str, key: str) -> str | None:
    """The ts of the message carrying ``key`` in the DM's recent history, if Slack has it."""
    cursor = None
    for _ in range(HISTORY_PAGES):
        resp = client.conversations_history(
            channel=channel, limit=200, include_all_metadata=True, cursor=cursor
        )
        for m in resp.get("messages") or []:
            meta = m.get("metadata") or {}
            if (
                meta.get("event_type") == ids.META_NUDGE
                and (meta.get("event_payload") or {}).get("nudge_key") == key
            ):
                return m["ts"]
        cursor = (resp.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return None
    return None


@dataclass(frozen=True)
class Failure:
    kind: str  # permanent | ratelimited | retry
    reason: str
    retry_after: float | None = None


def classify(e: SlackApiError) -> Failure:
    status = getattr(e.response, "status_code", 200)
    error = (e.response.get("error") if e.response is not None else None) or str(e)
    if status == 429:
        headers = getattr(e.response, "headers", {}) or {}
        raw = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
        try:
            after = float(raw[0] if isinstance(raw, list) else raw) if raw is not None else 1.0
        except ValueError:
            after = 1.0
        return Failure("ratelimited", "ratelimited", after)
    if error in PERMANENT:
        return Failure("permanent", error)
    return Failure("retry", f"{status} {error}"[:500])
