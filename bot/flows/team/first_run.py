"""First run (issue 17): a person's one-time welcome, and an admin's setup checklist until it is done.

The welcome is shown once per person, on whichever comes first — their first App Home visit, their first
DM to dealbot, or their opening of dealbot's Messages tab: ``claim_welcome`` marks it (atomically, so two
events racing show it once). Someone who registered a deal before any of these has already started:
no welcome for them. The setup checklist is derived, never dismissed: an item is done when the
workspace's settings hold it (chosen by an admin, not an environment default) or, for quotas, when any
quota is set; the checklist goes away when every item is done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.flows.team.users import Actor
from storage.repo import deals as deals_repo
from storage.repo import users as users_repo
from storage.repo.funnel.quota import any_quota

SETUP_ITEMS = ("manager_channel", "timezone", "locale", "stage_set", "quotas")


@dataclass(frozen=True)
class SetupChecklist:
    items: tuple[tuple[str, bool], ...]  # (item key, done), in SETUP_ITEMS order

    @property
    def done(self) -> bool:
        return all(ok for _, ok in self.items)

    @property
    def open_count(self) -> int:
        return sum(1 for _, ok in self.items if not ok)


def welcome_due(session: Session, actor: Actor) -> bool:
    """A read: the person has not been welcomed yet (then ``claim_welcome`` decides, in a write)."""
    row = users_repo.get_user(session, team_id=actor.team_id, user_id=actor.user_id)
    return row is None or row.welcomed_at is None


def claim_welcome(session: Session, actor: Actor, now: datetime) -> bool:
    """True when this is the person's first visit: show the welcome now (and never again). Someone who
    already owns a deal (registered with ``/deal new`` before any visit) has started: marked, not shown."""
    first = users_repo.claim_welcome(session, team_id=actor.team_id, user_id=actor.user_id, now=now)
    return first and not deals_repo.owns_any_deal(session, team_id=actor.team_id, owner_id=actor.user_id)


def setup_checklist(session: Session, team_id: str) -> SetupChecklist:
    row = users_repo.get_team_settings(session, team_id=team_id)
    settings = tuple((k, row is not None and bool(getattr(row, k, None))) for k in SETUP_ITEMS[:-1])
    return SetupChecklist((*settings, ("quotas", any_quota(session, team_id=team_id))))
