"""Regrading in the same transaction as the change that causes it (dates_changed hook), on both backends."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from bot.flows import hooks
from bot.flows.qualification.grading import regrade
from storage.db import session_scope
from storage.models import DealEvent
from storage.repo import deals as deals_repo
from storage.repo import interviews as repo
from tests.support.factories import T0, hook_context, make_deal

STRONG = {"icp_fit": "yes", "meets_needs": "yes", "budget_realistic": "realistic", "credit": "good",
          "edge_product": "ahead", "edge_price": "equal", "edge_service": "ahead", "relationship": "good",
          "entry_timing": "start", "further_business": "yes", "hard_constraint": "no"}  # fmt: skip


def _finished_deal(s, close: date):  # noqa: ANN001, ANN202
    deal = make_deal(s, expected_close=close)
    iv = repo.create_interview(s, team_id=deal.team_id, deal_id=deal.id, rep_id=deal.owner_id, now=T0,
                               question_set="default")  # fmt: skip
    for key, value in STRONG.items():
        repo.add_answer(s, interview=iv, key=key, value=value, skipped=False, by=deal.owner_id, at=T0)
    iv.status, iv.dm_active = "done", False
    s.add(iv)
    regrade(s, deal, hook_context(T0, deal.owner_id), cause="interview finished")
    return deal


def _grades(s, deal_id: int) -> list[tuple]:  # noqa: ANN001
    rows = s.exec(
        select(DealEvent)
        .where(DealEvent.deal_id == deal_id, DealEvent.kind == "grade")
        .order_by(DealEvent.id)
    )
    return [(e.from_value, e.to_value, e.reason, e.actor_id) for e in rows]


def test_a_close_date_moved_out_by_another_feature_regrades_in_the_same_transaction(engine):
    with session_scope(engine) as s:
        deal = _finished_deal(s, date(2027, 1, 31))
        assert (deal.grade, deal.score) == ("A", 19)
        later = T0 + timedelta(days=1)
        assert deals_repo.save_if_version(s, deal=deal, expected_version=deal.version, now=later,
                                          expected_close=date(2027, 7, 2))  # fmt: skip
        hooks.emit(s, "dates_changed", deal, hook_context(later, "U0MGR"), fields=["expected_close"])
        deal_id = deal.id
    with session_scope(engine) as s:
        deal = deals_repo.get_deal(s, team_id="T0SANDBOX", deal_id=deal_id)
        assert deal.grade == "B"
        assert _grades(s, deal_id) == [
            (None, "A", "interview finished", "U0REP1"),
            ("A", "B", "expected close changed to 2027-07-02", "U0MGR"),
        ]


def test_other_date_changes_and_unfinished_interviews_do_not_regrade(engine):
    with session_scope(engine) as s:
        deal = _finished_deal(s, date(2027, 1, 31))
        hooks.emit(s, "dates_changed", deal, hook_context(T0, "U0REP1"), fields=["signing_date"])
        fresh = make_deal(s, account="No interview yet", expected_close=date(2027, 1, 31))
        hooks.emit(s, "dates_changed", fresh, hook_context(T0, "U0REP1"), fields=["expected_close"])
        assert (fresh.grade, _grades(s, fresh.id)) == (None, [])
        assert len(_grades(s, deal.id)) == 1


def test_a_rolled_back_change_leaves_no_grade_event(engine):
    with session_scope(engine) as s:
        deal_id = _finished_deal(s, date(2027, 1, 31)).id
    try:
        with session_scope(engine) as s:
            deal = deals_repo.get_deal(s, team_id="T0SANDBOX", deal_id=deal_id)
            deals_repo.save_if_version(
                s, deal=deal, expected_version=deal.version, now=T0, expected_close=date(2027, 9, 1)
            )
            hooks.emit(s, "dates_changed", deal, hook_context(T0, "U0REP1"), fields=["expected_close"])
            raise RuntimeError("the change fails after the hook ran")
    except RuntimeError:
        pass
    with session_scope(engine) as s:
        assert deals_repo.get_deal(s, team_id="T0SANDBOX", deal_id=deal_id).grade == "A"
        assert len(_grades(s, deal_id)) == 1
