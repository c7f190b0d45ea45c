"""The gate in front of Bolt: a response_url must be Slack's own hooks (where respond() posts), so a
signed payload cannot make the bot post to an address of the sender's choosing."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from bot.config import Settings
from bot.slack_gate import Malformed, check_body
from bot.web import response_url_prefixes

COMMAND = {"command": "/deal", "text": "help", "team_id": "T1", "user_id": "U1", "trigger_id": "1.2.3"}


def settings(api: str) -> Settings:
    return Settings(_env_file=None, slack_api_url=api)


@pytest.mark.parametrize(
    ("api", "prefixes"),
    [
        ("https://slack.com/api/", ("https://hooks.slack.com/",)),
        ("https://slack-gov.com/api/", ("https://hooks.slack-gov.com/",)),
        ("http://127.0.0.1:3000/api/", ("http://127.0.0.1:3000/",)),
        ("https://slack-proxy.internal/api/", ()),
    ],
)
def test_response_urls_may_point_at_slacks_hooks_only(api, prefixes):
    assert response_url_prefixes(settings(api)) == prefixes


def test_a_command_or_click_whose_response_url_is_elsewhere_is_malformed():
    hooks = response_url_prefixes(settings("https://slack.com/api/"))
    ok = urlencode({**COMMAND, "response_url": "https://hooks.slack.com/commands/T1/1/abc"})
    assert check_body(ok, "application/x-www-form-urlencoded", hooks)["command"] == "/deal"
    for url in ("http://169.254.169.254/latest/", "https://hooks.slack.com.evil.example/x", ""):
        body = urlencode({**COMMAND, "response_url": url})
        with pytest.raises(Malformed, match="response_url"):
            check_body(body, "application/x-www-form-urlencoded", hooks)
    click = {"type": "block_actions", "user": {"id": "U1"}, "trigger_id": "1", "actions": [{"action_id": "a"}],
             "response_url": "https://evil.example/hook"}  # fmt: skip
    with pytest.raises(Malformed, match="response_url"):
        check_body(urlencode({"payload": json.dumps(click)}), "application/x-www-form-urlencoded", hooks)
