"""Register a prospect (/deal new): validate what the rep gave, create the deal, start the interview."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Session

from bot.config import Settings
from bot.flows import hooks
from bot.flows.qualification.interview import Step, start_or_resume, today_for
from bot.flows.qualification.parsing import Unreadable, parse_amount
from bot.flows.team.users import Actor
from bot.process import Process
from storage.repo import deals as deals_repo

CURRENCIES = ("CNY", "USD", "EUR", "GBP", "JPY", "HKD")


@dataclass(frozen=True)
class Draft:
    account: str = ""
    title: str = ""
    amount: str = ""  # as typed; parsed on submit
    currency: str = "CNY"
    close: date | None = None


def draft_from_command(args: str, base_currency: str) -> Draft:
    """``/deal new Wenzhou Hotel 3m`` -> account "Wenzhou Hotel", amount "3m" (the last word if it reads
    as an amount)."""
    words = args.split()
    amount = ""
    currency = base_currency if base_currency in CURRENCIES else "CNY"
    if len(words) > 1:
        try:
            parsed = parse_amount(words[-1], currency)
            amount, currency = words[-1], parsed["currency"]
            words = words[:-1]
        except Unreadable:
            pass
    return Draft(account=" ".join(words)[:200], amount=amount, currency=currency)


Message = list[tuple[str, dict]]  # catalog keys with their values, shown one after the other


class DraftErrors(Exception):
    def __init__(self, errors: dict[str, Message]) -> None:
        super().__init__(errors)
        self.errors = errors  # modal block id -> message


def check_draft(draft: Draft, today: date) -> tuple[Decimal | None, str]:
    errors: dict[str, Message] = {}
    if not draft.account.strip():
        errors["account"] = [("qualification.register.errors.account", {})]
    elif len(draft.account) > 200:
        errors["account"] = [("qualification.register.errors.too_long", {"limit": 200})]
    if len(draft.title) > 200:
        errors["title"] = [("qualification.register.errors.too_long", {"limit": 200})]
    amount, currency = None, draft.currency if draft.currency in CURRENCIES else "CNY"
    if draft.amount.strip():
        try:
            parsed = parse_amount(draft.amount.strip(), currency)
            amount, currency = Decimal(parsed["amount"]), parsed["currency"]
        except Unreadable as e:
            errors["amount"] = [
                (f"qualification.reask.reason.{e.reason}", {}),
                ("qualification.reask.expect.amount", {}),
            ]
    if draft.close is not None and draft.close < today:
        errors["close"] = [("qualification.reask.reason.past", {}), ("qualification.reask.expect.date", {})]
    if errors:
        raise DraftErrors(errors)
    return amount, currency


def register(
    session: Session,
    actor: Actor,
    draft: Draft,
    now: datetime,
    first_stage: str,
    *,
    settings: Settings,
    process: Process,
) -> Step:
    """Create the deal (owner = the rep, first stage), emit ``created``, and start its interview."""
    amount, currency = check_draft(draft, today_for(actor, now))
    deal = deals_repo.create_deal(
        session,
        team_id=actor.team_id,
        owner_id=actor.user_id,
        now=now,
        account=draft.account.strip(),
        title=draft.title.strip(),
        amount=amount,
        currency=currency,
        stage=first_stage,
        expected_close=draft.close,
    )
    hooks.emit(session, "created", deal, hooks.HookContext(settings, process, now, actor.user_id))
    return start_or_resume(session, actor, deal.id, now, settings=settings, process=process)
