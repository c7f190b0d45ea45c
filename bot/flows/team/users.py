"""Who is asking: their zone, locale and role, cached from users.info (refreshed by user_change)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session

from bot.config import Settings
from bot.i18n import normalize_locale
from storage.repo import users as repo

PROFILE_MAX_AGE = timedelta(days=7)


@dataclass(frozen=True)
class Actor:
    team_id: str
    user_id: str
    locale: str
    tz: str
    is_admin: bool = False
    role: str = "rep"

    @property
    def is_manager(self) -> bool:
        return self.role == "manager" or self.is_admin


def profile_fields(user: dict) -> dict:
    """The fields we keep from a Slack user object (users.info / user_change); a field of the wrong
    type, or a zone no one knows, is left out rather than stored."""
    profile = user.get("profile") if isinstance(user.get("profile"), dict) else {}
    fields = {
        "name": _text(user.get("name"), 255) or "",
        "real_name": (_text(user.get("real_name"), 255) or _text(profile.get("real_name"), 255) or ""),
        "tz": _zone(user.get("tz")),
        "locale": _text(user.get("locale"), 16),
        "is_admin": bool(user.get("is_admin")),
        "is_owner": bool(user.get("is_owner")),
        "is_bot": bool(user.get("is_bot")),
        "deleted": bool(user.get("deleted")),
    }
    # user_change payloads may omit tz or locale: never erase what we knew
    return {k: v for k, v in fields.items() if not (k in ("tz", "locale") and v is None)}


def _text(value: object, limit: int) -> str | None:
    return value[:limit] if isinstance(value, str) else None


def _zone(value: object) -> str | None:
    if not isinstance(value, str) or not value or len(value) > 64:
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return value


def cached_actor(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    now: datetime,
    default_locale: str,
    default_tz: str,
    admins: frozenset[str],
) -> Actor | None:
    """The Actor from what is stored, or None when the profile is missing or older than a week
    (then the caller fetches users.info and calls resolve_actor). Reads only: one query."""
    facts = repo.actor_facts(session, team_id=team_id, user_id=user_id)
    if _stale(facts.fetched_at, now):
        return None
    return _actor(facts, team_id, user_id, default_locale, default_tz, admins)


def resolve_actor(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    now: datetime,
    fetch_user: Callable[[str], dict | None],
    default_locale: str,
    default_tz: str,
    admins: frozenset[str],
    settings: Settings,
) -> Actor:
    facts = repo.actor_facts(session, team_id=team_id, user_id=user_id)
    if _stale(facts.fetched_at, now):
        fetched = fetch_user(user_id)
        if fetched is not None:
            old_tz = facts.tz
            repo.upsert_user(session, team_id=team_id, user_id=user_id, now=now, **profile_fields(fetched))
            facts = repo.actor_facts(session, team_id=team_id, user_id=user_id)
            _zone_changed(session, settings, team_id, user_id, old_tz, facts.tz)
    return _actor(facts, team_id, user_id, default_locale, default_tz, admins)


def _stale(fetched_at: datetime | None, now: datetime) -> bool:
    return fetched_at is None or now - fetched_at > PROFILE_MAX_AGE


def _actor(
    facts,  # noqa: ANN001  (repo.actor_facts row)
    team_id: str,
    user_id: str,
    default_locale: str,
    default_tz: str,
    admins: frozenset[str],
) -> Actor:
    is_admin = user_id in admins or bool(facts.is_admin or facts.is_owner)
    role = facts.role or "rep"
    return Actor(
        team_id=team_id,
        user_id=user_id,
        locale=normalize_locale(facts.locale, facts.team_locale or default_locale),
        tz=facts.tz or facts.team_tz or default_tz,
        is_admin=is_admin or role == "admin",
        role="admin" if is_admin else role,
    )


def refresh_profile(session: Session, settings: Settings, *, team_id: str, user: dict, now: datetime) -> None:
    """Apply a user_change event: keep zone and locale current (and pending nudges on the new zone)."""
    old = repo.get_user(session, team_id=team_id, user_id=user["id"])
    old_tz = old.tz if old else None
    row = repo.upsert_user(session, team_id=team_id, user_id=user["id"], now=now, **profile_fields(user))
    _zone_changed(session, settings, team_id, user["id"], old_tz, row.tz)


def _zone_changed(
    session: Session, settings: Settings, team_id: str, user_id: str, old: str | None, new: str | None
) -> None:
    if new and new != old:
        from bot.flows.followups.planning import rezone_owner

        rezone_owner(session, settings, team_id, user_id)
