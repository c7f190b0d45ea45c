"""Buying influences of a deal (SPEC §4): name, title, role, attitude, influence 1–5, met."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.config import Settings
from bot.flows import hooks
from bot.flows.errors import BadInput, NotFound, row_id
from bot.flows.team.access import load_deal
from bot.flows.team.users import Actor
from bot.process import Process
from storage.models import Person
from storage.repo import people as repo

ROLES = ("decision_maker", "gatekeeper", "user", "coach", "other")
KEY_ROLES = ("decision_maker", "gatekeeper", "user", "coach")
ATTITUDES = ("supporter", "neutral", "opponent")
MAX_PEOPLE = 100  # buying influences one deal keeps (README); the people modal pages through them
PAGE_SIZE = 20


def page_number(value: object, total: int) -> int:
    """A page of the people list from a payload; junk or out of range -> the nearest page."""
    try:
        page = int(str(value))
    except ValueError:
        page = 0
    last = max(0, (total - 1) // PAGE_SIZE)
    return min(max(page, 0), last)


@dataclass(frozen=True)
class PersonView:
    id: int
    name: str
    title: str | None
    role: str
    attitude: str
    influence: int
    met: bool


@dataclass(frozen=True)
class Coverage:
    """Per key role: (present, met, a name); what the deal card shows."""

    roles: dict[str, tuple[bool, bool, str | None]]

    @property
    def missing(self) -> list[str]:
        return [r for r, (present, _, _) in self.roles.items() if not present]


def view_of(p: Person) -> PersonView:
    return PersonView(p.id, p.name, p.title, p.role, p.attitude, p.influence, p.met)


def coverage(people: list[Person] | list[PersonView]) -> Coverage:
    roles: dict[str, tuple[bool, bool, str | None]] = {}
    for role in KEY_ROLES:
        of_role = [p for p in people if p.role == role]
        met = [p for p in of_role if p.met]
        best = (met or of_role or [None])[0]
        roles[role] = (bool(of_role), bool(met), best.name if best else None)
    return Coverage(roles)


def list_people(session: Session, actor: Actor, deal_id: object) -> tuple[int, list[PersonView]]:
    deal = load_deal(session, actor, deal_id, edit=True)
    return deal.id, [view_of(p) for p in repo.people_of(session, team_id=deal.team_id, deal_id=deal.id)]


def get_person(session: Session, actor: Actor, deal_id: object, person_id: object) -> PersonView:
    deal = load_deal(session, actor, deal_id, edit=True)
    return view_of(_person(session, deal.team_id, deal.id, person_id))


def _person(session: Session, team_id: str, deal_id: int, person_id: object) -> Person:
    person = repo.get_person(session, team_id=team_id, deal_id=deal_id, person_id=row_id(person_id))
    if person is None:
        raise NotFound()
    return person


def validate(
    name: str | None, title: str | None, role: str | None, attitude: str | None, influence: object
) -> dict:
    """Field values -> clean fields, or BadInput naming the field (``field`` = the input's block id)."""
    name = (name or "").strip()
    if not name:
        raise BadInput("people.errors.name", field="name")
    if len(name) > 200:
        raise BadInput("people.errors.too_long", field="name")
    if title and len(title.strip()) > 200:
        raise BadInput("people.errors.too_long", field="title")
    if role not in ROLES:
        raise BadInput("people.errors.role", field="role")
    if attitude not in ATTITUDES:
        raise BadInput("people.errors.attitude", field="attitude")
    try:
        level = int(str(influence))
    except ValueError as e:
        raise BadInput("people.errors.influence", field="influence") from e
    if not 1 <= level <= 5:
        raise BadInput("people.errors.influence", field="influence")
    return {
        "name": name,
        "title": (title or "").strip() or None,
        "role": role,
        "attitude": attitude,
        "influence": level,
    }


def save_person(
    session: Session,
    actor: Actor,
    deal_id: object,
    *,
    now: datetime,
    person_id: object | None = None,
    met: bool,
    settings: Settings | None = None,
    process: Process | None = None,
    **raw,
) -> PersonView:
    """Add a person (no ``person_id``) or edit one of this deal's people; with the app's settings and
    process it emits ``people_changed`` (a coach and a met decision-maker earn stage 2's rung)."""
    deal = load_deal(session, actor, deal_id, edit=True)
    fields = validate(
        raw.get("name"), raw.get("title"), raw.get("role"), raw.get("attitude"), raw.get("influence")
    )
    existing = _person(session, deal.team_id, deal.id, person_id) if person_id not in (None, "") else None
    if existing is None and repo.count_people(session, team_id=deal.team_id, deal_id=deal.id) >= MAX_PEOPLE:
        raise BadInput("people.errors.too_many", field="name", max=MAX_PEOPLE)
    row = repo.save_person(
        session, team_id=deal.team_id, deal_id=deal.id, now=now, person=existing, met=met, **fields
    )
    if settings is not None and process is not None:
        hooks.emit(session, "people_changed", deal, hooks.HookContext(settings, process, now, actor.user_id))
    return view_of(row)
