"""Nothing falls asleep (issue 11, point 5) and where the customer is (point 6), as rules on a real
engine: a held deal's wake-up, "won" before the last stage, day 30's recommendation and what it looked
at, a rep's downgrade against regrades, the customer's buying step ahead of ours."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from bot.flows import hooks
from bot.flows.errors import MilestoneMissing
from bot.flows.followups import answers
from bot.flows.followups.planning import stale_reason
from bot.flows.pipeline import outcomes
from bot.flows.pipeline.customer import customer_step, set_customer_step
from bot.flows.qualification.grading import regrade
from bot.flows.team.config import team_config
from bot.flows.team.users import Actor
from storage.db import session_scope
from storage.models import Deal, DealEvent, Nudge, Person, RedFlag
from storage.repo import deals as deals_repo
from storage.repo import interviews as iv_repo
from storage.repo import pipeline as pipeline_repo
from tests.support.factories import T0, hook_context, make_deal

REP = Actor(team_id="T0SANDBOX", user_id="U0REP1", locale="en", tz="Asia/Shanghai")
CTX = hook_context(T0)
STRONG = {"icp_fit": "yes", "meets_needs": "yes", "budget_realistic": "realistic", "credit": "good",
          "edge_product": "ahead", "edge_price": "equal", "edge_service": "ahead", "relationship": "good",
          "entry_timing": "start", "further_business": "yes", "hard_constraint": "no"}  # fmt: skip


def _stages(s):  # noqa: ANN001, ANN202
    return team_config(s, CTX.settings, "T0SANDBOX").stages


def _registered(s, **fields) -> Deal:  # noqa: ANN001
    deal = make_deal(s, **fields)
    hooks.emit(s, "created", deal, CTX)
    return deal


def _nudges(s, deal_id: int, kind: str) -> list[Nudge]:  # noqa: ANN001
    q = select(Nudge).where(Nudge.deal_id == deal_id, Nudge.kind == kind).order_by(Nudge.cycle)
    return list(s.exec(q))


def _hold(s, deal: Deal, until: date, at=T0):  # noqa: ANN001, ANN202
    return outcomes.put_on_hold(s, REP, deal.id, version=None, now=at, today=at.date(), new_close=until,
                                note=None, settings=CTX.settings, process=CTX.process)  # fmt: skip


# --------------------------------------------------------------------------- hold_wake
def test_a_held_deal_wakes_on_its_new_date_and_a_new_date_moves_the_wake_up(engine):
    with session_scope(engine) as s:
        deal = _registered(s, expected_close=date(2026, 12, 31))
        _hold(s, deal, date(2027, 2, 1))
        (wake,) = _nudges(s, deal.id, "hold_wake")
        assert (wake.cycle, wake.status) == (1, "pending")
        assert wake.due_at == T0.replace(year=2027, month=2, day=1)  # 09:00 Shanghai that Monday
        assert stale_reason(s, CTX.settings, wake, deal) is None  # applies while the deal is on hold
        assert {n.status for n in _nudges(s, deal.id, "followup_1")} == {"skipped"}  # the rest sleeps

        later = T0 + timedelta(days=91)  # still on hold, to a new date: the next hold's wake-up
        _hold(s, deal, date(2027, 4, 1), at=later)
        first, second = _nudges(s, deal.id, "hold_wake")
        assert (first.status, first.reason) == ("skipped", "new_hold")
        assert (second.cycle, second.status, second.due_at.date()) == (2, "pending", date(2027, 4, 1))


def test_resume_from_the_wake_up_reopens_the_deal_with_a_fresh_cycle(engine):
    with session_scope(engine) as s:
        deal = _registered(s)
        _hold(s, deal, date(2027, 2, 1))
        (wake,) = _nudges(s, deal.id, "hold_wake")
        wake.status = "sent"
        s.add(wake)
        woke = T0.replace(year=2027, month=2, day=1)
        answers.resume_from_hold(s, CTX.settings, REP, wake.id, woke, process=CTX.process)
        assert (deal.status, deal.followup_cycle, deal.followup_t0) == ("open", 1, woke)
        assert (wake.status, wake.answered_at) == ("answered", woke)
        assert {n.kind for n in s.exec(select(Nudge).where(Nudge.deal_id == deal.id, Nudge.cycle == 1,
                                                           Nudge.status == "pending"))} >= {"followup_1"}  # fmt: skip


def test_a_wake_up_is_answered_by_closing_the_deal(engine):
    with session_scope(engine) as s:
        deal = _registered(s)
        _hold(s, deal, date(2027, 2, 1))
        (wake,) = _nudges(s, deal.id, "hold_wake")
        wake.status = "sent"
        s.add(wake)
        outcomes.mark_dropped(s, REP, deal.id, version=None, now=T0, reason="budget gone",
                              settings=CTX.settings, process=CTX.process)  # fmt: skip
        assert wake.status == "answered"


# --------------------------------------------------------------------------- won before the last stage
def _won(s, deal: Deal, reason: str | None):  # noqa: ANN001, ANN202
    return outcomes.mark_won(s, REP, _stages(s), deal.id, version=None, now=T0, today=T0.date(),
                             amount="1000000", paid_on=T0.date(), settings=CTX.settings, process=CTX.process,
                             force_reason=reason)  # fmt: skip


def test_won_from_stage_3_is_a_forced_advance_that_needs_a_reason_and_flags_it(engine):
    with session_scope(engine) as s:
        deal = _registered(s, stage="influence")
        with pytest.raises(MilestoneMissing):
            _won(s, deal, "  ")
        assert deal.status == "open"
        _won(s, deal, "The customer paid in advance for a framework order")
        assert deal.status == "won"
        (flag,) = s.exec(select(RedFlag).where(RedFlag.deal_id == deal.id)).all()
        assert (flag.kind, flag.reason) == (
            "forced_advance",
            "The customer paid in advance for a framework order",
        )
        (ev,) = s.exec(select(DealEvent).where(DealEvent.deal_id == deal.id, DealEvent.kind == "won")).all()
        assert ev.forced and ev.reason == flag.reason


def test_won_from_the_last_stage_needs_no_reason_and_raises_no_flag(engine):
    with session_scope(engine) as s:
        deal = _registered(s, stage="deliver")
        _won(s, deal, None)
        assert deal.status == "won"
        assert s.exec(select(RedFlag).where(RedFlag.deal_id == deal.id)).all() == []


# --------------------------------------------------------------------------- day 30
def test_day_30_counts_a_stage_change_as_progress_and_says_what_it_looked_at(engine):
    with session_scope(engine) as s:
        deal = _registered(s)
        advice = answers.recommendation(s, deal)
        assert advice.what == "drop" and advice.since == T0
        assert advice.found == {"checkins": 0, "milestones": 0, "stage_changes": 0, "people": 0}
        deals_repo.add_event(s, deal=deal, kind="stage", actor_id=REP.user_id, at=T0 + timedelta(days=3),
                             from_value="qualify", to_value="relationships", forced=True, reason="asked")  # fmt: skip
        advice = answers.recommendation(s, deal)
        assert advice.what == "keep" and advice.found["stage_changes"] == 1


@pytest.mark.parametrize("what", ["person", "milestone", "checkin_with_progress"])
def test_day_30_counts_people_milestones_and_progress_check_ins(engine, what):
    at = T0 + timedelta(days=5)
    with session_scope(engine) as s:
        deal = _registered(s)
        if what == "person":
            s.add(Person(team_id=deal.team_id, deal_id=deal.id, name="Li", role="coach", created_at=at,
                         updated_at=at))  # fmt: skip
        elif what == "milestone":
            pipeline_repo.add_milestone(s, deal=deal, stage="qualify", what="assessed", evidence=None,
                                        met_on=at.date(), by=REP.user_id, at=at)  # fmt: skip
        else:
            form = answers.CheckinForm(done_text="Visited", progress=True, progress_text="Shortlisted")
            answers.record_checkin(s, CTX.settings, REP, deal.id, form, at, process=CTX.process)
        assert answers.recommendation(s, deal).what == "keep"


def test_day_30_a_check_in_without_progress_or_before_the_cycle_is_not_progress(engine):
    with session_scope(engine) as s:
        deal = _registered(s)
        form = answers.CheckinForm(done_text="Called, no answer", progress=False)
        answers.record_checkin(
            s, CTX.settings, REP, deal.id, form, T0 + timedelta(days=2), process=CTX.process
        )
        s.add(Person(team_id=deal.team_id, deal_id=deal.id, name="Old", created_at=T0 - timedelta(days=1),
                     updated_at=T0))  # fmt: skip
        assert answers.recommendation(s, deal).what == "drop"


# --------------------------------------------------------------------------- a rep's downgrade holds
def _graded(s, close: date) -> Deal:  # noqa: ANN001
    deal = _registered(s, expected_close=close)
    iv = iv_repo.create_interview(s, team_id=deal.team_id, deal_id=deal.id, rep_id=deal.owner_id, now=T0,
                                  question_set="default")  # fmt: skip
    for key, value in STRONG.items():
        iv_repo.add_answer(s, interview=iv, key=key, value=value, skipped=False, by=deal.owner_id, at=T0)
    iv.status = "done"
    s.add(iv)
    regrade(s, deal, CTX, cause="interview finished")
    return deal


def _downgrade(s, deal: Deal) -> None:  # noqa: ANN001
    (day30,) = _nudges(s, deal.id, "followup_30")
    answers.downgrade(s, CTX.settings, REP, day30.id, T0 + timedelta(days=30), process=CTX.process)


def test_a_downgrade_stays_in_the_funnel_and_survives_a_regrade_with_no_new_data(engine):
    with session_scope(engine) as s:
        deal = _graded(s, date(2027, 1, 31))
        assert (deal.grade, deal.score) == ("A", 19)
        _downgrade(s, deal)
        assert (deal.grade, deal.contact_level, deal.followup_cycle) == ("B", "normal", 1)
        regrade(s, deal, hook_context(T0 + timedelta(days=31)), cause="interview finished again")
        hooks.emit(s, "dates_changed", deal, hook_context(T0 + timedelta(days=32)), fields=["expected_close"])
        assert deal.grade == "B" and deal.downgraded_at is not None


def test_a_new_expected_close_lets_the_rule_grade_again(engine):
    with session_scope(engine) as s:
        deal = _graded(s, date(2027, 1, 31))
        _downgrade(s, deal)
        later = T0 + timedelta(days=33)
        assert deals_repo.save_if_version(s, deal=deal, expected_version=deal.version, now=later,
                                          expected_close=date(2027, 2, 15))  # fmt: skip
        hooks.emit(s, "dates_changed", deal, hook_context(later), fields=["expected_close"])
        assert (deal.grade, deal.downgraded_at) == ("A", None)


def test_a_held_downgrade_may_still_go_lower(engine):
    from bot.flows.qualification.grade_hold import held_grade

    deal = Deal(team_id="T", owner_id="U", account="x", stage_entered_at=T0, created_at=T0, updated_at=T0,
                grade="B", score=15, expected_close=date(2027, 1, 31), downgraded_at=T0, downgrade_score=15,
                downgrade_close=date(2027, 1, 31))  # fmt: skip
    assert held_grade(deal, "A", 15) == ("B", {})
    assert held_grade(deal, "C", 15) == ("C", {})
    assert held_grade(deal, "A", 17)[0] == "A" and held_grade(deal, "A", 17)[1]["downgraded_at"] is None


# --------------------------------------------------------------------------- where is the customer
def test_a_customer_ahead_of_our_stage_names_the_milestones_we_have_not_met(engine):
    with session_scope(engine) as s:
        stages = _stages(s)
        deal = _registered(s, stage="relationships", grade="B")
        assert customer_step(s, deal, stages).step is None
        set_customer_step(s, REP, stages, deal.id, "influence", version=None, now=T0)
        c = customer_step(s, deal, stages)
        assert (c.step.key, c.index, c.ahead) == ("influence", 2, True)
        assert [(g.key, g.stage.key) for g in c.gaps] == [
            ("coach", "relationships"),
            ("decision_maker", "relationships"),
        ]
        s.add(Person(team_id=deal.team_id, deal_id=deal.id, name="Li", role="coach", created_at=T0,
                     updated_at=T0))  # fmt: skip
        s.flush()
        assert [g.key for g in customer_step(s, deal, stages).gaps] == ["decision_maker"]
        set_customer_step(s, REP, stages, deal.id, "relationships", version=None, now=T0)
        assert customer_step(s, deal, stages).ahead is False


def test_an_unassessed_prospect_and_an_unrecorded_milestone_are_gaps_too(engine):
    with session_scope(engine) as s:
        stages = _stages(s)
        deal = _registered(s)  # stage 1, not graded: the novice's case
        set_customer_step(s, REP, stages, deal.id, "bid", version=None, now=T0)
        keys = [(g.key, g.stage.key) for g in customer_step(s, deal, stages).gaps]
        assert keys == [
            ("assessed", "qualify"),
            ("coach", "relationships"),
            ("decision_maker", "relationships"),
            ("milestone", "influence"),
        ]


def test_every_stage_has_its_work_items_as_a_to_do_list(engine):
    with session_scope(engine) as s:
        stages = _stages(s)
    relationships = stages.get("relationships").work_items
    assert [w.en for w in relationships] == [
        "Find a coach",
        "Map the buying organisation, roles and weight",
        "Meet the key people",
    ]
    assert [w.zh for w in relationships][0] == "发展教练"
    assert all(st.work_items for st in stages.stages)
