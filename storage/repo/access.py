from __future__ import annotations

from sqlmodel import Session, select

from storage.models import ManagerRep


def reps_of_manager(session: Session, *, team_id: str, manager_id: str) -> list[str]:
    return list(
        session.exec(
            select(ManagerRep.rep_id).where(
                ManagerRep.team_id == team_id, ManagerRep.manager_id == manager_id
            )
        )
    )
