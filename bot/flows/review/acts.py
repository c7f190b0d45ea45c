"""The manager's word back (SPEC §7.1): comment, ask for a check-in now, agree with or challenge a
verdict or a day-30 judgement; the rep's answer (to a comment) or second look (at a challenge). Every
act is a review_note row and a deal_event, so it is in the deal's history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.config import Settings
from bot.flows.errors import BadInput, NotAllowed, NotFound, StaleCard
from bot.flows.followups.kinds import CHECKIN_REQUESTED
from bot.flows.followups.planning import worktime
from bot.flows.review.view import require_reader
from bot.flows.team.access import load_deal
from bot.flows.team.users import Actor
from storage.models import Deal, ReviewNote
from storage.repo import deals as deals_repo
from storage.repo import nudges as nudges_repo
from storage.repo import review as repo

TARGETS = ("deal", "verdict", "judgement")
MAX_TEXT = 3000
EVENT = {"comment": "review_comment", "agree": "review_agree", "challenge": "review_challenge",
         "checkin_ask": "checkin_asked"}  # fmt: skip


@dataclass(frozen=True)
class Said:
    """What was said and to whom it goes next (the handler sends the DM)."""

    note: ReviewNote
    deal: Deal
    to: str  # the user the DM goes to


def _manager_deal(session: Session, actor: Actor, deal_id: object) -> Deal:
    deal = load_deal(session, actor, deal_id)
    require_reader(session, actor, deal.owner_id)
    return deal


def _text(text: str | None, *, required: bool, field: str) -> str:
    text = (text or "").strip()
    if required and not text:
        raise BadInput("review.errors.empty", field=field)
    if len(text) > MAX_TEXT:
        raise BadInput("review.errors.long", field=field)
    return text


def _say(
    session: Session, actor: Actor, deal: Deal, kind: str, target: str, body: str, now: datetime
) -> Said:
    if target not in TARGETS:
        raise BadInput("review.errors.target", field="target")
    note = repo.add_note(session, team_id=deal.team_id, deal_id=deal.id, rep_id=deal.owner_id,
                         author_id=actor.user_id, kind=kind, target=target, body=body, created_at=now)  # fmt: skip
    deals_repo.add_event(session, deal=deal, kind=EVENT[kind], actor_id=actor.user_id, at=now, to_value=target,
                         note=body[:2000] or None)  # fmt: skip
    return Said(note, deal, deal.owner_id)


def comment(session: Session, actor: Actor, deal_id: object, text: str | None, *, now: datetime) -> Said:
    deal = _manager_deal(session, actor, deal_id)
    return _say(session, actor, deal, "comment", "deal", _text(text, required=True, field="text"), now)


def agree(session: Session, actor: Actor, deal_id: object, target: str, *, now: datetime) -> Said:
    deal = _manager_deal(session, actor, deal_id)
    return _say(session, actor, deal, "agree", target, "", now)


def challenge(session: Session, actor: Actor, deal_id: object, target: str, text: str | None, *,
              now: datetime) -> Said:  # fmt: skip
    deal = _manager_deal(session, actor, deal_id)
    return _say(session, actor, deal, "challenge", target, _text(text, required=True, field="text"), now)


def ask_checkin(
    session: Session, settings: Settings, actor: Actor, deal_id: object, *, now: datetime
) -> Said:
    """A ``checkin_requested`` nudge, one per request (its cycle is the request's note id)."""
    deal = _manager_deal(session, actor, deal_id)
    if deal.status != "open":
        raise StaleCard(deal_id=deal.id)
    said = _say(session, actor, deal, "checkin_ask", "deal", "", now)
    wt = worktime(session, settings, deal.team_id, deal.owner_id)
    nudges_repo.enqueue(session, team_id=deal.team_id, deal_id=deal.id, owner_id=deal.owner_id,
                        kind=CHECKIN_REQUESTED.key, cycle=said.note.id, due_at=now, send_after=wt.next_slot(now),
                        now=now)  # fmt: skip
    return said


def reply(session: Session, actor: Actor, note_id: object, text: str | None, *, now: datetime) -> Said:
    """The rep answers a comment, or says what a second look at a challenged call changed."""
    try:
        note = repo.get_note(session, team_id=actor.team_id, note_id=int(note_id))  # type: ignore[arg-type]
    except (TypeError, ValueError) as e:
        raise NotFound() from e
    if note is None:
        raise NotFound()
    if note.rep_id != actor.user_id:
        raise NotAllowed()
    if note.kind not in ("comment", "challenge"):
        raise NotFound()
    if note.reply is not None:
        raise StaleCard()
    body = _text(text, required=True, field="text")
    deal = deals_repo.get_deal(session, team_id=actor.team_id, deal_id=note.deal_id)
    if deal is None:
        raise NotFound()
    note.reply, note.replied_at = body, now
    session.add(note)
    kind = "review_answer" if note.kind == "comment" else "review_resolved"
    deals_repo.add_event(session, deal=deal, kind=kind, actor_id=actor.user_id, at=now, to_value=note.target,
                         note=body[:2000])  # fmt: skip
    session.flush()
    return Said(note, deal, note.author_id)
