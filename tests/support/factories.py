"""Rows created directly through storage, for tests of features that read what others write."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlmodel import Session

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
