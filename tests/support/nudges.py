"""Helpers for nudge tests: deals created through storage plus the deal hooks (what /deal new does),
and the nudge DMs as a user sees them, tied to their rows by the metadata key."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select

from bot.flows.hooks import emit
from storage.db import session_scope
from storage.models import Deal, Interview, Nudge
from tests.support.factories import hook_context, make_deal


def new_deal(engine, *, owner_id: str, now: datetime, interviewed: bool = True, **fields) -> int:  # noqa: ANN001
    """A deal registered at ``now`` (hooks run in the same transaction), optionally already qualified."""
    with session_scope(engine) as s:
        deal = make_deal(s, owner_id=owner_id, now=now, **fields)
        if interviewed:
            s.add(Interview(team_id=deal.team_id, deal_id=deal.id, rep_id=owner_id, status="done",
                            started_at=now, finished_at=now))  # fmt: skip
        emit(s, "created", deal, hook_context(now, owner_id))
        return deal.id


def rows(engine, **where) -> list[Nudge]:  # noqa: ANN001
    with session_scope(engine) as s:
        q = select(Nudge)
        for k, v in where.items():
            q = q.where(getattr(Nudge, k) == v)
        return list(s.exec(q.order_by(Nudge.id)))


def deal(engine, deal_id: int) -> Deal:  # noqa: ANN001
    with session_scope(engine) as s:
        return s.get(Deal, deal_id)


def nudge_dms(sandbox, engine, user_id: str) -> list[tuple[Nudge, object]]:  # noqa: ANN001
    """(row, message) for every nudge DM the user got (first sends and reminders), oldest first."""
    by_id = {n.id: n for n in rows(engine, owner_id=user_id)}
    out = []
    for m in sandbox.state.dm(user_id):
        key = ((m.metadata or {}).get("event_payload") or {}).get("nudge_key")
        if key:
            out.append((by_id[int(key.split(":")[1])], m))
    return out


def keys_sent(sandbox) -> list[str]:  # noqa: ANN001
    """Every nudge key Slack accepted (duplicates included), from the sandbox's record."""
    with sandbox.state.lock:
        return [
            (m.metadata or {}).get("event_payload", {}).get("nudge_key")
            for m in sandbox.state.messages
            if (m.metadata or {}).get("event_type") == "deal_nudge"
        ]


def start_world(make_bot, sandbox, db_url: str, at: datetime, users=("U0REP1", "U0REP2"), **env):  # noqa: ANN001
    """The real app on a fresh database, clock at ``at``, each user seen once (zone stored)."""
    from sandbox.slack_side import SlackSide
    from storage.db import make_engine

    bot = make_bot(database_url=db_url, **env)
    slack = SlackSide(sandbox, app_url=bot.url)
    bot.set_clock(at.isoformat())
    for u in users:
        assert slack.command(u, "/deal", "away").status == 200
    return bot, slack, make_engine(db_url)


def seed_due(engine, *, count: int, users: list[str], now: datetime, team_id: str = "T0SANDBOX") -> list[int]:  # noqa: ANN001
    """``count`` open deals, each with one day-1 nudge already due (bulk insert; for race tests)."""
    from storage.models import Deal as D

    deals = [
        dict(team_id=team_id, owner_id=users[i % len(users)], account=f"Account {i}", title="", currency="CNY",
             stage="qualify", stage_entered_at=now, status="open", contact_level="normal", committed=False,
             followup_cycle=0, followup_t0=now, version=1, created_at=now, updated_at=now)
        for i in range(count)
    ]  # fmt: skip
    with engine.begin() as c:
        ids = [r[0] for r in c.execute(D.__table__.insert().returning(D.__table__.c.id), deals)]
        c.execute(
            Nudge.__table__.insert(),
            [
                dict(team_id=team_id, deal_id=d, owner_id=deals[i]["owner_id"], kind="followup_1", cycle=0,
                     due_at=now, send_after=now, available_at=now, status="pending", attempts=0, created_at=now)
                for i, d in enumerate(ids)
            ],
        )  # fmt: skip
    return ids
