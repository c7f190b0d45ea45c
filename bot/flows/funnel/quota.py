"""Quotas: ``/funnel quota @rep 5000000 2027-Q1`` — managers for their reps, admins for anyone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlmodel import Session

from bot.config import Settings
from bot.flows.errors import BadInput, NotAllowed
from bot.flows.funnel.periods import EXAMPLES, Period, parse_period
from bot.flows.team.access import visible_owner_ids
from bot.flows.team.config import team_config
from bot.flows.team.mentions import as_mention
from bot.flows.team.users import Actor
from storage.repo.funnel import quota as repo

UNITS = {"万": Decimal(10_000), "亿": Decimal(100_000_000), "k": Decimal(1_000), "m": Decimal(1_000_000)}
MAX_AMOUNT = Decimal("1e15")


@dataclass(frozen=True)
class QuotaSet:
    rep_id: str
    period: Period
    amount: Decimal
    currency: str


def parse_amount(text: str) -> Decimal:
    """``5000000``, ``5,000,000``, ``500万``, ``1.2亿``, ``5M``; BadInput for anything else."""
    s = (text or "").strip().replace(",", "").replace("，", "").lower()
    factor = Decimal(1)
    if s and s[-1] in UNITS:
        factor, s = UNITS[s[-1]], s[:-1]
    try:
        value = Decimal(s) * factor
    except InvalidOperation:
        raise BadInput("funnel.quota.bad_amount") from None
    if not value.is_finite() or value <= 0 or value >= MAX_AMOUNT:
        raise BadInput("funnel.quota.bad_amount")
    return value.quantize(Decimal("0.01"))


def set_quota(session: Session, settings: Settings, actor: Actor, args: str, now: datetime) -> QuotaSet:
    if not actor.is_manager:
        raise NotAllowed("funnel.quota.managers_only")
    cfg = team_config(session, settings, actor.team_id)
    example = EXAMPLES.get(cfg.quota_period, "2027-Q1")
    parts = (args or "").split()
    if len(parts) != 3:
        raise BadInput("funnel.quota.usage", example=example)
    rep = as_mention(parts[0])
    if rep is None:
        raise BadInput("funnel.quota.no_rep", example=example)
    amount = parse_amount(parts[1])
    period = parse_period(parts[2], cfg.quota_period)
    owners = visible_owner_ids(session, actor)
    if owners is not None and rep not in owners:
        raise NotAllowed("funnel.quota.not_your_rep")
    repo.upsert_quota(
        session,
        team_id=actor.team_id,
        rep_id=rep,
        period=period.key,
        period_start=period.start,
        period_end=period.end,
        amount=amount,
        currency=cfg.base_currency,
        set_by=actor.user_id,
        now=now,
    )
    return QuotaSet(rep, period, amount, cfg.base_currency)
