"""Settings.resolve_mode: which mode the credentials give, and which are refused (naming the variable)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.config import ConfigError, Mode, Settings

BOT = "xoxb-1111-2222-realistic0token"
SECRET = "0123456789abcdef0123456789abcdef"
APP = "xapp-1-A0DEALBOT-3333-realistic0app0token"


def settings(**values) -> Settings:
    return Settings(_env_file=None, **values)


def test_no_credentials_is_the_sandbox():
    assert settings().resolve_mode() is Mode.SANDBOX
    assert settings().resolve_mode(http=True) is Mode.SANDBOX
    assert settings(slack_bot_token="  ").resolve_mode() is Mode.SANDBOX  # blank is unset


def test_complete_credentials_pick_socket_or_http():
    assert settings(slack_bot_token=BOT, slack_app_token=APP).resolve_mode() is Mode.SOCKET
    assert settings(slack_bot_token=BOT, slack_signing_secret=SECRET).resolve_mode(http=True) is Mode.HTTP
    full = settings(slack_bot_token=BOT, slack_app_token=APP, slack_signing_secret=SECRET)
    assert full.resolve_mode() is Mode.SOCKET and full.resolve_mode(http=True) is Mode.HTTP
    assert full.resolve_mode(force_sandbox=True) is Mode.SANDBOX


@pytest.mark.parametrize(
    ("values", "http", "named"),
    [
        ({"slack_bot_token": "xoxb-your-bot-token", "slack_app_token": APP}, False, "SLACK_BOT_TOKEN"),
        ({"slack_bot_token": "xoxb-...", "slack_app_token": APP}, False, "SLACK_BOT_TOKEN"),
        ({"slack_bot_token": BOT, "slack_signing_secret": "changeme"}, True, "SLACK_SIGNING_SECRET"),
        (
            {"slack_bot_token": BOT, "slack_signing_secret": "<your signing secret>"},
            True,
            "SLACK_SIGNING_SECRET",
        ),
        ({"slack_bot_token": BOT, "slack_app_token": "xapp-replace-me"}, False, "SLACK_APP_TOKEN"),
        ({"slack_bot_token": BOT, "slack_app_token": "xoxb-not-an-app-token"}, False, "SLACK_APP_TOKEN"),
        ({"slack_bot_token": BOT}, True, "SLACK_SIGNING_SECRET"),
        ({"slack_bot_token": BOT}, False, "SLACK_APP_TOKEN"),
        ({"slack_app_token": APP}, False, "SLACK_BOT_TOKEN"),
        ({"slack_signing_secret": SECRET}, True, "SLACK_BOT_TOKEN"),
    ],
)
def test_placeholder_or_partial_credentials_are_refused(values, http, named):
    with pytest.raises(ConfigError, match=named):
        settings(**values).resolve_mode(http=http)


def test_the_dev_clock_only_with_the_sandbox_loopback_api_and_its_credentials():
    real = {"slack_bot_token": BOT, "slack_signing_secret": SECRET, "dealbot_dev_clock": True}
    with pytest.raises(ConfigError, match="DEALBOT_DEV_CLOCK"):
        settings(**real).resolve_mode(http=True)
    with pytest.raises(ConfigError, match="DEALBOT_DEV_CLOCK"):  # loopback, but not the sandbox's token
        settings(**real, slack_api_url="http://127.0.0.1:9999/api").resolve_mode(http=True)
    sandbox = {**real, "slack_bot_token": "xoxb-sandbox-0000-dealbot"}
    with pytest.raises(ConfigError, match="DEALBOT_DEV_CLOCK"):  # the sandbox's token, real Slack
        settings(**sandbox).resolve_mode(http=True)
    local = settings(**sandbox, slack_api_url="http://127.0.0.1:9999/api")
    assert local.resolve_mode(http=True) is Mode.HTTP
    assert local.slack_api_url == "http://127.0.0.1:9999/api/"


def test_in_oauth_mode_the_dev_clock_needs_the_sandboxs_client_secret_on_loopback():
    """No bot token in OAuth mode: the sandbox's OAuth app is told by its client secret."""
    loopback = "http://127.0.0.1:9999/api"
    oauth = {"slack_signing_secret": SECRET, "slack_client_id": "111.222", "dealbot_dev_clock": True}
    with pytest.raises(ConfigError, match="DEALBOT_DEV_CLOCK"):  # a real app's secret, even on loopback
        settings(**oauth, slack_client_secret="0123456789abcdef0123", slack_api_url=loopback).resolve_mode(
            http=True
        )
    sandbox_app = {**oauth, "slack_client_secret": "sandbox-client-secret-0123"}
    with pytest.raises(ConfigError, match="DEALBOT_DEV_CLOCK"):  # the sandbox's secret against real Slack
        settings(**sandbox_app).resolve_mode(http=True)
    local = settings(**sandbox_app, slack_api_url=loopback)
    assert local.has_sandbox_credentials and local.resolve_mode(http=True) is Mode.OAUTH


@pytest.mark.parametrize(
    "values",
    [
        {"dealbot_timezone": "Mars/Olympus"},
        {"dealbot_locale": "fr"},
        {"dealbot_work_hours": "18:00-09:00"},
        {"dealbot_work_days": "Funday"},
        {"slack_api_url": "ftp://slack"},
        {"dealbot_tick_seconds": 0},
    ],
)
def test_invalid_settings_are_refused(values):
    with pytest.raises(ValidationError):
        settings(**values)


def test_derived_values():
    s = settings(dealbot_admins=" U1, U2 ,,", dealbot_work_days="Fri-Mon", dealbot_work_hours="08:30-17:00")
    assert s.admins == {"U1", "U2"}
    assert s.work_days == {4, 5, 6, 0}
    assert [t.isoformat() for t in s.work_hours] == ["08:30:00", "17:00:00"]


CLIENT_ID, CLIENT_SECRET = "1234567890.1234567890", "0123456789abcdef0123456789abcdef"


def test_client_id_and_secret_with_a_signing_secret_and_no_bot_token_is_oauth():
    oauth = settings(
        slack_client_id=CLIENT_ID, slack_client_secret=CLIENT_SECRET, slack_signing_secret=SECRET
    )
    assert oauth.resolve_mode(http=True) is Mode.OAUTH and oauth.oauth
    assert CLIENT_SECRET in oauth.secret_values  # masked in logs like the tokens
    single = settings(slack_bot_token=BOT, slack_signing_secret=SECRET)
    assert single.resolve_mode(http=True) is Mode.HTTP and not single.oauth


OAUTH = {"slack_client_id": CLIENT_ID, "slack_client_secret": CLIENT_SECRET, "slack_signing_secret": SECRET}


@pytest.mark.parametrize(
    ("values", "http", "named"),
    [
        ({**OAUTH, "slack_client_secret": None}, True, "SLACK_CLIENT_SECRET"),
        ({**OAUTH, "slack_client_id": None}, True, "SLACK_CLIENT_ID"),
        ({**OAUTH, "slack_signing_secret": None}, True, "SLACK_SIGNING_SECRET"),
        ({**OAUTH, "slack_bot_token": BOT}, True, "SLACK_BOT_TOKEN"),
        ({**OAUTH, "slack_app_token": APP}, True, "SLACK_APP_TOKEN"),
        (OAUTH, False, "--http"),
        ({**OAUTH, "dealbot_manager_channel": "C0MANAGERS"}, True, "DEALBOT_MANAGER_CHANNEL"),
        ({**OAUTH, "slack_client_secret": "changeme"}, True, "SLACK_CLIENT_SECRET"),
    ],
)
def test_partial_or_mixed_oauth_credentials_are_refused(values, http, named):
    with pytest.raises(ConfigError, match=named):
        settings(**values).resolve_mode(http=http)
