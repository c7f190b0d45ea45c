"""Rows for the plan and odds tests (SPEC §13): deals standing on a rung, signed deals, closed deals
with a known history, quotas — inserted as the bot's own acts leave them (deal, events)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlmodel import Session

from storage.models import Deal, DealEvent, Quota

TEAM = "T0SANDBOX"


def deal(
    s: Session,
    owner: str,
    amount: int | None,
    *,
    rung: str | None,
    stage: str | None = None,
    status: str = "open",
    created: datetime,
    closed: datetime | None = None,
    close: date | None = None,
    account: str = "Acme",
    currency: str = "CNY",
) -> Deal:
    stage = stage or (rung.split("~")[0] if rung else "qualify")
    d = Deal(
        team_id=TEAM,
        owner_id=owner,
        account=account,
        title="Plan",
        amount=None if amount is None else Decimal(amount),
        currency=currency,
        stage=stage,
        stage_entered_at=created,
        status=status,
        grade="A",
        expected_close=close,
        earned_rung=rung,
        created_at=created,
        updated_at=closed or created,
        closed_at=closed,
    )
    s.add(d)
    s.flush()
    s.add(
        DealEvent(team_id=TEAM, deal_id=d.id, kind="created", to_value="qualify", actor_id=owner, at=created)
    )
    return d


def stage_event(s: Session, d: Deal, frm: str, to: str, at: datetime) -> None:
    s.add(DealEvent(team_id=TEAM, deal_id=d.id, kind="stage", from_value=frm, to_value=to, milestone_met=True,
                    actor_id=d.owner_id, at=at))  # fmt: skip


def signed(s: Session, owner: str, amount: int, at: datetime, *, account: str = "Signed Co") -> Deal:
    """A deal that entered the signing stage (deliver) at ``at``: achievement in its period."""
    d = deal(
        s, owner, amount, rung="negotiate", stage="deliver", created=at - timedelta(days=120), account=account
    )
    stage_event(s, d, "negotiate", "deliver", at)
    return d


def quota(s: Session, rep: str, amount: int, period: str, start: date, end: date) -> None:
    s.add(Quota(team_id=TEAM, rep_id=rep, period=period, period_start=start, period_end=end,
                amount=Decimal(amount), currency="CNY", set_by="U0ADMIN", set_at=datetime.now(UTC)))  # fmt: skip


# 30 closed deals of known history (trailing 12 months): 8 won (every milestone met), 22 lost or
# dropped at a known rung. Cumulative "met" per milestone and won among them, by hand:
#   qualified 30 (8 won) · decision-maker 24 (8) · criteria 19 (8) · bid 15 (8) · negotiation 11 (8)
CLOSED_AT = (  # (earned rung, status, how many)
    ("deliver", "won", 8),
    ("qualify", "lost", 4),
    ("qualify", "dropped", 2),
    ("relationships", "lost", 5),
    ("influence", "lost", 4),
    ("bid", "lost", 4),
    ("negotiate~negotiation_under_way", "lost", 3),
)
STAGE_PATH = ("qualify", "relationships", "influence", "bid", "negotiate", "deliver")


def closed_history(s: Session, owner: str, now: datetime) -> list[Deal]:
    """The 30 closed deals: each created 200 days ago, 14 days per stage it reached, closed 30 days ago."""
    out = []
    created = now - timedelta(days=200)
    for rung, status, n in CLOSED_AT:
        last = rung.split("~")[0]
        for i in range(n):
            d = deal(s, owner, 1_000_000, rung=rung, stage=last, status=status, created=created,
                     closed=now - timedelta(days=30), account=f"Closed {rung} {status} {i}")  # fmt: skip
            at = created
            for a, b in zip(STAGE_PATH, STAGE_PATH[1:], strict=False):
                if a == last:
                    break
                at += timedelta(days=14)
                stage_event(s, d, a, b, at)
            s.add(
                DealEvent(
                    team_id=TEAM, deal_id=d.id, kind=status, actor_id=owner, at=now - timedelta(days=30)
                )
            )
            out.append(d)
    return out
