"""Buying influences of a deal (SPEC §4)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, func, select

from storage.models import Deal, Person


def people_of(session: Session, *, team_id: str, deal_id: int) -> list[Person]:
    return list(
        session.exec(
            select(Person)
            .where(Person.team_id == team_id, Person.deal_id == deal_id)
            .order_by(Person.influence.desc(), Person.id)
        )
    )


def count_people(session: Session, *, team_id: str, deal_id: int) -> int:
    """How many people the deal has, with the deal's row locked (PostgreSQL): two adds at once cannot
    both pass the cap."""
    session.exec(select(Deal.id).where(Deal.team_id == team_id, Deal.id == deal_id).with_for_update())
    return session.exec(
        select(func.count()).select_from(Person).where(Person.team_id == team_id, Person.deal_id == deal_id)
    ).one()


def people_of_deals(session: Session, *, team_id: str, deal_ids: Iterable[int]) -> dict[int, list[Person]]:
    ids = list(deal_ids)
    out: dict[int, list[Person]] = defaultdict(list)
    if ids:
        for p in session.exec(select(Person).where(Person.team_id == team_id, Person.deal_id.in_(ids))):
            out[p.deal_id].append(p)
    return out


def get_person(session: Session, *, team_id: str, deal_id: int, person_id: int) -> Person | None:
    """A person only within its deal and team: a forged id from elsewhere finds nothing."""
    return session.exec(
        select(Person).where(Person.team_id == team_id, Person.deal_id == deal_id, Person.id == person_id)
    ).first()


def save_person(
    session: Session, *, team_id: str, deal_id: int, now: datetime, person: Person | None = None, **fields
) -> Person:
    row = person or Person(team_id=team_id, deal_id=deal_id, created_at=now, name="")
    for k, v in fields.items():
        setattr(row, k, v)
    row.updated_at = now
    session.add(row)
    session.flush()
    return row
