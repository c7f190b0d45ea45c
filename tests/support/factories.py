"""Rows created directly through storage, for tests of features that read what others write."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from functools import cache

from sqlmodel import Session

from bot.config import Settings
from bot.flows.hooks import HookContext
from bot.process import Process, load_process
from storage.models import Deal
from storage.repo.deals import create_deal

T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)  # a Monday, 09:00 in Asia/Shanghai


def make_deal(
    session: Session,
    *,
    team_id: str = "T0SANDBOX",
    owner_id: str = "U0REP1",
    now: datetime = T0,
    account: str = "Wenzhou Hotel",
    title: str = "Boilers",
    amount: int | Decimal | None = 1_000_000,
    **fields,
) -> Deal:
    return create_deal(
        session,
        team_id=team_id,
        owner_id=owner_id,
        now=now,
        account=account,
        title=title,
        amount=None if amount is None else Decimal(amount),
        **fields,
    )


@cache
def _environment() -> tuple[Settings, Process]:
    settings = Settings()  # the test process's environment, as the bot would read its own
    return settings, load_process(settings)


def hook_context(
    now: datetime = T0, actor_id: str | None = "U0REP1", settings: Settings | None = None
) -> HookContext:
    """What an emitter hands the deal-hook listeners: settings (given, else the environment's), the
    process they name, the instant and who acted."""
    if settings is None:
        return HookContext(*_environment(), now, actor_id)
    return HookContext(settings, load_process(settings), now, actor_id)
