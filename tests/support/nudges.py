"""Helpers for nudge tests: deals created through storage plus the deal hooks (what /deal new does),
and the nudge DMs as a user sees them, tied to their rows by the metadata key."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select

from bot.flows.hooks import emit
from storage.db import session_scope
from storage.models import Deal, Interview, Nudge
from tests.support.factories import make_deal


def new_deal(engine, *, owner_id: str, now: datetime, interviewed: bool = True, **fields) -> int:  # noqa: ANN001
    """A deal registered at ``now`` (hooks run in the same transaction), optionally already qualified."""
    with session_scope(engine) as s:
        deal = make_deal(s, owner_id=owner_id, now=now, **fields)
        if interviewed:
            s.add(Interview(team_id=deal.team_id, deal_id=deal.id, rep_id=owner_id, status="done",
                            started_at=now, finished_at=now))  # fmt: skip
        emit(s, "created", deal, now=now, actor_id=owner_id)
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
