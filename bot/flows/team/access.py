"""Who may see and change which deal (SPEC §10): a rep their own; a manager their reps'; an admin all
of the workspace. Ids from payloads are never trusted: every load goes through here, scoped by team."""

from __future__ import annotations

from sqlmodel import Session

from bot.flows.errors import MAX_ROW_ID, NotAllowed, NotFound, row_id
from bot.flows.team.users import Actor
from storage.models import Deal
from storage.repo import access as repo
from storage.repo import deals as deals_repo


def visible_owner_ids(session: Session, actor: Actor) -> list[str] | None:
    """Owners whose deals the actor may see; None means every owner in the workspace (admin)."""
    if actor.is_admin:
        return None
    if actor.role == "manager":
        return [
            actor.user_id,
            *repo.reps_of_manager(session, team_id=actor.team_id, manager_id=actor.user_id),
        ]
    return [actor.user_id]


def can_see(session: Session, actor: Actor, deal: Deal) -> bool:
    if deal.team_id != actor.team_id:
        return False
    owners = visible_owner_ids(session, actor)
    return owners is None or deal.owner_id in owners


def can_edit(session: Session, actor: Actor, deal: Deal) -> bool:
    """The owner edits; a manager may edit their reps' deals; an admin any deal of the workspace."""
    return can_see(session, actor, deal)


MAX_SEARCH = 200  # an account or a title is at most this long


def load_deal(session: Session, actor: Actor, deal_id: int | str | None, *, edit: bool = False) -> Deal:
    """The deal if the actor may see it (or change it, with ``edit``); otherwise NotFound / NotAllowed.

    A deal of another workspace is reported as not found, so nothing of it leaks.
    """
    deal = deals_repo.get_deal(session, team_id=actor.team_id, deal_id=row_id(deal_id))
    if deal is None:
        raise NotFound()
    allowed = can_edit(session, actor, deal) if edit else can_see(session, actor, deal)
    if not allowed:
        raise NotAllowed()
    return deal


def find_visible_deals(
    session: Session, actor: Actor, text: str, *, statuses: tuple[str, ...] | None = None, limit: int = 25
) -> list[Deal]:
    """Deals the actor may see whose account or title contains ``text``; a number matches the deal id.

    Callers decide what 0, 1 or several candidates mean (not found / that deal / a pick list).
    """
    text = (text or "").strip().lstrip("#")
    owners = visible_owner_ids(session, actor)
    if text.isdigit() and 0 < int(text) <= MAX_ROW_ID:
        deal = deals_repo.get_deal(session, team_id=actor.team_id, deal_id=int(text))
        if (
            deal is not None
            and can_see(session, actor, deal)
            and (statuses is None or deal.status in statuses)
        ):
            return [deal]
    if not text or len(text) > MAX_SEARCH:  # longer than any account or title: nothing can match
        return []
    return deals_repo.find_deals(
        session, team_id=actor.team_id, text=text, owner_ids=owners, statuses=statuses, limit=limit
    )
