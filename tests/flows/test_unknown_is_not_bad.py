"""Unknown is not bad (SPEC §3.3) and grades as the method ranks them (§3.4), as rules: the use cases called
with a real engine and no process. A skipped item is to find out; an interview with an unknown knock-out
item or more than two unknown scored items ends "assessment incomplete" with a provisional grade, counted
as "incomplete" in the grade mix, blocking stage 1's milestone, and reminded while items are open."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.blocks.deal_card import grade_line
from bot.blocks.deal_list import summary_line
from bot.blocks.home import home_view
from bot.config import Settings
from bot.flows.errors import MilestoneMissing
from bot.flows.followups import planning
from bot.flows.funnel import figures
from bot.flows.pipeline.home import build_home
from bot.flows.pipeline.stage import advance, plan_advance
from bot.flows.pipeline.status import card_of
from bot.flows.qualification import interview as iv_flow
from bot.flows.qualification import navigation
from bot.flows.qualification.registration import Draft, register
from bot.flows.team.config import team_config
from bot.flows.team.users import Actor
from bot.process import load_process
from sandbox.checks import check_view
from storage.db import session_scope
from storage.models import Deal, Interview, Nudge
from storage.repo.funnel import Scope
from tests.support.factories import make_deal

T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai
TEAM, REP = "T0SANDBOX", "U0REP1"
ACTOR = Actor(team_id=TEAM, user_id=REP, locale="en", tz="Asia/Shanghai")
SETTINGS = Settings(_env_file=None)
PROCESS = load_process(SETTINGS)
ENV: dict[str, Any] = {"settings": SETTINGS, "process": PROCESS}
KNOWN = {  # a strong prospect, answered in full
    "need": "pain", "icp_fit": "yes", "hard_constraint": "no", "meets_needs": "yes",
    "budget": {"amount": "3000000", "currency": "CNY"}, "budget_realistic": "realistic", "credit": "good",
    "close_date": "2027-01-31", "coach": "none", "order_size": {"amount": "3000000", "currency": "CNY"},
    "margin": 25, "competitor_count": 2, "competitors": "Sunan Boiler", "edge_product": "ahead",
    "edge_price": "equal", "edge_service": "ahead", "relationship": "average", "entry_timing": "midway",
    "further_business": "yes",
}  # fmt: skip
NOVICE_SKIPS = {"need", "budget", "budget_realistic", "credit", "margin", "edge_product", "edge_price",
                "edge_service"}  # fmt: skip


def interview(engine, account: str, skip: set[str], answers: dict | None = None, now: datetime = T0) -> int:  # noqa: ANN001
    """Register a deal and answer its interview through the flows, skipping ``skip``; the deal id."""
    answers = {**KNOWN, **(answers or {})}
    with session_scope(engine) as s:
        first = team_config(s, SETTINGS, TEAM).stages.first.key
        step = register(s, ACTOR, Draft(account=account, amount="3m"), now, first, **ENV)
        while step.ask is not None:
            key = step.ask.key
            if key in skip:
                step = navigation.skip(s, ACTOR, step.interview_id, key, now, None, **ENV)
            else:
                step = iv_flow.answer(s, ACTOR, step.interview_id, key, answers[key], now, **ENV)
        assert step.verdict is not None
        return step.deal.id


def get(engine, deal_id: int) -> Deal:  # noqa: ANN001
    with session_scope(engine) as s:
        return s.get(Deal, deal_id)


def answer_later(engine, deal_id: int, key: str, value: Any, now: datetime) -> iv_flow.Step:  # noqa: ANN001
    """An item answered later, as the card's checklist does it: asked again, then answered."""
    with session_scope(engine) as s:
        iid = s.exec(Interview.__table__.select().where(Interview.deal_id == deal_id)).first().id
        navigation.change(s, ACTOR, iid, key, qset=PROCESS.questions)
        return iv_flow.answer(s, ACTOR, iid, key, value, now, **ENV)


def test_the_novice_is_assessed_incomplete_with_a_provisional_grade_not_d(engine):
    deal_id = interview(engine, "Novice Co", NOVICE_SKIPS)
    deal = get(engine, deal_id)
    # 8 on the 5 answered items -> 16 of 20: above the pass line, near close -> provisional A (was D: skips = 0)
    assert (deal.grade, deal.score, deal.assessment_incomplete) == ("A", 16, True)
    with session_scope(engine) as s:
        step = iv_flow.start_or_resume(s, ACTOR, deal_id, T0, **ENV)  # /deal qualify continues, asks "need"
        assert step.ask.key == "need" and step.verdict is None
        card = card_of(s, s.get(Deal, deal_id), team_config(s, SETTINGS, TEAM).stages, T0,
                       questions=PROCESS.questions)  # fmt: skip
    assert {k for k, _ in card.to_find_out} == NOVICE_SKIPS
    assert grade_line(card, "en") == "*Assessment incomplete* · provisional grade A · 16/20"


def test_two_unknown_scored_items_still_complete_three_do_not(engine):
    two = get(engine, interview(engine, "Two Co", {"edge_price", "edge_service"}))
    three = get(engine, interview(engine, "Three Co", {"edge_price", "edge_service", "edge_product"}))
    assert (two.assessment_incomplete, three.assessment_incomplete) == (False, True)


def test_stage_one_milestone_needs_a_complete_assessment(engine):
    deal_id = interview(engine, "Gate Co", {"credit"})  # the rest is strong, but credit is a knock-out item
    with session_scope(engine) as s:
        stages = team_config(s, SETTINGS, TEAM).stages
        plan = plan_advance(s, ACTOR, stages, deal_id, pass_line=12)
        checks = {c.key: c.ok for c in plan.checks}
        assert checks == {"interview_done": True, "assessment_complete": False, "interview_passed": True}
        with pytest.raises(MilestoneMissing):
            advance(s, ACTOR, stages, deal_id, version=None, now=T0, pass_line=12, what=None, met_on=T0.date(),
                    **ENV)  # fmt: skip
    answer_later(engine, deal_id, "credit", "good", T0 + timedelta(days=2))
    with session_scope(engine) as s:
        plan = plan_advance(s, ACTOR, team_config(s, SETTINGS, TEAM).stages, deal_id, pass_line=12)
        assert plan.auto_met


def test_answering_items_later_updates_the_score_and_completes_the_grade(engine):
    deal_id = interview(engine, "Later Co", NOVICE_SKIPS)
    step = answer_later(engine, deal_id, "credit", "average", T0 + timedelta(days=3))
    assert step.ask is not None and step.ask.key == "margin"  # the next item to find out follows
    deal = get(engine, deal_id)
    assert (deal.score, deal.assessment_incomplete) == (15, True)  # 9 on 6 items: 15 of 20, still open
    for key, value in (("edge_product", "behind"), ("edge_price", "behind")):
        answer_later(engine, deal_id, key, value, T0 + timedelta(days=3))
    deal = get(engine, deal_id)  # 9 on 8 items, 2 unknown, no knock-out unknown: complete, 11 < 12 -> failed
    assert (deal.grade, deal.score, deal.assessment_incomplete) == ("D", 11, False)


def test_the_reminder_keeps_coming_while_items_are_open(engine):
    deal_id = interview(engine, "Remind Co", NOVICE_SKIPS)
    with session_scope(engine) as s:
        (row,) = s.exec(Nudge.__table__.select().where(Nudge.deal_id == deal_id,
                                                       Nudge.kind == "qualification_incomplete")).all()  # fmt: skip
        assert row.status == "pending" and row.cycle == 0
        n, deal = s.get(Nudge, row.id), s.get(Deal, deal_id)
        assert planning.stale_reason(s, SETTINGS, n, deal) is None  # finished, but items open: it goes out
        planning.start_new_cycle(s, SETTINGS, deal, T0 + timedelta(days=30))  # day 30 keep: a new cycle
    with session_scope(engine) as s:
        rows = s.exec(Nudge.__table__.select().where(Nudge.deal_id == deal_id,
                                                     Nudge.kind == "qualification_incomplete")).all()  # fmt: skip
        assert [(r.cycle, r.due_at) for r in rows] == [
            (0, T0 + timedelta(days=1)),
            (1, T0 + timedelta(days=31)),
        ]
    for key in ("credit", "edge_product", "edge_price"):  # enough found out: complete
        answer_later(engine, deal_id, key, "good" if key == "credit" else "ahead", T0 + timedelta(days=31))
    with session_scope(engine) as s:
        rows = s.exec(Nudge.__table__.select().where(Nudge.deal_id == deal_id,
                                                     Nudge.kind == "qualification_incomplete")).all()  # fmt: skip
        assert {(r.status, r.reason) for r in rows} == {("skipped", "interview_finished")}


def test_a_complete_interview_gets_no_reminder(engine):
    deal_id = interview(engine, "Done Co", set())
    with session_scope(engine) as s:
        rows = s.exec(Nudge.__table__.select().where(Nudge.deal_id == deal_id,
                                                     Nudge.kind == "qualification_incomplete")).all()  # fmt: skip
    assert [r.status for r in rows] == ["skipped"]


def test_the_grade_mix_counts_a_provisional_grade_as_incomplete(engine):
    interview(engine, "Novice Co", NOVICE_SKIPS)  # provisional A
    interview(engine, "Strong Co", set())  # A
    with session_scope(engine) as s:
        cfg = team_config(s, SETTINGS, TEAM)
        f = figures.compute(s, cfg, now=T0 + timedelta(days=1), scope=Scope(team_id=TEAM))
    assert f.grades == {"A": 1, "incomplete": 1}


# --- point 7: grades as the method ranks them ---------------------------------------------------------
def _graded(s, account: str, grade: str, *, failed: bool = False, **fields) -> Deal:  # noqa: ANN001
    deal = make_deal(s, owner_id=REP, account=account, now=T0 - timedelta(days=3), grade=grade, **fields)
    s.add(Interview(team_id=TEAM, deal_id=deal.id, rep_id=REP, status="done", started_at=T0, finished_at=T0,
                    knocked_out=failed, recommendation="drop" if failed else "pursue", grade=grade))  # fmt: skip
    s.flush()
    return deal


def test_needs_you_today_groups_by_urgency_and_ranks_by_grade_inside(engine):
    now = T0 + timedelta(days=1)
    today, soon, late = now.date(), now.date() + timedelta(days=4), now.date() - timedelta(days=2)
    with session_scope(engine) as s:
        _graded(s, "C today", "C", next_step_date=today)
        _graded(s, "A week", "A", tender_date=soon)
        _graded(s, "A today", "A", next_step_date=today)
        _graded(s, "B overdue", "B", expected_close=late)
        _graded(s, "A overdue", "A", expected_close=late)
        _graded(s, "Failed but B overdue", "B", failed=True, expected_close=late)
        _graded(s, "D overdue", "D", expected_close=late)
        _graded(s, "Nothing due", "A")
    with session_scope(engine) as s:
        home = build_home(s, SETTINGS, ACTOR, now=now)
    groups = [(u, [x.account for x in g]) for u, g in home.needs_groups]
    assert groups == [
        ("overdue", ["A overdue", "B overdue", "D overdue", "Failed but B overdue"]),
        ("today", ["A today", "C today"]),
        ("week", ["A week"]),
    ]
    view = home_view(home)  # App Home shows the groups in that order, A first in each
    text = str(view)
    assert check_view(view) == []
    assert (
        text.index("*Overdue* (4)")
        < text.index("A overdue")
        < text.index("B overdue")
        < text.index("*Today* (2)")
        < text.index("A today")
        < text.index("C today")
        < text.index("*This week* (1)")
    )
    failed = next(x for x in home.mine if x.account == "Failed but B overdue")
    assert failed.failed and "grade failed" in summary_line(failed, "en")
    assert "grade B" not in summary_line(failed, "en")


def test_a_failed_prospect_is_shown_failed_on_its_card_whatever_its_letter(engine):
    with session_scope(engine) as s:
        deal = _graded(s, "Cutter Co", "B", failed=True, score=17)
        card = card_of(s, deal, team_config(s, SETTINGS, TEAM).stages, T0)
    assert grade_line(card, "en").splitlines()[0] == "*Failed qualification* (grade B) · 17/20"
