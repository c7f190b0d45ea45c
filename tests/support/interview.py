"""Driving the qualification interview through the sandbox, as a rep would."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from storage.db import make_engine
from storage.models import Deal, Interview, InterviewAnswer

T0 = "2026-11-02T01:00:00+00:00"  # Monday 09:00 in Shanghai, Sunday 20:00 in New York


def register(
    slack,
    sandbox,
    user: str,
    args: str,
    *,
    title: str = "Boilers",
    amount: str | None = None,
    close: str | None = None,
    currency: str | None = None,
):  # noqa: ANN001, ANN201
    reply = slack.command(user, "/deal", f"new {args}")
    assert reply.status == 200, reply.text
    modal = sandbox.state.open_modal(user)
    assert modal is not None and modal["callback_id"] == "deal_new"
    values: dict[str, Any] = {"title": title}
    if amount is not None:
        values["amount"] = amount
    if close is not None:
        values["close"] = close
    if currency is not None:
        values["currency"] = currency
    return slack.submit(user, values)


def question_messages(sandbox, user: str) -> list:  # noqa: ANN001
    return [
        m
        for m in sandbox.state.dm(user)
        if any(str(b.get("block_id", "")).startswith("q:") for b in m.blocks)
    ]


def current_question(sandbox, user: str):  # noqa: ANN001, ANN201
    qs = question_messages(sandbox, user)
    assert qs, "no open question in the DM"
    return qs[-1]


def question_key(msg) -> str:  # noqa: ANN001
    block = next(b for b in msg.blocks if str(b.get("block_id", "")).startswith("q:"))
    return block["block_id"].split(":", 2)[2]


def click_answer(slack, sandbox, user: str, option: str):  # noqa: ANN001, ANN201
    msg = current_question(sandbox, user)
    return slack.click(user, msg, f"q_answer:{option}")


def db(bot) -> Session:  # noqa: ANN001
    return Session(make_engine(bot.env["DATABASE_URL"]))


def the_deal(s: Session, account: str) -> Deal:
    return s.exec(select(Deal).where(Deal.account == account)).one()


def interviews(s: Session, deal_id: int) -> list[Interview]:
    return list(s.exec(select(Interview).where(Interview.deal_id == deal_id).order_by(Interview.id)))


def current_values(s: Session, interview_id: int) -> dict[str, Any]:
    rows = s.exec(
        select(InterviewAnswer).where(
            InterviewAnswer.interview_id == interview_id, InterviewAnswer.superseded_by.is_(None)
        )
    )
    return {r.question_key: ("<skipped>" if r.skipped else r.value) for r in rows}


def all_rows(s: Session, interview_id: int, key: str) -> list[InterviewAnswer]:
    return list(
        s.exec(
            select(InterviewAnswer)
            .where(InterviewAnswer.interview_id == interview_id, InterviewAnswer.question_key == key)
            .order_by(InterviewAnswer.id)
        )
    )


def failed_calls(sandbox) -> list:  # noqa: ANN001
    return [(c.method, c.error) for c in sandbox.state.calls if not c.ok]
