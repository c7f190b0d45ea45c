"""The sweep's Slack client and how it reads failures (no network)."""

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler
from slack_sdk.web.slack_response import SlackResponse

from bot.jobs import nudge_slack


def _error(status: int, body: dict, headers: dict | None = None) -> SlackApiError:
    resp = SlackResponse(client=None, http_verb="POST", api_url="x", req_args={}, data=body,
                         headers=headers or {}, status_code=status)  # fmt: skip
    return SlackApiError("failed", resp)


def test_no_automatic_resend_on_connection_errors_only_the_lease_aware_429_wait():
    app_client = WebClient(token="xoxb-1", base_url="http://127.0.0.1:9/api/")
    assert any(isinstance(h, ConnectionErrorRetryHandler) for h in app_client.retry_handlers)  # SDK default
    sweep = nudge_slack.sweep_client(app_client, 2)
    assert [type(h) for h in sweep.retry_handlers] == [nudge_slack.LeaseRateLimitHandler]
    assert sweep.base_url == app_client.base_url and sweep.token == app_client.token


def test_failures_are_classified():
    assert nudge_slack.classify(_error(200, {"ok": False, "error": "user_disabled"})).kind == "permanent"
    assert nudge_slack.classify(_error(200, {"ok": False, "error": "channel_not_found"})).kind == "permanent"
    limited = nudge_slack.classify(
        _error(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "0.25"})
    )
    assert (limited.kind, limited.retry_after) == ("ratelimited", 0.25)
    server = nudge_slack.classify(_error(503, {"ok": False, "error": "service_unavailable"}))
    assert server.kind == "retry" and "503" in server.reason
