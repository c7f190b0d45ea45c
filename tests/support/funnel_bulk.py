"""Many deals fast (Core bulk inserts), for the Slack-limits test and bench/digest_bench.py.

A deterministic spread over reps, stages, grades, statuses and currencies, with red flags, losses
with long competitor names, quotas, payments and follow-ups, so every part of the digest is full.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import insert
from sqlalchemy.engine import Engine

from storage.models import Deal, DealEvent, Nudge, Payment, Quota, RedFlag

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
STAGES = ("qualify", "relationships", "influence", "bid", "negotiate", "deliver")
STATUSES = ("open",) * 7 + ("won", "lost", "dropped", "on_hold")
BATCH = 5000


def rep_id(i: int) -> str:
    return f"U0BULK{i:04d}"


def populate(
    engine: Engine, *, deals: int, reps: int, team_id: str = "T0SANDBOX", all_open: bool = False
) -> None:
    with engine.begin() as conn:
        first_id = None
        for start in range(0, deals, BATCH):
            rows = [_deal(i, reps, team_id, all_open) for i in range(start, min(deals, start + BATCH))]
            conn.execute(insert(Deal), rows)
        first_id = conn.execute(
            Deal.__table__.select().with_only_columns(Deal.id).order_by(Deal.id).limit(1)
        ).scalar()
        for start in range(0, deals, BATCH):
            ids = range(first_id + start, first_id + min(deals, start + BATCH))
            events, flags, nudges, payments = [], [], [], []
            for n, deal_id in enumerate(ids, start):
                owner = rep_id(n % reps)
                status = "open" if all_open else STATUSES[n % len(STATUSES)]
                at = NOW - timedelta(days=n % 120, hours=n % 24)
                events.append(_event(team_id, deal_id, "created", owner, at))
                if status != "open":
                    extra = {}
                    if status == "lost":
                        extra = {
                            "reason": ("price", "technology", "timing", "other")[n % 4],
                            "competitor": _competitor(n),
                        }
                    events.append(_event(team_id, deal_id, status, owner, at + timedelta(hours=1), **extra))
                if n % 7 == 3:
                    events.append(
                        _event(
                            team_id, deal_id, "stage", owner, at, from_value="negotiate", to_value="deliver"
                        )
                    )
                if n % 11 == 0:
                    flags.append(
                        {
                            "team_id": team_id,
                            "deal_id": deal_id,
                            "kind": "forced_advance",
                            "reason": "in a hurry",
                            "raised_by": owner,
                            "raised_at": at,
                        }
                    )
                if n % 5 == 0:
                    nudges.append(_nudge(team_id, deal_id, owner, n))
                if n % 13 == 0:
                    payments.append(
                        {
                            "team_id": team_id,
                            "deal_id": deal_id,
                            "amount": Decimal(10_000 + n),
                            "currency": "CNY",
                            "paid_on": (at - timedelta(days=1)).date(),
                            "recorded_by": owner,
                            "recorded_at": at,
                        }
                    )
            conn.execute(insert(DealEvent), events)
            if flags:
                conn.execute(insert(RedFlag), flags)
            if nudges:
                conn.execute(insert(Nudge), nudges)
            if payments:
                conn.execute(insert(Payment), payments)
        conn.execute(
            insert(Quota),
            [
                {
                    "team_id": team_id,
                    "rep_id": rep_id(r),
                    "period": "2026-Q4",
                    "period_start": date(2026, 10, 1),
                    "period_end": date(2027, 1, 1),
                    "amount": Decimal(5_000_000 + r * 1000),
                    "currency": "CNY",
                    "set_by": "U0MGR",
                    "set_at": NOW,
                }
                for r in range(reps)
            ],
        )


def _competitor(n: int) -> str:
    return f"竞争对手 Competitor {n % 40} " + "Heavy Industries Group Co. " * 6


def _deal(i: int, reps: int, team_id: str, all_open: bool) -> dict:
    at = NOW - timedelta(days=i % 90, hours=i % 24)
    return {
        "team_id": team_id,
        "owner_id": rep_id(i % reps),
        "account": f"客户 {i} — Wenzhou Hotel & Resort 🏨 Boilers " + "x" * (i % 120),
        "title": f"Phase {i % 9}",
        "amount": Decimal(100_000 + (i * 7919) % 9_000_000),
        "currency": "USD" if i % 17 == 0 else "CNY",
        "stage": STAGES[i % len(STAGES)],
        # issue 11: each deal at the rung of its stage's previous milestone (stage 1: qualified)
        "earned_rung": STAGES[max(i % len(STAGES) - 1, 0)],
        "qualification_failed": False,
        "contact_touch": 0,
        "stage_entered_at": at,
        "status": "open" if all_open else STATUSES[i % len(STATUSES)],
        "grade": ("A", "B", "C", "D", None)[i % 5],
        "expected_close": (NOW + timedelta(days=(i % 200) - 60)).date(),
        "contact_level": "lower" if i % 10 == 4 else "normal",
        "committed": i % 6 == 0,
        "probability_override": 65 if i % 19 == 0 else None,
        "followup_cycle": 0,
        "version": 1,
        "created_at": at,
        "updated_at": at,
    }


def _event(team_id: str, deal_id: int, kind: str, actor: str, at: datetime, **f) -> dict:
    row = {"team_id": team_id, "deal_id": deal_id, "kind": kind, "actor_id": actor, "at": at, "forced": False}
    row.update({k: None for k in ("from_value", "to_value", "reason", "competitor", "note", "milestone_met")})
    row.update(f)
    return row


def _nudge(team_id: str, deal_id: int, owner: str, n: int) -> dict:
    due = NOW - timedelta(days=n % 25 + 1)
    answered = due + timedelta(hours=3) if n % 3 else None
    return {
        "team_id": team_id,
        "deal_id": deal_id,
        "owner_id": owner,
        "kind": "followup_15",
        "cycle": 0,
        "due_at": due,
        "send_after": due,
        "status": "answered" if answered else "sent",
        "sent_at": due,
        "answered_at": answered,
        "reminder_sent_at": due + timedelta(days=1),
        "attempts": 1,
        "created_at": due,
    }
