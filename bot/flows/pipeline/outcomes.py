"""Outcomes (SPEC §2): won (full payment), lost (reason, winner, note), dropped, on hold, reopen;
and the deal's editable facts: expected close, key dates, commit flag, probability override."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlmodel import Session

from bot.config import Settings
from bot.flows import hooks
from bot.flows.errors import BadInput, MilestoneMissing, StaleCard
from bot.flows.pipeline.stage import MAX_TEXT, check_version, stage_position
from bot.flows.team.access import load_deal
from bot.flows.team.users import Actor
from bot.process import Process
from bot.process.schema import StageSet
from storage.models import Deal
from storage.repo import deals as deals_repo
from storage.repo import pipeline as repo

CLOSED = ("won", "lost", "dropped")
DATE_FIELDS = ("expected_close", "tender_date", "signing_date")
_UNITS = {"万": Decimal(10_000), "亿": Decimal(100_000_000), "k": Decimal(1_000), "m": Decimal(1_000_000)}


@dataclass(frozen=True)
class Outcome:
    deal_id: int
    status: str
    version: int


def parse_amount(text: str | None, *, field: str = "amount") -> Decimal:
    """ "3,000,000", "¥3000000", "300万", "1.5亿", "3m" -> Decimal; else BadInput naming the field."""
    raw = (text or "").strip().replace(",", "").replace("，", "").replace(" ", "")
    raw = re.sub(r"^[¥$€£]|^(CNY|USD|EUR|RMB)", "", raw, flags=re.I).removesuffix("元")
    unit = Decimal(1)
    if raw and raw[-1].lower() in _UNITS:
        unit, raw = _UNITS[raw[-1].lower()], raw[:-1]
    try:
        value = Decimal(raw) * unit
    except InvalidOperation as e:
        raise BadInput("outcomes.errors.amount", field=field) from e
    if not value.is_finite() or value <= 0 or value >= Decimal(10) ** 15:
        raise BadInput("outcomes.errors.amount", field=field)
    return value.quantize(Decimal("0.01"))


def open_for_change(session: Session, actor: Actor, deal_id: object, version: int | None) -> Deal:
    deal = load_deal(session, actor, deal_id, edit=True)
    check_version(deal, version)
    return deal


def save_versioned(session: Session, deal: Deal, version: int | None, now: datetime, **changes) -> None:
    expected = deal.version if version is None else version
    if not deals_repo.save_if_version(session, deal=deal, expected_version=expected, now=now, **changes):
        raise StaleCard(deal_id=deal.id)


def _text(value: str | None, field: str, *, required: bool = True, limit: int = MAX_TEXT) -> str | None:
    value = (value or "").strip()
    if required and not value:
        raise BadInput("outcomes.errors.required", field=field)
    if len(value) > limit:
        raise BadInput("outcomes.errors.too_long", field=field, limit=limit)
    return value or None


def _close(
    session: Session, ctx: hooks.HookContext, deal: Deal, version: int | None, status: str, **event
) -> Outcome:
    if deal.status in CLOSED:
        raise BadInput("outcomes.errors.closed", field="")
    before = deal.status
    save_versioned(session, deal, version, ctx.now, status=status, closed_at=ctx.now)
    deals_repo.add_event(
        session,
        deal=deal,
        kind=status,
        actor_id=ctx.actor_id,
        at=ctx.now,
        from_value=before,
        to_value=status,
        **event,
    )
    hooks.emit(session, "status_changed", deal, ctx, from_status=before, to_status=status)
    return Outcome(deal.id, status, deal.version)


def mark_won(
    session: Session,
    actor: Actor,
    stages: StageSet,
    deal_id: object,
    *,
    version: int | None,
    now: datetime,
    today: date,
    amount: str | None,
    paid_on: date | None,
    settings: Settings,
    process: Process,
    force_reason: str | None = None,
) -> Outcome:
    """Full payment received. From a stage before the last it skips milestones: a forced advance that
    needs a reason and raises the red flag (SPEC §2)."""
    deal = open_for_change(session, actor, deal_id, version)
    value = parse_amount(amount)
    if paid_on is None or paid_on > today:
        raise BadInput("outcomes.errors.paid_on", field="paid_on")
    if deal.status in CLOSED:
        raise BadInput("outcomes.errors.closed", field="")
    _, stage = stage_position(stages, deal.stage)
    early = stage.key != stages.last.key
    reason = _text(force_reason, "force_reason", required=False) if early else None
    if early and not reason:
        raise MilestoneMissing("outcomes.errors.won_early", stage=stage.name.get(actor.locale))
    ctx = hooks.HookContext(settings, process, now, actor.user_id)
    forced = {"forced": True, "reason": reason} if early else {}
    result = _close(session, ctx, deal, version, "won", note=f"{value} {deal.currency}", **forced)
    if early:
        repo.raise_flag(session, deal=deal, kind="forced_advance", reason=reason, by=actor.user_id, at=now)
    repo.add_payment(session, deal=deal, amount=value, paid_on=paid_on, by=actor.user_id, at=now)
    if stage.key == stages.last.key:
        repo.add_milestone(
            session,
            deal=deal,
            stage=stage.key,
            what=stage.milestone.get(actor.locale),
            evidence=None,
            met_on=paid_on,
            by=actor.user_id,
            at=now,
        )
    return result


def mark_lost(
    session: Session,
    actor: Actor,
    deal_id: object,
    *,
    version: int | None,
    now: datetime,
    reasons: tuple[str, ...],
    reason: str | None,
    competitor: str | None,
    note: str | None,
    settings: Settings,
    process: Process,
) -> Outcome:
    deal = open_for_change(session, actor, deal_id, version)
    if reason not in reasons:
        raise BadInput("outcomes.errors.reason", field="reason")
    competitor = _text(competitor, "competitor", limit=200)
    note = _text(note, "note")
    ctx = hooks.HookContext(settings, process, now, actor.user_id)
    return _close(session, ctx, deal, version, "lost", reason=reason, competitor=competitor, note=note)


def mark_dropped(
    session: Session,
    actor: Actor,
    deal_id: object,
    *,
    version: int | None,
    now: datetime,
    reason: str | None,
    settings: Settings,
    process: Process,
) -> Outcome:
    deal = open_for_change(session, actor, deal_id, version)
    ctx = hooks.HookContext(settings, process, now, actor.user_id)
    return _close(session, ctx, deal, version, "dropped", reason=_text(reason, "reason"))


def put_on_hold(
    session: Session,
    actor: Actor,
    deal_id: object,
    *,
    version: int | None,
    now: datetime,
    today: date,
    new_close: date | None,
    note: str | None,
    settings: Settings,
    process: Process,
) -> Outcome:
    """Put an open deal on hold, or keep a held one on hold to a new date (its wake-up moves there)."""
    deal = open_for_change(session, actor, deal_id, version)
    if deal.status not in ("open", "on_hold"):
        raise BadInput("outcomes.errors.not_open", field="")
    if new_close is None or new_close <= today:
        raise BadInput("outcomes.errors.future_date", field="expected_close")
    note = _text(note, "note", required=False)
    before, was = deal.expected_close, deal.status
    save_versioned(session, deal, version, now, status="on_hold", expected_close=new_close)
    deals_repo.add_event(
        session,
        deal=deal,
        kind="on_hold",
        actor_id=actor.user_id,
        at=now,
        from_value=before.isoformat() if before else None,
        to_value=new_close.isoformat(),
        note=note,
    )
    ctx = hooks.HookContext(settings, process, now, actor.user_id)
    if was == "open":
        hooks.emit(session, "status_changed", deal, ctx, from_status="open", to_status="on_hold")
    hooks.emit(session, "dates_changed", deal, ctx, fields=["expected_close"])
    return Outcome(deal.id, "on_hold", deal.version)


def reopen(
    session: Session,
    actor: Actor,
    deal_id: object,
    *,
    version: int | None,
    now: datetime,
    note: str | None = None,
    settings: Settings,
    process: Process,
) -> Outcome:
    deal = open_for_change(session, actor, deal_id, version)
    if deal.status == "open":
        raise BadInput("outcomes.errors.already_open", field="")
    before = deal.status
    save_versioned(session, deal, version, now, status="open", closed_at=None)
    deals_repo.add_event(
        session,
        deal=deal,
        kind="reopened",
        actor_id=actor.user_id,
        at=now,
        from_value=before,
        to_value="open",
        note=_text(note, "note", required=False),
    )
    ctx = hooks.HookContext(settings, process, now, actor.user_id)
    hooks.emit(session, "status_changed", deal, ctx, from_status=before, to_status="open")
    return Outcome(deal.id, "open", deal.version)
