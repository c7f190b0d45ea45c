"""Regrade a deal in the same transaction when its expected close date changes (SPEC §3.4).

Emitters of ``dates_changed`` pass ``fields`` (the date fields changed) and may pass ``cause``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlmodel import Session

from bot.flows import hooks
from bot.flows.qualification.grading import regrade
from storage.models import Deal


@hooks.on("dates_changed")
def regrade_on_dates_changed(session: Session, deal: Deal, ctx: hooks.HookContext, **info: Any) -> None:
    fields = info.get("fields")
    if fields is not None and "expected_close" not in fields:
        return
    close = deal.expected_close.isoformat() if deal.expected_close else "none"
    cause = info.get("cause") or f"expected close changed to {close}"
    regrade(session, deal, replace(ctx, actor_id=ctx.actor_id or deal.owner_id), cause=cause)
