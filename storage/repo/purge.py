"""``dealbot purge-team``: delete one workspace's data, every table with a ``team_id``, in one transaction."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlmodel import Session, SQLModel

from storage.models import SLACK_BOTS, Deal


def team_tables() -> list:
    """Every table holding a workspace's rows, children before parents (foreign keys)."""
    return [t for t in reversed(SQLModel.metadata.sorted_tables) if "team_id" in t.c]


def is_installed(session: Session, team_id: str) -> bool:
    q = select(func.count()).select_from(SLACK_BOTS).where(SLACK_BOTS.c.team_id == team_id)
    return bool(session.execute(q).scalar_one())


def count_deals(session: Session, team_id: str) -> int:
    return int(session.execute(select(func.count()).where(Deal.team_id == team_id)).scalar_one())


def purge_team(session: Session, team_id: str) -> dict[str, int]:
    """Rows deleted per table (tables with none left out)."""
    deleted = {}
    for table in team_tables():
        n = session.execute(delete(table).where(table.c.team_id == team_id)).rowcount or 0
        if n:
            deleted[table.name] = n
    return deleted
