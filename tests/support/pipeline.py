"""Helpers for the pipeline's acceptance tests: the bot's database, a passed interview, what a user sees."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session, select

from storage.db import make_engine
from storage.models import Deal, DealEvent, Interview, Person
from tests.support.factories import make_deal


class BotDb:
    """The database the bot process uses, opened from the test (rows in, rows out): the bot's own
    (``BotProcess``) or the one at a URL (the sandbox app of the browser tests)."""

    def __init__(self, bot_or_url) -> None:  # noqa: ANN001
        url = bot_or_url if isinstance(bot_or_url, str) else bot_or_url.env["DATABASE_URL"]
        self.engine = make_engine(url)

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def deal(self, deal_id: int) -> Deal:
        with self.session() as s:
            return s.get(Deal, deal_id)

    def add_deal(self, **kw) -> Deal:
        with self.session() as s:
            deal = make_deal(s, now=kw.pop("now", datetime.now(UTC)), **kw)
            s.commit()
            return deal

    def pass_interview(self, deal: Deal, *, score: int = 16, knocked_out: bool = False) -> None:
        now = datetime.now(UTC)
        with self.session() as s:
            s.add(
                Interview(
                    team_id=deal.team_id,
                    deal_id=deal.id,
                    rep_id=deal.owner_id,
                    status="done",
                    score=score,
                    grade="A",
                    knocked_out=knocked_out,
                    started_at=now,
                    finished_at=now,
                )
            )
            s.commit()

    def events(self, deal_id: int, kind: str | None = None) -> list[DealEvent]:
        with self.session() as s:
            q = select(DealEvent).where(DealEvent.deal_id == deal_id).order_by(DealEvent.id)
            return [e for e in s.exec(q) if kind is None or e.kind == kind]

    def rows(self, model, **where) -> list:  # noqa: ANN001
        with self.session() as s:
            q = select(model)
            for k, v in where.items():
                q = q.where(getattr(model, k) == v)
            return list(s.exec(q))

    def people(self, deal_id: int) -> list[Person]:
        return self.rows(Person, deal_id=deal_id)

    def close(self) -> None:
        self.engine.dispose()


def all_text(blocks_or_view) -> str:  # noqa: ANN001
    """Every text in a message's blocks or a view (sections, fields, context, headers, inputs)."""
    blocks = blocks_or_view.get("blocks", []) if isinstance(blocks_or_view, dict) else blocks_or_view
    out: list[str] = []

    def walk(node) -> None:  # noqa: ANN001
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "text" and isinstance(v, str):
                    out.append(v)
                else:
                    walk(v)
        elif isinstance(node, list):
            for x in node:
                walk(x)

    walk(blocks)
    return "\n".join(out)


def last_to(sandbox, user: str):  # noqa: ANN001
    """The newest message the user sees from the bot (DM or ephemeral)."""
    msgs = [
        m
        for m in sandbox.state.messages
        if not m.deleted
        and m.bot_id
        and (m.ephemeral_to == user or m.channel == sandbox.state.dm_channel(user))
    ]
    return msgs[-1] if msgs else None
