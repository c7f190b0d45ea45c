"""A hand-computed funnel: 31 deals over three reps, written straight through storage.

The digest is due Monday 2026-11-23 09:00 Asia/Shanghai (01:00 UTC); the quota period is 2026-Q4.
Every expected figure is worked out by hand in tests/flows/test_funnel_digest.py.

Issue 11 (the 965531 ladder, the period's forecast and commitment): each open deal stands on the rung
of the last milestone it met in order (``RUNG``: the stage before its own unless said otherwise), has
an expected close in or out of 2026-Q4 (``CLOSE``), and a commitment names its period (``COMMIT``).
The seven cases of acceptance bullet 4: n1 forced past bid's milestone (45%, not 80%), q5 at lower
contact, q3/q4 below the funnel (no milestone) and q2 failed but pursued, n3 and d4 in USD, n2's
commitment for 2026-Q3 lapsed, b1/b3/n2 closing after the period, d1/d2/d3/d4 signed.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlmodel import Session, select

from storage.models import (
    DigestRun,
    Interview,
    InterviewAnswer,
    Nudge,
    Payment,
    Person,
    Quota,
    RedFlag,
)
from storage.repo.deals import add_event
from tests.support.factories import make_deal

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai
LONG_AGO = datetime(2026, 9, 1, 1, 0, tzinfo=UTC)
R1, R2, R3 = "U0REP1", "U0REP2", "U0REP3"
CHANNEL = "C0MANAGERS"


def at(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


PREVIOUS = {"relationships": "qualify", "influence": "relationships", "bid": "influence", "negotiate": "bid",
            "deliver": "negotiate"}  # fmt: skip
RUNG = {  # exceptions to "the stage before its own" (a key absent here follows PREVIOUS)
    "q1": "qualify",  # qualified, still in stage 1: 10%
    "n1": "influence",  # forced past bid's milestone: stays at 45%
    "n2": "negotiate~negotiation_under_way",  # the checkpoint: 80%
}
CLOSE = {
    "q1": date(2026, 12, 30), "r1": date(2026, 12, 15), "r2": date(2026, 11, 1), "i1": date(2026, 12, 20),
    "i2": date(2026, 12, 1), "i3": date(2026, 12, 28), "b1": date(2027, 2, 15), "b2": date(2026, 12, 10),
    "b3": date(2027, 3, 1), "n1": date(2026, 12, 31), "n2": date(2027, 1, 15), "n3": date(2026, 12, 5),
}  # fmt: skip
COMMIT = {"i1": "2026-Q4", "b1": "2026-Q4", "n1": "2026-Q4", "n2": "2026-Q3", "n3": "2026-Q4"}


def _deal(s: Session, name: str, owner: str, stage: str, amount: int, *, created=LONG_AGO, entered=None, **f):  # noqa: ANN001, ANN202
    key = name.split()[0].lower().replace("x1", "dr1")
    f.setdefault("earned_rung", RUNG.get(key, PREVIOUS.get(stage)))
    if key in CLOSE and "expected_close" not in f:
        f["expected_close"] = CLOSE[key]
    if key in COMMIT:
        f["commit_period"] = COMMIT[key]
    deal = make_deal(s, owner_id=owner, now=created, account=name, title="", amount=amount, stage=stage, **f)
    deal.stage_entered_at = entered or ago(7)
    s.add(deal)
    return deal


def _people(s: Session, deal, *, coach: bool = True, dm: bool | None = True) -> None:  # noqa: ANN001
    if coach:
        s.add(
            Person(
                team_id=deal.team_id,
                deal_id=deal.id,
                name="Coach",
                role="coach",
                created_at=NOW,
                updated_at=NOW,
            )
        )
    if dm is not None:
        s.add(
            Person(
                team_id=deal.team_id,
                deal_id=deal.id,
                name="Boss",
                role="decision_maker",
                met=dm,
                created_at=NOW,
                updated_at=NOW,
            )
        )


def _advance(s: Session, deal, frm: str, to: str, when: datetime, *, forced: bool = False) -> None:  # noqa: ANN001
    add_event(
        s,
        deal=deal,
        kind="stage",
        actor_id=deal.owner_id,
        at=when,
        from_value=frm,
        to_value=to,
        forced=forced,
    )


def _close(s: Session, deal, kind: str, when: datetime, **f) -> None:  # noqa: ANN001
    deal.status = kind
    deal.closed_at = when
    s.add(deal)
    add_event(s, deal=deal, kind=kind, actor_id=deal.owner_id, at=when, **f)


def _answers(s: Session, deal, values: dict) -> None:  # noqa: ANN001
    iv = Interview(
        team_id=deal.team_id, deal_id=deal.id, rep_id=deal.owner_id, status="done", started_at=LONG_AGO
    )
    s.add(iv)
    s.flush()
    for key, value in values.items():
        s.add(
            InterviewAnswer(
                team_id=deal.team_id,
                interview_id=iv.id,
                question_key=key,
                value=value,
                answered_by=deal.owner_id,
                answered_at=LONG_AGO,
            )
        )
    s.flush()


def _nudge(
    s: Session, deal, cycle: int, *, due: datetime, sent: bool = True, answered=None, reminded=None
) -> None:  # noqa: ANN001
    s.add(
        Nudge(
            team_id=deal.team_id,
            deal_id=deal.id,
            owner_id=deal.owner_id,
            kind="followup_15" if cycle % 2 else "followup_1",
            cycle=cycle,
            due_at=due,
            send_after=due,
            status=("answered" if answered else "sent") if sent else "pending",
            sent_at=due if sent else None,
            answered_at=answered,
            reminder_sent_at=reminded,
            created_at=due,
        )
    )


def build(s: Session) -> dict:
    d = {}
    # -- open deals, rep 1
    d["q1"] = _deal(s, "Q1 Anshan Works", R1, "qualify", 1_000_000, created=ago(3), entered=ago(3), grade="A")
    d["q2"] = _deal(
        s, "Q2 Baotou Mill", R1, "qualify", 500_000, entered=ago(10), grade="D", qualification_failed=True
    )
    d["r1"] = _deal(s, "R1 Ruian Steel", R1, "relationships", 2_000_000, entered=ago(20), grade="B")
    d["i1"] = _deal(s, "I1 Ili Power", R1, "influence", 4_000_000, entered=ago(5), grade="A", committed=True)
    d["b1"] = _deal(
        s,
        "B1 Binzhou Port",
        R1,
        "bid",
        3_000_000,
        entered=ago(10),
        grade="B",
        committed=True,
        probability_override=70,
    )
    d["n1"] = _deal(
        s, "N1 Ningbo Grid", R1, "negotiate", 5_000_000, entered=ago(6), grade="A", committed=True
    )
    d["d1"] = _deal(s, "D1 Datong Rail", R1, "deliver", 6_000_000, entered=at(2026, 11, 10), grade="A")
    d["d3"] = _deal(s, "D3 Dalian Chem", R1, "deliver", 1_500_000, entered=at(2026, 11, 20), grade="A")
    # -- open deals, rep 2
    d["q3"] = _deal(s, "Q3 Qingdao Beer", R2, "qualify", 800_000, grade="C")
    d["q4"] = _deal(s, "Q4 Quzhou Paper", R2, "qualify", 200_000, created=ago(2), entered=ago(2))
    d["r2"] = _deal(
        s, "R2 Rizhao Steel", R2, "relationships", 1_500_000, grade="B", expected_close=date(2026, 11, 1)
    )
    d["i2"] = _deal(s, "I2 Ichang Glass", R2, "influence", 2_000_000, grade="B", probability_override=50)
    d["b2"] = _deal(s, "B2 Baoding Auto", R2, "bid", 1_000_000, grade="A")
    d["n2"] = _deal(s, "N2 Nanjing Metro", R2, "negotiate", 2_500_000, grade="A", committed=True)
    d["n3"] = _deal(s, "N3 Newark Plant", R2, "negotiate", 100_000, grade="B", committed=True, currency="USD")
    d["d4"] = _deal(
        s, "D4 Denver Mill", R2, "deliver", 50_000, entered=at(2026, 11, 2), grade="B", currency="USD"
    )
    # -- open deals, rep 3
    d["q5"] = _deal(
        s,
        "Q5 Quanzhou Tea",
        R3,
        "qualify",
        300_000,
        grade="D",
        contact_level="lower",
        qualification_failed=True,
    )
    d["r3"] = _deal(s, "R3 Rugao Textile", R3, "relationships", 700_000, grade="C")
    d["i3"] = _deal(s, "I3 Inner Mongolia Coal", R3, "influence", 1_000_000, grade="C")
    d["b3"] = _deal(s, "B3 Bengbu Glass", R3, "bid", 2_000_000, grade="B")
    d["d2"] = _deal(s, "D2 Dongguan Toys", R3, "deliver", 1_200_000, entered=at(2026, 9, 20), grade="B")
    # -- closed and delayed
    d["w1"] = _deal(s, "W1 Wenzhou Hotel", R1, "deliver", 3_000_000, entered=at(2026, 10, 15), grade="A")
    d["w2"] = _deal(s, "W2 Wuhan Hospital", R2, "deliver", 2_000_000, entered=at(2026, 9, 15), grade="A")
    d["w3"] = _deal(s, "W3 Wuxi School", R3, "deliver", 900_000, entered=at(2026, 8, 1), grade="B")
    d["l1"] = _deal(s, "L1 Luoyang Boiler", R1, "bid", 1_000_000, grade="B")
    d["l2"] = _deal(s, "L2 Lanzhou Heat", R2, "negotiate", 1_800_000, grade="B")
    d["l3"] = _deal(s, "L3 Linyi Foods", R3, "influence", 600_000, grade="C")
    d["l4"] = _deal(s, "L4 Lhasa Hotel", R1, "relationships", 400_000, grade="C")
    d["l5"] = _deal(s, "L5 Leshan Cement", R2, "influence", 900_000, grade="B")
    d["dr1"] = _deal(s, "X1 Xiamen Shoes", R3, "qualify", 250_000, grade="D")
    d["h1"] = _deal(s, "H1 Hefei Screens", R2, "bid", 1_100_000, grade="B")
    s.flush()

    # people: a coach past stage 2 everywhere but i1; a met decision-maker from the bid on, but b2
    for k in ("i2", "i3", "b1", "b3", "n1", "n2", "n3", "d1", "d2", "d3", "d4"):
        _people(s, d[k])
    _people(s, d["b2"], dm=False)

    # history
    _advance(s, d["i1"], "relationships", "influence", ago(5))
    _advance(s, d["n1"], "bid", "negotiate", ago(6), forced=True)
    s.add(
        RedFlag(
            team_id="T0SANDBOX",
            deal_id=d["n1"].id,
            kind="forced_advance",
            reason="customer in a hurry",
            raised_by=R1,
            raised_at=ago(6),
        )
    )
    s.add(
        RedFlag(
            team_id="T0SANDBOX",
            deal_id=d["b1"].id,
            kind="forced_advance",
            reason="old",
            raised_by=R1,
            raised_at=ago(30),
            cleared_at=ago(20),
            cleared_by="U0MGR",
        )
    )
    _advance(s, d["d1"], "negotiate", "deliver", at(2026, 11, 10))
    _advance(s, d["d3"], "negotiate", "deliver", at(2026, 11, 20))
    _advance(s, d["d4"], "negotiate", "deliver", at(2026, 11, 2))
    _advance(s, d["d2"], "negotiate", "deliver", at(2026, 9, 20))
    _advance(s, d["w1"], "negotiate", "deliver", at(2026, 10, 15))
    _advance(s, d["w2"], "negotiate", "deliver", at(2026, 9, 15))
    _advance(s, d["w3"], "negotiate", "deliver", at(2026, 8, 1))
    _close(s, d["w1"], "won", at(2026, 11, 18))
    _close(s, d["w2"], "won", at(2026, 10, 5))
    _close(s, d["w3"], "won", at(2026, 9, 1))
    _close(s, d["l1"], "lost", at(2026, 11, 20), reason="price", competitor="Sunan Boiler")
    _close(s, d["l2"], "lost", at(2026, 10, 10), reason="price", competitor="Sunan Boiler")
    _close(s, d["l3"], "lost", at(2026, 9, 10), reason="technology", competitor="Harbin Heat")
    _close(s, d["l4"], "lost", at(2026, 8, 1), reason="relationship", competitor="Old Rival")
    _close(s, d["l5"], "lost", at(2026, 11, 1), reason="no_decision")
    _close(s, d["dr1"], "dropped", at(2026, 11, 19))
    _close(s, d["h1"], "on_hold", at(2026, 11, 17))

    # money: quotas, payments (one in USD, one before the period)
    for rep, amount in ((R1, 10_000_000), (R2, 5_000_000), (R3, 4_000_000)):
        s.add(
            Quota(
                team_id="T0SANDBOX",
                rep_id=rep,
                period="2026-Q4",
                period_start=date(2026, 10, 1),
                period_end=date(2027, 1, 1),
                amount=Decimal(amount),
                set_by="U0MGR",
                set_at=LONG_AGO,
            )
        )
    s.add(
        Quota(
            team_id="T0SANDBOX",
            rep_id=R1,
            period="2027-Q1",
            period_start=date(2027, 1, 1),
            period_end=date(2027, 4, 1),
            amount=Decimal(99_000_000),
            set_by="U0MGR",
            set_at=LONG_AGO,
        )
    )
    for key, amount, day, cur in (
        ("w1", 1_000_000, date(2026, 10, 20), "CNY"),
        ("w1", 2_000_000, date(2026, 11, 18), "CNY"),
        ("w2", 2_000_000, date(2026, 10, 5), "CNY"),
        ("w2", 500_000, date(2026, 9, 20), "CNY"),
        ("d4", 20_000, date(2026, 11, 5), "USD"),
    ):
        s.add(
            Payment(
                team_id="T0SANDBOX",
                deal_id=d[key].id,
                amount=Decimal(amount),
                currency=cur,
                paid_on=day,
                recorded_by=R1,
                recorded_at=NOW,
            )
        )

    # qualification answers of lost and won deals, as the interview stores them: the chosen option's
    # value for scored questions (budget_realistic: realistic 2 / so_so 1 / unrealistic 0; edge_price:
    # ahead 2 / equal 1 / behind 0), a number or {"score": n} counts as that score; the budget amount
    # and the coach's name are not scored items and never count
    _answers(
        s,
        d["l1"],
        {"budget_realistic": "unrealistic", "edge_price": "equal", "budget": 3_000_000, "coach": "Mr. Li"},
    )
    _answers(s, d["l2"], {"budget_realistic": "so_so", "edge_price": {"score": 1}, "budget": 1})
    _answers(s, d["w1"], {"budget_realistic": "realistic", "edge_price": "ahead"})
    _answers(s, d["w2"], {"budget_realistic": 2, "edge_price": "behind"})
    _answers(s, d["q1"], {"budget_realistic": "unrealistic", "edge_price": "behind"})  # open: not counted
    old = InterviewAnswer(
        team_id="T0SANDBOX",
        interview_id=_interview_of(s, d["l2"]),
        question_key="budget_realistic",
        value="realistic",
        answered_by=R2,
        answered_at=LONG_AGO,
    )
    s.add(old)
    s.flush()
    newest = s.exec(
        select(InterviewAnswer)
        .where(
            InterviewAnswer.interview_id == old.interview_id,
            InterviewAnswer.question_key == "budget_realistic",
            InterviewAnswer.superseded_by.is_(None),
        )
        .order_by(InterviewAnswer.id)
    ).first()
    old.superseded_by = newest.id  # an answer changed later: only the current one counts
    s.add(old)

    # follow-ups in the last 28 days: rep 1 3 of 4 on time, rep 2 1 of 2, rep 3 0 of 1 (overdue)
    _nudge(s, d["q1"], 1, due=ago(2), answered=ago(1.9))
    _nudge(s, d["r1"], 1, due=ago(10), answered=ago(9))
    _nudge(s, d["i1"], 1, due=ago(12), answered=ago(11), reminded=ago(10))
    _nudge(s, d["b1"], 1, due=ago(20), answered=ago(17), reminded=ago(18))  # answered after the reminder
    _nudge(s, d["b1"], 3, due=ago(40), answered=ago(35), reminded=ago(38))  # outside the 28 days
    _nudge(s, d["n2"], 1, due=ago(5), answered=ago(4))
    _nudge(s, d["i2"], 1, due=ago(2), reminded=NOW - timedelta(hours=1))  # not yet a working day old
    _nudge(s, d["i3"], 1, due=ago(6), reminded=ago(4))  # overdue: reminded Thursday, still silent
    _nudge(s, d["b3"], 1, due=ago(1), sent=False)  # not sent yet: not due
    # last week's digest, for "change since last week"
    s.add(
        DigestRun(
            team_id="T0SANDBOX",
            channel_id=CHANNEL,
            period_start=datetime(2026, 11, 15, 16, 0, tzinfo=UTC),
            status="posted",
            message_ts="1.000001",
            figures={
                "quota": "19000000.00",
                "forecast": "22000000.00",
                "commitment": "15000000.00",
                "achievement": "9000000.00",
                "won": "5000000.00",
                "cash": "4000000.00",
            },
            created_at=ago(7),
            posted_at=ago(7),
        )
    )
    s.flush()
    return d


def _interview_of(s: Session, deal) -> int:  # noqa: ANN001
    return s.exec(select(Interview.id).where(Interview.deal_id == deal.id)).one()
