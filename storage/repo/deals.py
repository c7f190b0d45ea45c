"""Deal queries shared by every feature: create, load within a team, find by name, versioned update."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, or_, update
from sqlmodel import Session, select

from storage.models import Deal, DealEvent


def create_deal(session: Session, *, team_id: str, owner_id: str, now: datetime, **fields) -> Deal:
    deal = Deal(
        team_id=team_id, owner_id=owner_id, stage_entered_at=now, created_at=now, updated_at=now, **fields
    )
    deal.followup_t0 = deal.followup_t0 or now
    session.add(deal)
    session.flush()
    add_event(session, deal=deal, kind="created", actor_id=owner_id, at=now, to_value=deal.stage)
    return deal


def owns_any_deal(session: Session, *, team_id: str, owner_id: str) -> bool:
    """Whether the user owns a deal in the workspace (of any status): they have used dealbot already."""
    stmt = select(Deal.id).where(Deal.team_id == team_id, Deal.owner_id == owner_id).limit(1)
    return session.exec(stmt).first() is not None


def get_deal(session: Session, *, team_id: str, deal_id: int) -> Deal | None:
    """A deal by id, only within the team: an id from another workspace finds nothing."""
    return session.exec(select(Deal).where(Deal.team_id == team_id, Deal.id == deal_id)).first()


def find_deals(
    session: Session,
    *,
    team_id: str,
    text: str,
    owner_ids: Iterable[str] | None,
    statuses: Iterable[str] | None = None,
    limit: int = 25,
) -> list[Deal]:
    """Deals whose account or title contains ``text`` (case-insensitive), among ``owner_ids`` (None = all)."""
    needle = f"%{_escape_like(text.strip().lower())}%"
    q = select(Deal).where(
        Deal.team_id == team_id,
        or_(
            func.lower(Deal.account).like(needle, escape="\\"),
            func.lower(Deal.title).like(needle, escape="\\"),
        ),
    )
    if owner_ids is not None:
        q = q.where(Deal.owner_id.in_(list(owner_ids)))
    if statuses is not None:
        q = q.where(Deal.status.in_(list(statuses)))
    return list(session.exec(q.order_by(Deal.updated_at.desc(), Deal.id.desc()).limit(limit)))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def save_if_version(session: Session, *, deal: Deal, expected_version: int, now: datetime, **changes) -> bool:
    """Apply ``changes`` only if the row is still at ``expected_version`` (optimistic lock); bump it.

    Returns False when someone else changed the deal first: nothing is written.
    """
    result = session.execute(
        update(Deal)
        .where(Deal.id == deal.id, Deal.team_id == deal.team_id, Deal.version == expected_version)
        .values(**changes, version=expected_version + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    session.refresh(deal)
    return True


def add_event(session: Session, *, deal: Deal, kind: str, actor_id: str, at: datetime, **fields) -> DealEvent:
    ev = DealEvent(team_id=deal.team_id, deal_id=deal.id, kind=kind, actor_id=actor_id, at=at, **fields)
    session.add(ev)
    session.flush()
    return ev


def deal_history(session: Session, *, team_id: str, deal_id: int) -> list[DealEvent]:
    return list(
        session.exec(
            select(DealEvent)
            .where(DealEvent.team_id == team_id, DealEvent.deal_id == deal_id)
            .order_by(DealEvent.at, DealEvent.id)
        )
    )
