"""Edit a deal's plan: expected close, key dates (tender, signing), commitment (for the current quota
period: it lapses when the period ends), probability override, next step. A change of expected close or a key date emits ``dates_changed`` (regrading, reminders)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from bot.config import Settings
from bot.flows import hooks
from bot.flows.errors import BadInput
from bot.flows.funnel.weighting import current_period
from bot.flows.pipeline.outcomes import DATE_FIELDS, open_for_change, save_versioned
from bot.flows.team.config import team_config
from bot.flows.team.users import Actor
from bot.process import Process
from storage.repo import deals as deals_repo


@dataclass(frozen=True)
class Edited:
    deal_id: int
    changed: tuple[str, ...]
    version: int


def parse_probability(text: str | None) -> int | None:
    text = (text or "").strip().removesuffix("%").strip()
    if not text:
        return None
    if not text.isdigit() or not 0 <= int(text) <= 100:
        raise BadInput("outcomes.errors.probability", field="probability")
    return int(text)


def edit_deal(
    session: Session,
    actor: Actor,
    deal_id: object,
    *,
    version: int | None,
    now: datetime,
    today: date,
    expected_close: date | None,
    tender_date: date | None,
    signing_date: date | None,
    committed: bool,
    probability: str | None,
    next_step: str | None,
    next_step_date: date | None,
    settings: Settings,
    process: Process,
) -> Edited:
    deal = open_for_change(session, actor, deal_id, version)
    period = current_period(team_config(session, settings, deal.team_id), now).key
    if expected_close is not None and expected_close < today and expected_close != deal.expected_close:
        raise BadInput("outcomes.errors.past_date", field="expected_close")
    next_step = (next_step or "").strip()
    if len(next_step) > 500:
        raise BadInput("outcomes.errors.too_long", field="next_step", limit=500)
    wanted = {
        "expected_close": expected_close,
        "tender_date": tender_date,
        "signing_date": signing_date,
        "committed": bool(committed),
        "commit_period": period if committed else None,  # a commitment is for the quota period
        "probability_override": parse_probability(probability),
        "next_step": next_step or None,
        "next_step_date": next_step_date,
    }
    changes = {k: v for k, v in wanted.items() if getattr(deal, k) != v}
    if not changes:
        return Edited(deal.id, (), deal.version)
    save_versioned(session, deal, version, now, **changes)
    summary = ", ".join(f"{k}={v}" for k, v in changes.items())
    deals_repo.add_event(session, deal=deal, kind="edit", actor_id=actor.user_id, at=now, note=summary[:2000])
    dates = [k for k in DATE_FIELDS if k in changes]
    if dates:
        ctx = hooks.HookContext(settings, process, now, actor.user_id)
        hooks.emit(session, "dates_changed", deal, ctx, fields=dates)
    return Edited(deal.id, tuple(changes), deal.version)
