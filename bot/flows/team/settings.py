"""Admin settings per workspace (App Home): validated, stored in TeamSettings, read via team_config."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session

from bot.flows.errors import BadInput
from bot.flows.team.roles import require_admin
from bot.flows.team.users import Actor
from bot.process.stages import SHIPPED
from storage.repo import roles as repo

CHANNEL = re.compile(r"^[CG][A-Z0-9]{2,20}$")
HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def validate_settings(raw: dict) -> dict:
    """Raw modal values -> TeamSettings fields; BadInput names the first bad field (its block id)."""
    out: dict = {}
    channel = (raw.get("manager_channel") or "").strip() or None
    if channel is not None and not CHANNEL.match(channel):
        raise BadInput("settings.errors.channel", field="manager_channel")
    out["manager_channel"] = channel
    day = raw.get("digest_weekday")
    if day not in (None, "") and str(day) not in {str(i) for i in range(7)}:
        raise BadInput("settings.errors.weekday", field="digest_weekday")
    out["digest_weekday"] = None if day in (None, "") else int(day)
    at = (raw.get("digest_time") or "").strip()
    if at and not HHMM.match(at):
        raise BadInput("settings.errors.time", field="digest_time")
    out["digest_time"] = f"{int(at.split(':')[0]):02d}:{at.split(':')[1]}" if at else None
    out["timezone"] = _zone((raw.get("timezone") or "").strip() or None)
    locale = raw.get("locale") or None
    if locale not in (None, "en", "zh-Hans"):
        raise BadInput("settings.errors.locale", field="locale")
    out["locale"] = locale
    out["pass_line"] = _pass_line(raw.get("pass_line"))
    stage_set = raw.get("stage_set") or None
    if stage_set is not None and stage_set not in SHIPPED:
        raise BadInput("settings.errors.stage_set", field="stage_set")
    out["stage_set"] = stage_set
    if "low_contact_days" in raw:  # the light touch of a lower-contact deal (SPEC §3.3)
        out["low_contact_days"] = _low_contact_days(raw.get("low_contact_days"))
    if "typical_deal_size" in raw:  # the plan's deal size when no signed history exists (SPEC §13)
        out["typical_deal_size"] = _deal_size(raw.get("typical_deal_size"))
    if "selling_prompt" in raw:  # the end-of-day time-for-selling prompt (off by default)
        value = raw.get("selling_prompt") or "off"
        if value not in ("on", "off"):
            raise BadInput("settings.errors.selling_prompt", field="selling_prompt")
        out["selling_prompt"] = value == "on"
    return out


def _deal_size(value: object) -> Decimal | None:
    text = str(value or "").strip().replace(",", "")
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation as e:
        raise BadInput("settings.errors.typical_deal_size", field="typical_deal_size") from e
    if not amount.is_finite() or amount <= 0 or amount >= Decimal("1e15"):
        raise BadInput("settings.errors.typical_deal_size", field="typical_deal_size")
    return amount.quantize(Decimal("0.01"))


def _low_contact_days(value: object) -> int | None:
    text = str(value or "").strip()
    if not text:
        return None  # the environment's default (DEALBOT_LOW_CONTACT_DAYS)
    if not text.isdigit() or not 1 <= int(text) <= 3660:
        raise BadInput("settings.errors.low_contact_days", field="low_contact_days")
    return int(text)


def _zone(name: str | None) -> str | None:
    if name is None:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise BadInput("settings.errors.timezone", field="timezone") from e
    return name


def _pass_line(value: object) -> int | None:
    text = str(value or "").strip()
    if not text:
        return None
    if not text.isdigit() or not 0 <= int(text) <= 100:
        raise BadInput("settings.errors.pass_line", field="pass_line")
    return int(text)


def save_settings(session: Session, actor: Actor, raw: dict, *, now: datetime) -> dict:
    require_admin(actor)
    fields = validate_settings(raw)
    repo.save_team_settings(session, team_id=actor.team_id, by=actor.user_id, at=now, **fields)
    return fields
