"""Lower contact level (降低接触级别, SPEC §3.3): a failed prospect kept with "a phone call now and then,
no investment". One place for every way in — the verdict's *lower contact*, the day-30 review — and out.

A lower-contact deal leaves the funnel: it is not in the forecast, the commitment, the stage counts,
the grade mix or the stall checks; it gets no 1/15/30 cycle and no stall, milestone-due, close-date or
qualification nudges, and carries no red flag. Instead one ``low_contact_touch`` every N days (the
team's setting, default ``DEALBOT_LOW_CONTACT_DAYS``) asks whether anything changed: *re-qualify* (the
interview again; a pass returns the deal to the funnel), *still low* (the next touch in N days) or
*drop* (the pipeline's drop dialog).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.config import Settings
from bot.flows import hooks
from bot.flows.errors import BadInput, NotFound, StaleCard, row_id
from bot.flows.team.access import load_deal
from bot.flows.team.users import Actor
from bot.process import Process
from storage.models import Deal, Nudge
from storage.repo import deals as deals_repo
from storage.repo import nudges as nudges_repo
from storage.repo import pipeline as pipeline_repo

LOWER, NORMAL = "lower", "normal"
TOUCH_KIND = "low_contact_touch"
FLAG_KEPT = "failed_prospect_kept"  # "failed prospect still pursued": not for a deal at lower contact


@dataclass(frozen=True)
class ContactChange:
    deal_id: int
    account: str
    level: str
    touch: int  # the number of the next light touch
    changed: bool = True


def lower_contact(
    session: Session,
    actor: Actor,
    deal_id: object,
    *,
    now: datetime,
    settings: Settings,
    process: Process,
    cause: str,
    version: int | None = None,
) -> ContactChange:
    """Keep the open deal at lower contact: out of the funnel, its first light touch planned.

    ``cause`` says why (the verdict, the day-30 review) and is stored on the deal's history. A deal
    already at lower contact is left as it is (a repeated click changes nothing).
    """
    deal = load_deal(session, actor, deal_id, edit=True)
    if version is not None and version != deal.version:
        raise StaleCard(deal_id=deal.id)
    if deal.status != "open":
        raise BadInput("pipeline.errors.not_open")
    if deal.contact_level == LOWER:
        return ContactChange(deal.id, deal.account, LOWER, deal.contact_touch, changed=False)
    touch = deal.contact_touch + 1
    _save(session, deal, now, contact_level=LOWER, contact_touch=touch, contact_touch_t0=now)
    _event(session, deal, actor.user_id, now, NORMAL, LOWER, cause)
    _clear_kept_flags(session, deal, actor.user_id, now)
    ctx = hooks.HookContext(settings, process, now, actor.user_id)
    hooks.emit(session, "contact_changed", deal, ctx, level=LOWER)
    return ContactChange(deal.id, deal.account, LOWER, touch)


def still_low(
    session: Session, settings: Settings, actor: Actor, nudge_id: object, now: datetime, *, process: Process
) -> ContactChange:
    """The touch's *still low*: answered, and the next touch in N days from now."""
    _, deal = _answer_touch(session, actor, nudge_id, now)
    return _next_touch(session, settings, process, actor, deal, now)


def requalify(
    session: Session, settings: Settings, actor: Actor, nudge_id: object, now: datetime, *, process: Process
) -> ContactChange:
    """The touch's *re-qualify*: answered; the caller starts the interview again. Until it passes the
    deal stays at lower contact, so its next touch is planned as for *still low*."""
    _, deal = _answer_touch(session, actor, nudge_id, now)
    return _next_touch(session, settings, process, actor, deal, now)


def return_to_funnel(session: Session, deal: Deal, ctx: hooks.HookContext, *, cause: str) -> bool:
    """A lower-contact deal whose re-qualification passed is back at normal contact: a new 1/15/30
    cycle and its stage's nudges (``contact_changed`` with level normal). False when not lower."""
    if deal.contact_level != LOWER or deal.status != "open":
        return False
    _save(session, deal, ctx.now, contact_level=NORMAL, contact_touch_t0=None)
    _event(session, deal, ctx.actor_id or deal.owner_id, ctx.now, LOWER, NORMAL, cause)
    hooks.emit(session, "contact_changed", deal, ctx, level=NORMAL)
    return True


# --------------------------------------------------------------------------- helpers
def _save(session: Session, deal: Deal, now: datetime, **changes) -> None:
    if not deals_repo.save_if_version(session, deal=deal, expected_version=deal.version, now=now, **changes):
        raise StaleCard(deal_id=deal.id)


def _event(
    session: Session, deal: Deal, actor_id: str, now: datetime, old: str, new: str, cause: str
) -> None:
    deals_repo.add_event(
        session, deal=deal, kind="contact", actor_id=actor_id, at=now, from_value=old, to_value=new,
        reason=(cause or "")[:2000] or None,
    )  # fmt: skip


def _clear_kept_flags(session: Session, deal: Deal, by: str, now: datetime) -> None:
    pipeline_repo.clear_flags(session, deal=deal, kind=FLAG_KEPT, by=by, at=now)


def _answer_touch(session: Session, actor: Actor, nudge_id: object, now: datetime) -> tuple[Nudge, Deal]:
    n = nudges_repo.get(session, team_id=actor.team_id, nudge_id=row_id(nudge_id))
    if n is None or n.kind != TOUCH_KIND:
        raise NotFound()
    deal = load_deal(session, actor, n.deal_id, edit=True)
    if n.status == "answered" or deal.status != "open" or deal.contact_level != LOWER:
        raise StaleCard()
    if n.cycle != deal.contact_touch:
        raise StaleCard()
    nudges_repo.mark_answered(n, now)
    session.add(n)
    return n, deal


def _next_touch(
    session: Session, settings: Settings, process: Process, actor: Actor, deal: Deal, now: datetime
) -> ContactChange:
    touch = deal.contact_touch + 1
    _save(session, deal, now, contact_touch=touch, contact_touch_t0=now)
    hooks.emit(session, "contact_changed", deal, hooks.HookContext(settings, process, now, actor.user_id),
               level=LOWER)  # fmt: skip
    return ContactChange(deal.id, deal.account, LOWER, touch)
