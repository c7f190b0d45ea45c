"""OAuth v2 with Bolt's own machinery: one deployment installed into any number of workspaces.

- Bolt's ``OAuthFlow`` serves ``GET /slack/install`` (the "Add to Slack" page: client id, the
  manifest's bot scopes, a state in the store and in a cookie) and ``GET /slack/oauth_redirect``
  (state + cookie checked, ``oauth.v2.access``, the installation stored, a success or failure page).
- slack_sdk's SQLAlchemy installation and state stores run on dealbot's engine; their tables come from
  dealbot's migration (``storage/models.py`` builds them with the stores' own builders).
- ``InstallationStoreAuthorize`` (bot only, its result cache on: no ``auth.test`` per request) gives
  each request its workspace's bot token; a rotating installation is refreshed one at a time per
  installation (``SerializedRotator``: a thread lock and a database lock), also for scheduled jobs.
- The installing user becomes the workspace's first admin (``membership``, role ``admin``).
- ``Workspaces`` is what scheduled jobs ask: which workspaces are installed, and a client with each
  one's token (``OneWorkspace`` in single-workspace mode: the environment's token for every team).
"""

from __future__ import annotations

import fcntl
import hashlib
import html
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from time import time
from typing import Any

import yaml
from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.oauth import OAuthFlow
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Bot
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy import select, text
from sqlalchemy.engine import Engine

from bot.config import Settings
from bot.i18n import LOCALES, normalize_locale, t
from storage.db import session_scope
from storage.models import SLACK_BOTS
from storage.repo import roles as roles_repo

log = logging.getLogger(__name__)
MANIFEST = Path(__file__).resolve().parents[1] / "manifest.yaml"
REFRESH_MINUTES = 120  # refresh a rotating token this long before it expires (Bolt's default)
STATE_SECONDS = 600


def manifest_bot_scopes(path: Path = MANIFEST) -> list[str]:
    """The bot scopes the installed app asks for: manifest.yaml's, the one place they are declared."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return list(data["oauth_config"]["scopes"]["bot"])


# --------------------------------------------------------------------------- one refresh at a time
class InstallationLocks:
    """Held while an installation's token is refreshed: refresh tokens are single-use, so two
    refreshes of one installation at once would lose it. A thread lock inside the process; across
    processes a PostgreSQL advisory lock, or on SQLite an exclusive lock on a file by the database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}

    def _thread_lock(self, key: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    @contextmanager
    def hold(self, enterprise_id: str | None, team_id: str | None) -> Iterator[None]:
        key = f"{enterprise_id or ''}-{team_id or ''}"
        with self._thread_lock(key), self._process_lock(key):
            yield

    @contextmanager
    def _process_lock(self, key: str) -> Iterator[None]:
        dialect = self.engine.dialect.name
        if dialect == "postgresql":
            number = int.from_bytes(
                hashlib.sha256(f"dealbot-oauth:{key}".encode()).digest()[:8], "big", signed=True
            )
            with self.engine.connect() as conn:
                conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": number})
                conn.commit()
                try:
                    yield
                finally:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": number})
                    conn.commit()
        elif dialect == "sqlite" and self.engine.url.database not in (None, "", ":memory:"):
            path = Path(f"{self.engine.url.database}.oauth-refresh.lock")
            with path.open("a+") as f:
                fcntl.flock(f, fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(f, fcntl.LOCK_UN)
        else:
            yield


class SerializedRotator(TokenRotator):
    """slack_sdk's TokenRotator, run under the installation's lock: it re-reads the stored bot first,
    so a second caller finds the token another one just refreshed instead of spending the refresh
    token again, and saves what it got before the lock is let go."""

    def __init__(
        self, *, store: CachedInstallationStore, locks: InstallationLocks, client: WebClient, **kw: Any
    ) -> None:
        super().__init__(client=client, **kw)
        self.store = store
        self.locks = locks

    def perform_bot_token_rotation(self, *, bot: Bot, minutes_before_expiration: int = 120) -> Bot | None:
        if not _expiring(bot, minutes_before_expiration):
            return None
        with self.locks.hold(bot.enterprise_id, bot.team_id):
            latest = self.store.find_bot_stored(enterprise_id=bot.enterprise_id, team_id=bot.team_id)
            if latest is None:
                return None  # uninstalled meanwhile
            if latest.bot_token != bot.bot_token and not _expiring(latest, minutes_before_expiration):
                return latest  # refreshed by someone else while we waited
            refreshed = super().perform_bot_token_rotation(
                bot=latest, minutes_before_expiration=minutes_before_expiration
            )
            if refreshed is not None:
                self.store.save_bot(refreshed)
                log.info("refreshed the bot token of workspace %s", bot.team_id)
            return refreshed


def _expiring(bot: Bot, minutes: int) -> bool:
    return bot.bot_token_expires_at is not None and bot.bot_token_expires_at <= time() + minutes * 60


# --------------------------------------------------------------------------- the pages
def _locale(request: BoltRequest, fallback: str) -> str:
    accepted = (request.headers.get("accept-language") or [""])[0]
    first = accepted.split(",")[0].strip()
    return normalize_locale(first, fallback) if first else fallback


def page(title: str, body: str, locale: str) -> str:
    lang = locale if locale in LOCALES else "en"
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>"
        "body{font-family:system-ui,-apple-system,'Segoe UI','Noto Sans CJK SC',sans-serif;max-width:36rem;"
        "margin:4rem auto;padding:0 1rem;color:#1d1c1d;line-height:1.5}"
        "a.button{display:inline-block;background:#4a154b;color:#fff;padding:.6rem 1.2rem;border-radius:6px;"
        "text-decoration:none;font-weight:600}</style></head>"
        f"<body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )


class DealbotOAuthFlow(OAuthFlow):
    """Bolt's OAuthFlow with dealbot's own (translated) "Add to Slack" page."""

    default_locale = "en"

    def build_install_page_html(self, url: str, request: BoltRequest) -> str:
        locale = _locale(request, self.default_locale)
        scopes = ", ".join(self.settings.scopes or [])
        body = (
            f"<p>{html.escape(t('install.lead', locale))}</p>"
            f"<p><small>{html.escape(t('install.scopes', locale, scopes=scopes))}</small></p>"
            f'<p><a class="button" id="add-to-slack" href="{html.escape(url)}">'
            f"{html.escape(t('install.button', locale))}</a></p>"
        )
        return page(t("install.title", locale), body, locale)


def callback_options(settings: Settings, engine: Engine, clock: Any) -> CallbackOptions:  # noqa: ANN401
    def success(args: SuccessArgs) -> BoltResponse:
        inst = args.installation
        if inst.team_id and inst.user_id:
            with session_scope(engine) as s:
                roles_repo.set_role(
                    s,
                    team_id=inst.team_id,
                    user_id=inst.user_id,
                    role="admin",
                    by=inst.user_id,
                    at=clock.now(),
                )
        log.info("installed into workspace %s (%s) by %s", inst.team_id, inst.team_name, inst.user_id)
        locale = _locale(args.request, settings.dealbot_locale)
        team = html.escape(inst.team_name or inst.team_id or "")
        link = f"slack://app?team={inst.team_id}&id={inst.app_id}"
        body = (
            f"<p>{t('install.success_body', locale, team=f'<strong>{team}</strong>')}</p>"
            f'<p><a class="button" href="{html.escape(link)}">{html.escape(t("install.success_open", locale))}</a></p>'
        )
        return BoltResponse(
            status=200,
            body=page(t("install.success_title", locale), body, locale),
            headers={
                "Content-Type": "text/html; charset=utf-8",
                "Set-Cookie": [args.settings.state_utils.build_set_cookie_for_deletion()],
            },
        )

    def failure(args: FailureArgs) -> BoltResponse:
        log.warning("installation failed: %s", args.reason)
        locale = _locale(args.request, settings.dealbot_locale)
        known = f"install.failure.{args.reason}" in _failure_keys()
        message = (
            t(f"install.failure.{args.reason}", locale)
            if known
            else t("install.failure.other", locale, reason=args.reason)
        )
        retry = html.escape(args.settings.install_path)
        body = (
            f"<p>{html.escape(message)}</p>"
            f'<p><a class="button" href="{retry}">{html.escape(t("install.failure_retry", locale))}</a></p>'
        )
        return BoltResponse(
            status=args.suggested_status_code,
            body=page(t("install.failure_title", locale), body, locale),
            headers={
                "Content-Type": "text/html; charset=utf-8",
                "Set-Cookie": [args.settings.state_utils.build_set_cookie_for_deletion()],
            },
        )

    return CallbackOptions(success=success, failure=failure)


FAILURES = (
    "access_denied",
    "invalid_browser",
    "invalid_state",
    "missing_code",
    "invalid_code",
    "storage_error",
)


def _failure_keys() -> set[str]:
    return {f"install.failure.{r}" for r in FAILURES}


# --------------------------------------------------------------------------- the store, cached per process
BOT_CACHE_SECONDS = 5.0  # how long a process reuses a workspace's bot row (like the actor cache)


class CachedInstallationStore(SQLAlchemyInstallationStore):
    """slack_sdk's SQLAlchemy store whose ``find_bot`` (asked by ``InstallationStoreAuthorize`` on every
    request) is kept for BOT_CACHE_SECONDS per workspace in this process, instead of a query per request.
    Whatever this process saves or deletes drops the cache at once; another process's change (an
    uninstall, a rotated token) is seen within BOT_CACHE_SECONDS — a rotated-out token stays valid far
    longer, and an uninstalled workspace's requests are refused by Slack anyway."""

    def __init__(self, *args: Any, ttl: float = BOT_CACHE_SECONDS, **kwargs: Any) -> None:  # noqa: ANN401
        super().__init__(*args, **kwargs)
        self._ttl = ttl
        self._bots: dict[tuple, tuple[float, Any]] = {}
        self._bots_lock = threading.Lock()

    def find_bot(self, *, enterprise_id: str | None, team_id: str | None,
                 is_enterprise_install: bool | None = False):  # noqa: ANN201  # fmt: skip
        key = (enterprise_id, team_id, bool(is_enterprise_install))
        now = time()
        with self._bots_lock:
            hit = self._bots.get(key)
        if hit is not None and now - hit[0] < self._ttl:
            return hit[1]
        bot = super().find_bot(enterprise_id=enterprise_id, team_id=team_id,
                               is_enterprise_install=is_enterprise_install)  # fmt: skip
        if bot is not None:  # a workspace not (yet) installed is asked again next time
            with self._bots_lock:
                self._bots[key] = (now, bot)
        return bot

    def find_bot_stored(self, *, enterprise_id: str | None, team_id: str | None) -> Bot | None:
        """The row as stored now (the rotator's re-read under the installation's lock), and cached."""
        self._forget()
        return self.find_bot(enterprise_id=enterprise_id, team_id=team_id)

    def _forget(self) -> None:
        with self._bots_lock:
            self._bots.clear()

    def save(self, installation):  # noqa: ANN001, ANN201
        self._forget()
        return super().save(installation)

    def save_bot(self, bot):  # noqa: ANN001, ANN201
        self._forget()
        return super().save_bot(bot)

    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self._forget()
        super().delete_bot(enterprise_id=enterprise_id, team_id=team_id)

    def delete_installation(self, *, enterprise_id: str | None, team_id: str | None,
                            user_id: str | None = None) -> None:  # fmt: skip
        self._forget()
        super().delete_installation(enterprise_id=enterprise_id, team_id=team_id, user_id=user_id)

    def delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self._forget()
        super().delete_all(enterprise_id=enterprise_id, team_id=team_id)


# --------------------------------------------------------------------------- assembly
@dataclass
class OAuth:
    installation_store: CachedInstallationStore
    state_store: SQLAlchemyOAuthStateStore
    authorize: InstallationStoreAuthorize
    flow: DealbotOAuthFlow
    workspaces: InstalledWorkspaces


def build_oauth(settings: Settings, engine: Engine, clock: Any, client: WebClient) -> OAuth:  # noqa: ANN401
    """Everything passed to Bolt explicitly (Bolt would otherwise read SLACK_CLIENT_ID/SECRET from the
    environment and build a file-based setup). ``client`` carries SLACK_API_URL, used by
    ``oauth.v2.access``, ``auth.test`` and every refresh."""
    client_id, client_secret = settings.slack_client_id or "", settings.slack_client_secret or ""
    store = CachedInstallationStore(client_id=client_id, engine=engine, logger=log)
    states = SQLAlchemyOAuthStateStore(expiration_seconds=STATE_SECONDS, engine=engine, logger=log)
    locks = InstallationLocks(engine)
    authorize = InstallationStoreAuthorize(
        logger=logging.getLogger("slack_bolt"),
        installation_store=store,
        client_id=client_id,
        client_secret=client_secret,
        token_rotation_expiration_minutes=REFRESH_MINUTES,
        bot_only=True,
        cache_enabled=True,  # no auth.test per request: once per token and process
        client=client,
    )
    rotator = SerializedRotator(
        store=store, locks=locks, client=client, client_id=client_id, client_secret=client_secret
    )
    authorize.token_rotator = rotator
    oauth_settings = OAuthSettings(
        client_id=client_id,
        client_secret=client_secret,
        scopes=manifest_bot_scopes(),
        user_scopes=[],
        redirect_uri=settings.slack_redirect_uri,
        install_path="/slack/install",
        redirect_uri_path="/slack/oauth_redirect",
        authorization_url=settings.slack_authorize_url,
        installation_store=store,
        installation_store_bot_only=True,
        token_rotation_expiration_minutes=REFRESH_MINUTES,
        state_store=states,
        state_expiration_seconds=STATE_SECONDS,
        callback_options=callback_options(settings, engine, clock),
        logger=logging.getLogger("slack_bolt"),
    )
    flow = DealbotOAuthFlow(client=client, logger=logging.getLogger("slack_bolt"), settings=oauth_settings)
    flow.default_locale = settings.dealbot_locale
    workspaces = InstalledWorkspaces(settings, store, rotator)
    return OAuth(store, states, authorize, flow, workspaces)


# --------------------------------------------------------------------------- for scheduled jobs
class OneWorkspace:
    """Single-workspace mode: the environment's bot token serves every row."""

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def installed(self) -> frozenset[str] | None:
        return None  # no filter

    def client_for(self, team_id: str) -> WebClient | None:
        return self.client


class InstalledWorkspaces:
    """OAuth mode: the workspaces with a stored bot installation, each with its own (refreshed) token."""

    def __init__(
        self, settings: Settings, store: SQLAlchemyInstallationStore, rotator: SerializedRotator
    ) -> None:
        self.settings = settings
        self.store = store
        self.rotator = rotator
        self._clients: dict[str, WebClient] = {}
        self._lock = threading.Lock()

    def installed(self) -> frozenset[str]:
        q = select(SLACK_BOTS.c.team_id).where(
            SLACK_BOTS.c.client_id == self.store.client_id, SLACK_BOTS.c.bot_token.is_not(None)
        )
        with self.store.engine.connect() as conn:
            return frozenset(r[0] for r in conn.execute(q.distinct()) if r[0])

    def client_for(self, team_id: str) -> WebClient | None:
        """A client with the workspace's current bot token; None when it is not (or no longer) installed."""
        bot = self.store.find_bot(enterprise_id=None, team_id=team_id)
        if bot is None or not bot.bot_token:
            return None
        if bot.bot_refresh_token:
            bot = (
                self.rotator.perform_bot_token_rotation(bot=bot, minutes_before_expiration=REFRESH_MINUTES)
                or bot
            )
        return self._client(bot.bot_token)

    def _client(self, token: str) -> WebClient:
        from bot.app import make_client

        with self._lock:
            if token not in self._clients:
                self._clients[token] = make_client(self.settings, token)
            return self._clients[token]


class ScopedWorkspaces:
    """Only some workspaces (``Deps.teams``: the sandbox's own) of what a job would otherwise serve."""

    def __init__(self, inner: OneWorkspace | InstalledWorkspaces, teams: frozenset[str]) -> None:
        self.inner = inner
        self.teams = teams

    def installed(self) -> frozenset[str]:
        inner = self.inner.installed()
        return self.teams if inner is None else inner & self.teams

    def client_for(self, team_id: str) -> WebClient | None:
        return self.inner.client_for(team_id) if team_id in self.teams else None


def workspaces(
    deps: Any,  # noqa: ANN401
    client: WebClient,
) -> OneWorkspace | InstalledWorkspaces | ScopedWorkspaces:
    """What a scheduled job serves: the installed workspaces (OAuth), else the one of ``client``;
    limited to ``deps.teams`` when set (the sandbox never touches another workspace's rows)."""
    oauth = getattr(deps, "oauth", None)
    served = oauth.workspaces if oauth is not None else OneWorkspace(client)
    teams = getattr(deps, "teams", None)
    return served if teams is None else ScopedWorkspaces(served, teams)
