"""The loss review (seed 002, the black box): when a deal is lost, its managers see how it went — the
milestones met or forced, when the coach and the key decision-maker were first recorded, the check-ins,
whether the winner was ever recorded as a competitor during the deal (an alarm when not), and the stage
where it died."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.flows.review.view import CheckinLine, Move
from storage.models import Deal
from storage.repo import review as repo


@dataclass(frozen=True)
class LossReview:
    deal_id: int
    rep_id: str
    account: str
    title: str
    died_in: str  # the stage key where it died
    lost_at: datetime | None
    reason: str | None
    winner: str | None
    note: str | None
    winner_recorded: bool  # the winner was named somewhere during the deal before the loss
    moves: list[Move]
    coach_at: datetime | None
    decision_maker_at: datetime | None
    checkins: list[CheckinLine]

    @property
    def alarm(self) -> bool:
        return bool(self.winner) and not self.winner_recorded


def loss_review(session: Session, deal: Deal) -> LossReview:
    events = repo.deal_events(session, team_id=deal.team_id, deal_id=deal.id)
    lost = next((e for e in reversed(events) if e.kind == "lost"), None)
    lost_at = lost.at if lost else deal.closed_at
    winner = (lost.competitor or "").strip() if lost else ""
    texts = (
        repo.recorded_texts(session, team_id=deal.team_id, deal_id=deal.id, before=lost_at) if lost_at else []
    )
    recorded = bool(winner) and any(winner.casefold() in x.casefold() for x in texts)
    people = repo.first_people(session, team_id=deal.team_id, deal_id=deal.id)
    return LossReview(
        deal_id=deal.id, rep_id=deal.owner_id, account=deal.account, title=deal.title, died_in=deal.stage,
        lost_at=lost_at, reason=lost.reason if lost else None, winner=winner or None,
        note=lost.note if lost else None, winner_recorded=recorded,
        moves=[Move(e.kind, e.at, e.from_value, e.to_value, e.forced, e.reason) for e in events
               if e.kind in ("stage", "milestone", "forced_advance")],
        coach_at=people.get("coach"), decision_maker_at=people.get("decision_maker"),
        checkins=[CheckinLine(c.created_at, c.done_text, c.progress_text if c.progress else None, c.blockers,
                              c.next_step, c.next_step_date)
                  for c in repo.deal_checkins(session, team_id=deal.team_id, deal_id=deal.id)],
    )  # fmt: skip
