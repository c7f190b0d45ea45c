"""Settings: every environment variable of SPEC §11, validated once and passed down.

Nothing else in the code reads ``os.environ``. Credentials decide the run mode (the table is in the
README, "Credential modes"): none at all -> sandbox; an app token -> Socket Mode; ``--http`` with a bot
token -> single-workspace HTTP; ``--http`` with a client id and secret and no bot token -> OAuth HTTP
(many workspaces). Partial, mixed or placeholder credentials are refused at start with the variable named.
"""

from __future__ import annotations

import os
import re
from datetime import time
from enum import StrEnum
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
PLACEHOLDER = re.compile(
    r"(your[-_]|changeme|change[-_]me|replace[-_]?me|placeholder|^x+$|<.*>|\.\.\.|…)", re.I
)
CREDENTIALS = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
)
TOKEN_PREFIX = {"SLACK_BOT_TOKEN": "xoxb-", "SLACK_APP_TOKEN": "xapp-"}
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
SANDBOX_TOKEN_PREFIX = "xoxb-sandbox-"  # the bot token the sandbox issues; Slack's never start so
SANDBOX_CLIENT_SECRET_PREFIX = "sandbox-client-secret-"  # the client secret of the sandbox's OAuth app


class ConfigError(ValueError):
    """A setting that cannot start the bot; the message names the variable."""


class Mode(StrEnum):
    SANDBOX = "sandbox"
    SOCKET = "socket"
    HTTP = "http"
    OAUTH = "oauth"  # HTTP, installed through OAuth v2 into any number of workspaces


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_client_id: str | None = None
    slack_client_secret: str | None = None
    slack_api_url: str = "https://slack.com/api/"
    slack_authorize_url: str = "https://slack.com/oauth/v2/authorize"
    slack_redirect_uri: str | None = None
    database_url: str = "sqlite:///dealbot.db"
    dealbot_manager_channel: str | None = None
    dealbot_timezone: str = "Asia/Shanghai"
    dealbot_locale: str = "en"
    dealbot_admins: str = ""
    dealbot_questions_file: str | None = None
    dealbot_stages_file: str | None = None
    dealbot_work_hours: str = "09:00-18:00"
    dealbot_work_days: str = "Mon-Fri"
    dealbot_low_contact_days: int = Field(default=90, ge=1, le=3660)
    dealbot_tick_seconds: float = Field(default=30, gt=0)
    dealbot_lease_seconds: float = Field(default=120, gt=0)
    dealbot_sandbox_port: int = Field(default=3000, ge=0, le=65535)
    dealbot_dev_clock: bool = False
    dealbot_web_workers: int = Field(default=2, ge=1, le=64)
    dealbot_web_threads: int | None = Field(default=None, ge=1, le=256)  # None: matched to the cores
    dealbot_web_queue: int = Field(default=64, ge=0, le=10_000)
    dealbot_web_queue_seconds: float = Field(default=1.5, gt=0, le=2.5)
    dealbot_actor_cache_seconds: float = Field(default=5, ge=0, le=3600)
    dealbot_log_level: str = "INFO"
    # Test-only fault injection for the nudge sender (crash tests): exit the process right after the
    # Nth chat.postMessage that Slack accepted (before the commit), or right before the Nth send.
    dealbot_fault_after_send: int | None = None
    dealbot_fault_before_send: int | None = None

    @field_validator(
        "slack_bot_token",
        "slack_signing_secret",
        "slack_app_token",
        "slack_client_id",
        "slack_client_secret",
        "slack_redirect_uri",
        "dealbot_manager_channel",
        "dealbot_questions_file",
        "dealbot_stages_file",
        mode="before",
    )
    @classmethod
    def _blank_is_none(cls, v: object) -> object:
        return None if isinstance(v, str) and not v.strip() else v

    @field_validator("dealbot_timezone")
    @classmethod
    def _known_zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as e:
            raise ValueError(f"DEALBOT_TIMEZONE: unknown IANA time zone {v!r}") from e
        return v

    @field_validator("dealbot_locale")
    @classmethod
    def _known_locale(cls, v: str) -> str:
        if v not in ("en", "zh-Hans"):
            raise ValueError("DEALBOT_LOCALE must be 'en' or 'zh-Hans'")
        return v

    @field_validator("dealbot_work_hours")
    @classmethod
    def _hours(cls, v: str) -> str:
        parse_work_hours(v)
        return v

    @field_validator("dealbot_work_days")
    @classmethod
    def _days(cls, v: str) -> str:
        parse_work_days(v)
        return v

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, v: str) -> str:
        if not urlparse(v).scheme.startswith("http"):
            raise ValueError("SLACK_API_URL must be an http(s) URL")
        return v if v.endswith("/") else v + "/"

    @field_validator("slack_authorize_url")
    @classmethod
    def _authorize_url(cls, v: str) -> str:
        if not urlparse(v).scheme.startswith("http"):
            raise ValueError("SLACK_AUTHORIZE_URL must be an http(s) URL")
        return v

    # -- derived -----------------------------------------------------------------
    @property
    def admins(self) -> frozenset[str]:
        return frozenset(a.strip() for a in self.dealbot_admins.split(",") if a.strip())

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.dealbot_timezone)

    @property
    def work_hours(self) -> tuple[time, time]:
        return parse_work_hours(self.dealbot_work_hours)

    @property
    def work_days(self) -> frozenset[int]:
        return parse_work_days(self.dealbot_work_days)

    @property
    def secret_values(self) -> tuple[str, ...]:
        """The credentials, for the log formatter to mask."""
        values = (
            self.slack_bot_token,
            self.slack_signing_secret,
            self.slack_app_token,
            self.slack_client_secret,
        )
        return tuple(v for v in values if v)

    @property
    def has_credentials(self) -> bool:
        return any(
            (
                self.slack_bot_token,
                self.slack_signing_secret,
                self.slack_app_token,
                self.slack_client_id,
                self.slack_client_secret,
            )
        )

    @property
    def oauth(self) -> bool:
        """OAuth mode: every workspace's token comes from its installation (no SLACK_BOT_TOKEN)."""
        return bool(self.slack_client_id and self.slack_client_secret and not self.slack_bot_token)

    @property
    def api_is_local(self) -> bool:
        return (urlparse(self.slack_api_url).hostname or "") in LOOPBACK_HOSTS

    @property
    def has_sandbox_credentials(self) -> bool:
        """Credentials the sandbox issued, for a sandbox on loopback: the only place the dev clock runs.
        Either its bot token, or (OAuth mode, no bot token) its client secret."""
        if not self.api_is_local:
            return False
        if self.slack_bot_token:
            return self.slack_bot_token.startswith(SANDBOX_TOKEN_PREFIX)
        return (self.slack_client_secret or "").startswith(SANDBOX_CLIENT_SECRET_PREFIX)

    @property
    def web_threads(self) -> int:
        """Requests run at once per process: DEALBOT_WEB_THREADS, else the cores shared by the workers."""
        if self.dealbot_web_threads:
            return self.dealbot_web_threads
        workers = 1 if self.dealbot_dev_clock else self.dealbot_web_workers
        return max(1, (os.cpu_count() or 1) // workers)

    def resolve_mode(self, *, http: bool = False, force_sandbox: bool = False) -> Mode:
        """Decide how to run and refuse incomplete or placeholder credentials."""
        if force_sandbox or not self.has_credentials:
            return Mode.SANDBOX
        for name in CREDENTIALS:
            value = getattr(self, name.lower())
            if value is not None:
                _check_not_placeholder(name, value)
        if self.slack_client_id or self.slack_client_secret:
            mode = self._oauth_mode(http)
        else:
            mode = self._token_mode(http)
        if self.dealbot_dev_clock and not self.has_sandbox_credentials:
            raise ConfigError(
                "DEALBOT_DEV_CLOCK is only allowed with the sandbox (a loopback SLACK_API_URL and the "
                "credentials the sandbox issued), not with real Slack credentials"
            )
        return mode

    def _oauth_mode(self, http: bool) -> Mode:
        if not self.slack_client_id:
            raise ConfigError("SLACK_CLIENT_ID is missing: OAuth mode needs it with SLACK_CLIENT_SECRET")
        if not self.slack_client_secret:
            raise ConfigError("SLACK_CLIENT_SECRET is missing: OAuth mode needs it with SLACK_CLIENT_ID")
        if self.slack_bot_token:
            raise ConfigError(
                "SLACK_BOT_TOKEN is set with SLACK_CLIENT_ID: in OAuth mode each workspace's token comes "
                "from its installation; unset SLACK_BOT_TOKEN (OAuth) or SLACK_CLIENT_ID and "
                "SLACK_CLIENT_SECRET (one workspace)"
            )
        if self.slack_app_token:
            raise ConfigError("SLACK_APP_TOKEN is set with SLACK_CLIENT_ID: OAuth mode serves HTTP; unset it")
        if not http:
            raise ConfigError("SLACK_CLIENT_ID is set: OAuth mode serves HTTP, run `dealbot run --http`")
        if not self.slack_signing_secret:
            raise ConfigError("SLACK_SIGNING_SECRET is missing: HTTP mode needs it to verify requests")
        if self.dealbot_manager_channel:
            raise ConfigError(
                "DEALBOT_MANAGER_CHANNEL serves only single-workspace mode: in OAuth mode each "
                "workspace's admins pick its manager channel in App Home; unset it"
            )
        return Mode.OAUTH

    def _token_mode(self, http: bool) -> Mode:
        if not self.slack_bot_token:
            raise ConfigError(
                "SLACK_BOT_TOKEN is missing: set it (xoxb-…), or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET "
                "for OAuth, or unset every SLACK_* credential"
            )
        if http:
            if not self.slack_signing_secret:
                raise ConfigError("SLACK_SIGNING_SECRET is missing: HTTP mode needs it to verify requests")
            mode = Mode.HTTP
        elif self.slack_app_token:
            mode = Mode.SOCKET
        elif self.slack_signing_secret:
            raise ConfigError("SLACK_APP_TOKEN is missing: set it for Socket Mode, or run with --http")
        else:
            raise ConfigError(
                "SLACK_APP_TOKEN is missing: Socket Mode needs SLACK_APP_TOKEN "
                "(or run --http with SLACK_SIGNING_SECRET)"
            )
        return mode


def _check_not_placeholder(name: str, value: str) -> None:
    if PLACEHOLDER.search(value):
        raise ConfigError(f"{name} looks like a placeholder ({value[:12]}…): paste the real value")
    prefix = TOKEN_PREFIX.get(name)
    if prefix and not value.startswith(prefix):
        raise ConfigError(f"{name} must start with {prefix!r}")


def parse_work_hours(v: str) -> tuple[time, time]:
    m = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", v)
    if not m:
        raise ValueError("DEALBOT_WORK_HOURS must look like 09:00-18:00")
    h1, m1, h2, m2 = map(int, m.groups())
    try:
        start, end = time(h1, m1), time(h2, m2)
    except ValueError as e:
        raise ValueError(f"DEALBOT_WORK_HOURS: {e}") from e
    if start >= end:
        raise ValueError("DEALBOT_WORK_HOURS: the start must be before the end")
    return start, end


def parse_work_days(v: str) -> frozenset[int]:
    days: set[int] = set()
    for part in v.split(","):
        part = part.strip()
        bounds = [p.strip().title()[:3] for p in part.split("-")]
        if not part or len(bounds) > 2 or any(b not in DAY_NAMES for b in bounds):
            raise ValueError("DEALBOT_WORK_DAYS must look like Mon-Fri or Mon,Wed,Fri")
        lo, hi = DAY_NAMES.index(bounds[0]), DAY_NAMES.index(bounds[-1])
        days.update(range(lo, hi + 1) if lo <= hi else [*range(lo, 7), *range(0, hi + 1)])
    return frozenset(days)
