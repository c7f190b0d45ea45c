"""Register a prospect (/deal new): validate what the rep gave, create the deal, start the interview."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Session

from bot.config import Settings
from bot.flows import hooks
from bot.flows.errors import BadInput
from bot.flows.qualification.interview import Step, start_or_resume, today_for
from bot.flows.qualification.parsing import Unreadable, parse_amount
from bot.flows.team.users import Actor
from bot.process import Process
from storage.repo import deals as deals_repo

CURRENCIES = ("CNY", "USD", "EUR", "GBP", "JPY", "HKD")
MAX_NAME = 200  # a deal's account and title (the register form's max_length, the card's clips)
AMOUNT_MARKS = re.compile(r"[0-9０-９¥￥$€£万亿千]")
NAME_WORDS = frozenset(
    {"co", "corp", "inc", "ltd", "llc", "plc", "gmbh", "ag", "sa", "group", "and", "of", "the"}
)


@dataclass(frozen=True)
class Draft:
    account: str = ""
    title: str = ""
    amount: str = ""  # as typed; parsed on submit
    currency: str = "CNY"
    close: date | None = None
    amount_unreadable: bool = False  # the command's last word was meant as an amount and isn't one


def meant_as_amount(word: str) -> bool:
    """The command's last word is an amount the rep tried to give (``3m``, ``abc``, ``¥3,5``), not part of
    the customer's name: it has a digit or a currency mark, or it is a lowercase Latin word that is not a
    usual part of a company name (names are capitalised: ``Wenzhou Hotel Boilers``)."""
    if AMOUNT_MARKS.search(word):
        return True
    return word.isascii() and word.isalpha() and word.islower() and word not in NAME_WORDS


def draft_from_command(args: str, base_currency: str) -> Draft:
    """``/deal new Wenzhou Hotel 3m`` -> account "Wenzhou Hotel", amount "3m" (the last word when it is
    meant as an amount; one that doesn't read as one stays in the amount field, marked unreadable). A
    name longer than the limit is refused, not cut (BadInput naming the limit)."""
    words = args.split()
    amount, unreadable = "", False
    currency = base_currency if base_currency in CURRENCIES else "CNY"
    if len(words) > 1 and meant_as_amount(words[-1]):
        try:
            parsed = parse_amount(words[-1], currency)
            currency = parsed["currency"]
        except Unreadable:
            unreadable = True
        amount, words = words[-1], words[:-1]
    account = " ".join(words)
    if len(account) > MAX_NAME:
        raise BadInput("qualification.register.errors.name_too_long", limit=MAX_NAME, n=len(account))
    return Draft(account=account, amount=amount, currency=currency, amount_unreadable=unreadable)


Message = list[tuple[str, dict]]  # catalog keys with their values, shown one after the other


class DraftErrors(Exception):
    def __init__(self, errors: dict[str, Message]) -> None:
        super().__init__(errors)
        self.errors = errors  # modal block id -> message


def amount_error(text: str, reason: str = "unreadable") -> Message:
    """ "abc isn't an amount. Type an amount, e.g. …" (other reasons: negative, zero, too large)."""
    if reason in ("unreadable", "empty", "too_long"):
        first = ("qualification.register.errors.not_amount", {"text": text[:40]})
    else:
        first = (f"qualification.reask.reason.{reason}", {})
    return [first, ("qualification.reask.expect.amount", {})]


def check_draft(draft: Draft, today: date) -> tuple[Decimal | None, str]:
    errors: dict[str, Message] = {}
    if not draft.account.strip():
        errors["account"] = [("qualification.register.errors.account", {})]
    elif len(draft.account) > MAX_NAME:
        errors["account"] = [("qualification.register.errors.too_long", {"limit": MAX_NAME})]
    if len(draft.title) > MAX_NAME:
        errors["title"] = [("qualification.register.errors.too_long", {"limit": MAX_NAME})]
    amount, currency = None, draft.currency if draft.currency in CURRENCIES else "CNY"
    if draft.amount.strip():
        try:
            parsed = parse_amount(draft.amount.strip(), currency)
            amount, currency = Decimal(parsed["amount"]), parsed["currency"]
        except Unreadable as e:
            errors["amount"] = amount_error(draft.amount.strip(), e.reason)
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
