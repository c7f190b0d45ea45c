"""What the verdict card's own buttons do: pursue, or keep at a lower contact level (SPEC §3.3).

Drop and "advance anyway" are the pipeline's dialogs (shared ids ACT_DROP_OPEN / ACT_ADVANCE_OPEN).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.config import Settings
from bot.flows.errors import BadInput, StaleCard
from bot.flows.pipeline import contact
from bot.flows.team import access
from bot.flows.team.users import Actor
from bot.process import Process
from storage.repo import deals as deals_repo


@dataclass(frozen=True)
class VerdictDone:
    deal_id: int
    account: str
    what: str  # pursue | lower | find_out
    flagged: bool = False


def _set_contact(session: Session, actor: Actor, deal_id: Any, level: str, now: datetime):  # noqa: ANN202
    deal = access.load_deal(session, actor, deal_id, edit=True)
    if deal.status != "open":
        raise BadInput("qualification.verdict.not_open")
    if deal.contact_level != level and not deals_repo.save_if_version(
        session, deal=deal, expected_version=deal.version, now=now, contact_level=level
    ):
        raise StaleCard()
    return deal


def pursue(session: Session, actor: Actor, deal_id: Any, now: datetime) -> VerdictDone:
    deal = _set_contact(session, actor, deal_id, "normal", now)
    deals_repo.add_event(session, deal=deal, kind="edit", actor_id=actor.user_id, at=now,
                         note="qualification verdict: pursue")  # fmt: skip
    return VerdictDone(deal.id, deal.account, "pursue")


def keep_lower(
    session: Session, actor: Actor, deal_id: Any, now: datetime, *, settings: Settings, process: Process
) -> VerdictDone:
    """Lower contact level (a call now and then, no investment): the deal leaves the funnel for a
    light touch every N days and carries no red flag (``bot.flows.pipeline.contact``)."""
    done = contact.lower_contact(
        session, actor, deal_id, now=now, settings=settings, process=process,
        cause="qualification verdict: keep at lower contact level",
    )  # fmt: skip
    return VerdictDone(done.deal_id, done.account, "lower")


def find_out(session: Session, actor: Actor, deal_id: Any, now: datetime) -> VerdictDone:
    """Assessment incomplete: the rep goes to find the items out and continues later (SPEC §3.3). The
    prospect has not failed: contact stays normal, no flag; the items stay on the card as a checklist
    and the qualification-incomplete reminder keeps coming while they are open."""
    deal = _set_contact(session, actor, deal_id, "normal", now)
    deals_repo.add_event(session, deal=deal, kind="edit", actor_id=actor.user_id, at=now,
                         note="qualification verdict: find out and continue later")  # fmt: skip
    return VerdictDone(deal.id, deal.account, "find_out")
