"""The weekly review's queries (SPEC §7.1): a handful of set queries per rep, never one per deal, all
scoped by team; the review_note rows (a manager's word and the rep's reply) and the review_run claims
(one weekly DM per manager and week, like storage/repo/funnel/digest.py)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from storage.models import (
    CheckIn,
    Deal,
    DealEvent,
    Interview,
    InterviewAnswer,
    ManagerRep,
    Membership,
    Milestone,
    Nudge,
    Person,
    RedFlag,
    ReviewNote,
    ReviewOpen,
    ReviewRun,
)

MAX_ATTEMPTS = 5
DAY30 = "followup_30"


# --------------------------------------------------------------------------- who
def managers(session: Session, *, team_id: str) -> dict[str, list[str]]:
    """Manager -> their reps (managers with at least one rep)."""
    out: dict[str, list[str]] = defaultdict(list)
    rows = session.execute(
        select(ManagerRep.manager_id, ManagerRep.rep_id)
        .join(
            Membership,
            (Membership.team_id == ManagerRep.team_id) & (Membership.user_id == ManagerRep.manager_id),
        )
        .where(ManagerRep.team_id == team_id, Membership.role == "manager")
        .order_by(ManagerRep.manager_id, ManagerRep.rep_id)
    )
    for m, r in rows:
        out[m].append(r)
    return dict(out)


def managers_of(session: Session, *, team_id: str, rep_id: str) -> list[str]:
    return list(
        session.execute(
            select(ManagerRep.manager_id)
            .join(
                Membership,
                (Membership.team_id == ManagerRep.team_id) & (Membership.user_id == ManagerRep.manager_id),
            )
            .where(ManagerRep.team_id == team_id, ManagerRep.rep_id == rep_id, Membership.role == "manager")
            .order_by(ManagerRep.manager_id)
        ).scalars()
    )


def owners_with_open_deals(session: Session, *, team_id: str) -> list[str]:
    return list(
        session.execute(
            select(Deal.owner_id)
            .where(Deal.team_id == team_id, Deal.status == "open")
            .distinct()
            .order_by(Deal.owner_id)
        ).scalars()
    )


# --------------------------------------------------------------------------- the material
def open_deals(session: Session, *, team_id: str, rep_ids: list[str]) -> list[Deal]:
    if not rep_ids:
        return []
    return list(
        session.execute(
            select(Deal)
            .where(Deal.team_id == team_id, Deal.owner_id.in_(rep_ids), Deal.status == "open")
            .order_by(Deal.owner_id, Deal.id)
        ).scalars()
    )


def _by_deal(rows) -> dict[int, list]:  # noqa: ANN001
    out: dict[int, list] = defaultdict(list)
    for r in rows:
        out[r.deal_id].append(r)
    return out


def checkins_since(
    session: Session, *, team_id: str, rep_ids: list[str], since: datetime
) -> dict[int, list[CheckIn]]:
    rows = session.execute(
        select(CheckIn)
        .where(CheckIn.team_id == team_id, CheckIn.rep_id.in_(rep_ids), CheckIn.created_at >= since)
        .order_by(CheckIn.created_at, CheckIn.id)
    ).scalars()
    return _by_deal(rows)


def last_checkin_at(session: Session, *, team_id: str, rep_ids: list[str]) -> dict[int, datetime]:
    rows = session.execute(
        select(CheckIn.deal_id, func.max(CheckIn.created_at))
        .where(CheckIn.team_id == team_id, CheckIn.rep_id.in_(rep_ids))
        .group_by(CheckIn.deal_id)
    )
    return {d: at for d, at in rows}


def events_since(
    session: Session, *, team_id: str, deal_ids: list[int], since: datetime
) -> dict[int, list[DealEvent]]:
    if not deal_ids:
        return {}
    rows = session.execute(
        select(DealEvent)
        .where(DealEvent.team_id == team_id, DealEvent.deal_id.in_(deal_ids), DealEvent.at >= since)
        .order_by(DealEvent.at, DealEvent.id)
    ).scalars()
    return _by_deal(rows)


def open_flags(session: Session, *, team_id: str, deal_ids: list[int]) -> dict[int, list[RedFlag]]:
    if not deal_ids:
        return {}
    rows = session.execute(
        select(RedFlag)
        .where(RedFlag.team_id == team_id, RedFlag.deal_id.in_(deal_ids), RedFlag.cleared_at.is_(None))
        .order_by(RedFlag.id)
    ).scalars()
    return _by_deal(rows)


def verdicts_since(
    session: Session, *, team_id: str, deal_ids: list[int], since: datetime
) -> dict[int, Interview]:
    """The latest interview finished since ``since``, per deal (new prospects' verdicts to co-screen)."""
    if not deal_ids:
        return {}
    rows = session.execute(
        select(Interview)
        .where(
            Interview.team_id == team_id,
            Interview.deal_id.in_(deal_ids),
            Interview.status == "done",
            Interview.finished_at >= since,
        )
        .order_by(Interview.finished_at, Interview.id)
    ).scalars()
    return {i.deal_id: i for i in rows}


def open_judgements(session: Session, *, team_id: str, deal_ids: list[int]) -> dict[int, Nudge]:
    """Day-30 reviews sent and not yet answered."""
    if not deal_ids:
        return {}
    rows = session.execute(
        select(Nudge).where(
            Nudge.team_id == team_id, Nudge.deal_id.in_(deal_ids), Nudge.kind == DAY30, Nudge.status == "sent"
        )
    ).scalars()
    return {n.deal_id: n for n in rows}


def notes(
    session: Session, *, team_id: str, deal_ids: list[int], since: datetime
) -> dict[int, list[ReviewNote]]:
    """Notes made since ``since`` or still waiting for the rep (unanswered comments, open challenges)."""
    if not deal_ids:
        return {}
    rows = session.execute(
        select(ReviewNote)
        .where(
            ReviewNote.team_id == team_id,
            ReviewNote.deal_id.in_(deal_ids),
            (ReviewNote.created_at >= since)
            | (ReviewNote.replied_at >= since)
            | (ReviewNote.replied_at.is_(None) & ReviewNote.kind.in_(("comment", "challenge"))),
        )
        .order_by(ReviewNote.created_at, ReviewNote.id)
    ).scalars()
    return _by_deal(rows)


def deal_notes(session: Session, *, team_id: str, deal_id: int) -> list[ReviewNote]:
    return list(
        session.execute(
            select(ReviewNote)
            .where(ReviewNote.team_id == team_id, ReviewNote.deal_id == deal_id)
            .order_by(ReviewNote.created_at, ReviewNote.id)
        ).scalars()
    )


def deal_checkins(session: Session, *, team_id: str, deal_id: int) -> list[CheckIn]:
    return list(
        session.execute(
            select(CheckIn)
            .where(CheckIn.team_id == team_id, CheckIn.deal_id == deal_id)
            .order_by(CheckIn.created_at, CheckIn.id)
        ).scalars()
    )


def add_note(session: Session, **fields) -> ReviewNote:
    note = ReviewNote(**fields)
    session.add(note)
    session.flush()
    return note


def get_note(session: Session, *, team_id: str, note_id: int) -> ReviewNote | None:
    note = session.get(ReviewNote, note_id)
    return note if note is not None and note.team_id == team_id else None


# --------------------------------------------------------------------------- what a reader opened
def record_open(session: Session, *, team_id: str, reader_id: str, rep_id: str, week: datetime,
                now: datetime) -> None:  # fmt: skip
    """One row per (reader, rep, week): the first opening inserts it, later ones count (one statement,
    safe with replicas)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(ReviewOpen).values(
        team_id=team_id, reader_id=reader_id, rep_id=rep_id, week=week, first_at=now, last_at=now, times=1
    )
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=["team_id", "reader_id", "rep_id", "week"],
            set_={"last_at": now, "times": ReviewOpen.times + 1},
        )
    )


def opened(session: Session, *, team_id: str, reader_id: str, week: datetime) -> dict[str, datetime]:
    """Rep -> when ``reader_id`` first opened that rep's review in ``week``."""
    rows = session.execute(
        select(ReviewOpen.rep_id, ReviewOpen.first_at).where(
            ReviewOpen.team_id == team_id, ReviewOpen.reader_id == reader_id, ReviewOpen.week == week
        )
    )
    return {rep: at for rep, at in rows}


def run_sent(session: Session, *, team_id: str, manager_id: str, week: datetime) -> bool:
    """Whether the manager's weekly review DM of ``week`` went out."""
    q = select(func.count()).where(
        ReviewRun.team_id == team_id, ReviewRun.manager_id == manager_id, ReviewRun.week == week,
        ReviewRun.deal_id == 0, ReviewRun.status == "sent",
    )  # fmt: skip
    return bool(session.execute(q).scalar_one())


# --------------------------------------------------------------------------- the weekly DM's claim
def ensure_run(session: Session, *, team_id: str, manager_id: str, week: datetime, now: datetime,
               deal_id: int = 0) -> None:  # fmt: skip
    """INSERT … ON CONFLICT DO NOTHING: the first replica creates the (manager, week[, lost deal]) row."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(
        dialect.insert(ReviewRun)
        .values(team_id=team_id, manager_id=manager_id, week=week, deal_id=deal_id, status="pending",
                available_at=now, attempts=0, created_at=now)
        .on_conflict_do_nothing(index_elements=["team_id", "manager_id", "week", "deal_id"])
    )  # fmt: skip


def claim_run(session: Session, *, team_id: str, manager_id: str, week: datetime, now: datetime, worker: str,
              lease: timedelta, deal_id: int = 0) -> ReviewRun | None:  # fmt: skip
    """One statement, one winner: the row if it is due and nobody holds a live lease."""
    row = session.execute(
        update(ReviewRun)
        .where(
            ReviewRun.team_id == team_id,
            ReviewRun.manager_id == manager_id,
            ReviewRun.week == week,
            ReviewRun.deal_id == deal_id,
            ReviewRun.status.in_(("pending", "claimed")),
            ReviewRun.available_at <= now,
            ReviewRun.attempts < MAX_ATTEMPTS,
        )
        .values(
            status="claimed", lease_owner=worker, available_at=now + lease, attempts=ReviewRun.attempts + 1
        )
        .returning(ReviewRun.id)
    ).first()
    return session.get(ReviewRun, row[0], populate_existing=True) if row else None


def mark_sent(session: Session, *, run_id: int, worker: str, ts: str | None, now: datetime) -> bool:
    result = session.execute(
        update(ReviewRun)
        .where(ReviewRun.id == run_id, ReviewRun.lease_owner == worker, ReviewRun.status == "claimed")
        .values(status="sent", message_ts=ts, sent_at=now, available_at=None, error=None)
    )
    return result.rowcount == 1


def release_run(session: Session, *, run_id: int, worker: str, error: str, retry_at: datetime | None) -> None:
    session.execute(
        update(ReviewRun)
        .where(ReviewRun.id == run_id, ReviewRun.lease_owner == worker, ReviewRun.status == "claimed")
        .values(
            status="pending" if retry_at else "failed",
            available_at=retry_at,
            error=error[:500],
            lease_owner=None,
        )
    )


def runs(session: Session, *, team_id: str) -> list[ReviewRun]:
    return list(
        session.execute(
            select(ReviewRun).where(ReviewRun.team_id == team_id).order_by(ReviewRun.id)
        ).scalars()
    )


# --------------------------------------------------------------------------- the loss review
def lost_since(session: Session, *, since: datetime) -> list[Deal]:
    """Deals lost since ``since``, every workspace (the job sends each its loss review once)."""
    return list(
        session.execute(
            select(Deal).where(Deal.status == "lost", Deal.closed_at >= since).order_by(Deal.team_id, Deal.id)
        ).scalars()
    )


def deal_events(session: Session, *, team_id: str, deal_id: int) -> list[DealEvent]:
    return list(
        session.execute(
            select(DealEvent)
            .where(DealEvent.team_id == team_id, DealEvent.deal_id == deal_id)
            .order_by(DealEvent.at, DealEvent.id)
        ).scalars()
    )


def first_people(session: Session, *, team_id: str, deal_id: int) -> dict[str, datetime]:
    """Role -> when a person in that role was first recorded on the deal."""
    rows = session.execute(
        select(Person.role, func.min(Person.created_at))
        .where(Person.team_id == team_id, Person.deal_id == deal_id)
        .group_by(Person.role)
    )
    return {r: at for r, at in rows}


def recorded_texts(session: Session, *, team_id: str, deal_id: int, before: datetime) -> list[str]:
    """Everything written about the deal before ``before`` (answers, check-ins, milestones, events):
    where a competitor would have been recorded."""
    out: list[str] = []
    answers = session.execute(
        select(InterviewAnswer.raw_text)
        .join(Interview, Interview.id == InterviewAnswer.interview_id)
        .where(
            Interview.team_id == team_id, Interview.deal_id == deal_id, InterviewAnswer.answered_at < before
        )
    )
    out += [raw for (raw,) in answers if raw]
    checkins = session.execute(
        select(CheckIn.done_text, CheckIn.progress_text, CheckIn.blockers, CheckIn.next_step).where(
            CheckIn.team_id == team_id, CheckIn.deal_id == deal_id, CheckIn.created_at < before
        )
    )
    out += [x for row in checkins for x in row if x]
    milestones = session.execute(
        select(Milestone.what, Milestone.evidence).where(
            Milestone.team_id == team_id, Milestone.deal_id == deal_id, Milestone.recorded_at < before
        )
    )
    out += [x for row in milestones for x in row if x]
    events = session.execute(
        select(DealEvent.competitor, DealEvent.note, DealEvent.reason).where(
            DealEvent.team_id == team_id, DealEvent.deal_id == deal_id, DealEvent.at < before
        )
    )
    out += [x for row in events for x in row if x]
    return out
