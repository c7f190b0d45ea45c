"""`dealbot demo-data` fills the sandbox workspace with a demo team, once, through the CLI."""

from __future__ import annotations

import os
from collections import Counter

from sqlmodel import Session, select

from storage.db import make_engine
from storage.models import (
    Deal,
    DealEvent,
    Interview,
    InterviewAnswer,
    ManagerRep,
    Membership,
    Milestone,
    Nudge,
    Payment,
    Person,
    Quota,
    RedFlag,
    TeamSettings,
)
from tests.support.bot import ROOT, run_cli


def cli_env(db_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DEALBOT_"))}
    env.update(DATABASE_URL=db_url, PYTHONPATH=str(ROOT))
    return env


def test_demo_data_fills_every_stage_and_outcome_once(db_url):
    first = run_cli("demo-data", env=cli_env(db_url))
    assert first.returncode == 0, first.stderr
    assert "14 deals added" in first.stdout
    again = run_cli("demo-data", env=cli_env(db_url))
    assert again.returncode == 0 and "0 deals added, 14 already there" in again.stdout

    with Session(make_engine(db_url)) as s:
        deals = list(s.exec(select(Deal).where(Deal.team_id == "T0SANDBOX")))
        assert len(deals) == 14  # twice loaded, once stored
        assert len({d.account for d in deals}) == 14
        open_stages = {d.stage for d in deals if d.status == "open"}
        assert open_stages == {"qualify", "relationships", "influence", "bid", "negotiate", "deliver"}
        assert Counter(d.status for d in deals) == {
            "open": 8, "won": 1, "lost": 3, "dropped": 1, "on_hold": 1
        }  # fmt: skip
        assert {d.owner_id for d in deals} == {"U0REP1", "U0REP2"}
        assert all(d.amount and d.amount > 0 and d.currency == "CNY" for d in deals)

        lost = list(s.exec(select(DealEvent).where(DealEvent.kind == "lost")))
        assert len(lost) == 3 and all(e.reason and e.competitor for e in lost)
        assert Counter(e.competitor for e in lost)["Sunan Boiler"] == 2

        forced = list(s.exec(select(DealEvent).where(DealEvent.kind == "stage", DealEvent.forced)))
        flags = list(s.exec(select(RedFlag)))
        assert len(forced) == 1 and forced[0].reason
        # issue 11: the knocked-out demo prospect is kept at lower contact, which carries no red flag
        assert {f.kind for f in flags} == {"forced_advance"}
        assert [d.contact_level for d in deals if d.grade == "D" and d.status == "open"] == ["lower"]
        assert all(f.cleared_at is None for f in flags)

        overdue = list(s.exec(select(Nudge).where(Nudge.status == "sent")))
        assert len(overdue) == 2
        for n in overdue:  # SPEC §12 overdue: sent, unanswered, its one reminder over a working day old
            assert n.answered_at is None and n.reminder_sent_at is not None
            assert n.kind == "followup_15" and n.sent_at < n.reminder_sent_at < n.overdue_at
            assert n.available_at is None  # reminded once: the sweep has nothing more to do with it

        quotas = list(s.exec(select(Quota)))
        assert {(q.rep_id, q.period_start.month in (1, 4, 7, 10)) for q in quotas} == {
            ("U0REP1", True), ("U0REP2", True)
        }  # fmt: skip
        won = next(d for d in deals if d.status == "won")
        paid = sum(p.amount for p in s.exec(select(Payment).where(Payment.deal_id == won.id)))
        assert paid == won.amount  # won = full payment received
        assert s.exec(select(Person).where(Person.role == "coach")).first() is not None
        assert s.exec(select(Milestone)).first() is not None
        done = s.exec(select(Interview).where(Interview.status == "done")).all()
        assert done and all(iv.score is not None and iv.grade for iv in done)
        # the answers behind each verdict: the scored choices add up to the stored score
        for iv in done:
            rows = s.exec(select(InterviewAnswer).where(InterviewAnswer.interview_id == iv.id)).all()
            scored = [r.value["score"] for r in rows if isinstance(r.value, dict) and "score" in r.value]
            assert scored and sum(scored) == iv.score, iv.deal_id

        # the sandbox workspace's roles and manager channel come with it
        assert s.get(Membership, ("T0SANDBOX", "U0MGR")).role == "manager"
        assert s.get(ManagerRep, ("T0SANDBOX", "U0MGR", "U0REP1")) is not None
        assert s.get(TeamSettings, "T0SANDBOX").manager_channel == "C0MANAGERS"
