"""The rules of planning back from the quota and of the team's own odds (issue 16, SPEC §13), on a real
engine with no process: ⌈W ÷ p⌉, cumulative counts, the deal-size fallbacks in order, the entry date
(passed or not), the one gap, the Wilson interval, the switch's 20-deal floor and who may switch, the
end-of-day prompt's time and the week's selling share. Over Slack: tests/integration/test_plan.py and
tests/integration/test_selling_time.py."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from bot.flows.errors import BadInput, NotAllowed
from bot.flows.followups.worktime import WorkTime
from bot.flows.plan import backward_plan, switch_rung, team_odds
from bot.flows.plan.backward import lead_days, needs_for
from bot.flows.plan.odds import wilson
from bot.flows.plan.selling import prompt_time
from bot.flows.team.users import Actor
from storage.models import SellingDay, TeamSettings
from storage.repo.plan import selling_share
from tests.support import plan_data as pd

NOW = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)  # 2026-Q4
REP = "U0REP2"


def test_needs_are_w_over_each_milestones_probability_rounded_up():
    assert [needs_for(5, p) for p in (10, 20, 45, 55, 80)] == [50, 25, 12, 10, 7]
    assert [needs_for(4, p) for p in (10, 20, 45, 55, 80)] == [40, 20, 9, 8, 5]
    assert needs_for(0, 45) == 0 and needs_for(3, 0) == 0


def _plan(world, rep: str | None = REP):  # noqa: ANN001, ANN202
    with world.session() as s:
        return backward_plan(s, world.config(s), rep_id=rep, owner_ids=None, now=NOW)


def test_counts_are_cumulative_and_only_in_funnel_unsigned_deals_count(world):
    with world.session() as s:
        pd.quota(s, REP, 5_000_000, "2026-Q4", date(2026, 10, 1), date(2027, 1, 1))
        created = datetime(2026, 10, 5, tzinfo=UTC)
        pd.deal(s, REP, 1_000_000, rung="influence", created=created)  # 45%: counts at 10, 20 and 45
        pd.deal(s, REP, 1_000_000, rung="qualify", created=created)
        pd.deal(s, REP, 1_000_000, rung=None, created=created)  # below the funnel: not counted
        pd.deal(s, REP, 1_000_000, rung="bid", status="lost", created=created, closed=NOW)  # closed
        pd.signed(s, REP, 1_000_000, datetime(2026, 11, 1, tzinfo=UTC))  # signed: achievement, not "have"
    plan = _plan(world)
    assert [n.have for n in plan.needs] == [2, 1, 1, 0, 0]
    assert plan.achievement == Decimal("1000000.00")
    # the average: the two in-funnel open deals (the unqualified one is below the funnel)
    assert (plan.deal_size, plan.size_source, plan.size_count) == (Decimal("1000000.00"), "open", 2)
    assert plan.wins_needed == 4


def test_the_deal_size_falls_back_in_order_and_the_plan_says_which(world):
    with world.session() as s:
        pd.quota(s, REP, 6_000_000, "2026-Q4", date(2026, 10, 1), date(2027, 1, 1))
    assert (_plan(world).size_source, _plan(world).wins_needed) == (None, None)  # no figure at all
    with world.session() as s:
        pd.deal(s, REP, 3_000_000, rung="qualify", created=datetime(2026, 10, 5, tzinfo=UTC))
    assert (_plan(world).size_source, _plan(world).wins_needed) == ("open", 2)
    with world.session() as s:
        s.add(TeamSettings(team_id=pd.TEAM, typical_deal_size=Decimal("1500000")))
    assert (_plan(world).size_source, _plan(world).wins_needed) == ("setting", 4)
    with world.session() as s:  # four of the rep's own and one of a teammate's: the team's five
        for i in range(4):
            pd.signed(s, REP, 1_000_000, datetime(2026, 6, 1 + i, tzinfo=UTC), account=f"own {i}")
        pd.signed(s, "U0REP1", 6_000_000, datetime(2026, 6, 9, tzinfo=UTC), account="team")
    plan = _plan(world)
    assert (plan.size_source, plan.size_count, plan.deal_size, plan.wins_needed) == (
        "team",
        5,
        Decimal("2000000.00"),
        3,
    )
    with world.session() as s:  # the rep's fifth: their own average wins
        pd.signed(s, REP, 1_000_000, datetime(2026, 7, 1, tzinfo=UTC), account="own 5")
    assert (_plan(world).size_source, _plan(world).wins_needed) == ("own", 6)
    assert _plan(world, None).size_source == "team"  # the team's plan has no "own"


def test_the_entry_date_passed_in_a_quarter_and_not_yet_in_a_year(world):
    with world.session() as s:
        assert lead_days(world.config(s)) == 119  # 2 + 2 + 4 + 5 + 4 weeks = 17 weeks
    plan = _plan(world)
    assert (plan.entry_by, plan.entry_passed) == (date(2026, 9, 3), True)
    assert (plan.next_period.key, plan.next_entry_by) == ("2027-Q1", date(2026, 12, 2))
    with world.session() as s:
        s.add(TeamSettings(team_id=pd.TEAM, quota_period="year"))
    with world.session() as s:
        early = backward_plan(
            s, world.config(s), rep_id=REP, owner_ids=None, now=datetime(2026, 3, 2, tzinfo=UTC)
        )
    assert (early.period.key, early.entry_by, early.entry_passed) == ("2026", date(2026, 9, 3), False)


def test_the_one_gap_is_the_largest_shortfall_relative_to_need_the_earliest_on_a_tie(world):
    with world.session() as s:
        pd.quota(s, REP, 2_000_000, "2026-Q4", date(2026, 10, 1), date(2027, 1, 1))
        for rung in ("bid", "bid", "influence"):
            pd.deal(s, REP, 1_000_000, rung=rung, created=datetime(2026, 10, 5, tzinfo=UTC))
    plan = _plan(world)  # W = 2: needs 20 / 10 / 5 / 4 / 3 against 3 / 3 / 3 / 2 / 0
    assert [(n.need, n.have) for n in plan.needs] == [(20, 3), (10, 3), (5, 3), (4, 2), (3, 0)]
    assert (plan.gap.rung.key, plan.gap.short) == ("negotiate~negotiation_under_way", 3)


def test_wilson_90_percent_by_hand():
    lo, hi = wilson(8, 30)
    # p = 0.2667, z² = 2.7055: (0.2667 + 0.0451 ∓ 1.6449·√(0.2667·0.7333/30 + 2.7055/3600)) ÷ 1.0902
    assert (round(lo, 4), round(hi, 4)) == (0.1573, 0.4146)
    assert wilson(0, 0) == (0.0, 0.0)
    assert wilson(20, 20)[1] == 1.0


def test_a_switch_needs_20_closed_deals_and_an_admin_and_the_weighting_reads_it(world):
    with world.session() as s:
        pd.closed_history(s, "U0REP1", NOW)
    admin = Actor(pd.TEAM, "U0ADMIN", "en", "Asia/Shanghai", is_admin=True, role="admin")
    rep = Actor(pd.TEAM, REP, "en", "America/New_York")
    with world.session() as s:
        odds = {o.rung.key: o for o in team_odds(s, world.config(s), NOW).rungs}
        assert [(o.met, o.won, o.percent, o.switchable) for o in odds.values()] == [
            (30, 8, 27, True),
            (24, 8, 33, True),
            (19, 8, 42, False),
            (15, 8, 53, False),
            (11, 8, 73, False),
        ]
        with pytest.raises(NotAllowed):
            switch_rung(s, world.config(s), rep, "relationships", True, NOW)
        with pytest.raises(BadInput) as e:
            switch_rung(s, world.config(s), admin, "influence", True, NOW)
        assert e.value.values == {"n": 19, "min": 20}
        assert switch_rung(s, world.config(s), admin, "relationships", True, NOW) == {"relationships": 33}
    with world.session() as s:
        from bot.flows.funnel.weighting import weighting

        assert weighting(world.config(s), NOW).rungs["relationships"] == 33
        assert switch_rung(s, world.config(s), admin, "relationships", False, NOW) == {}
    with world.session() as s:
        assert weighting(world.config(s), NOW).rungs["relationships"] == 20


def test_the_prompt_is_due_in_the_last_half_hour_of_the_reps_working_day():
    wt = WorkTime("America/New_York", (datetime(2026, 1, 1, 9).time(), datetime(2026, 1, 1, 18).time()),
                  frozenset(range(5)))  # fmt: skip
    day, due, end = prompt_time(wt, datetime(2026, 11, 18, 20, 0, tzinfo=UTC))
    assert (day, due.astimezone(UTC), end.astimezone(UTC)) == (
        date(2026, 11, 18),
        datetime(2026, 11, 18, 22, 30, tzinfo=UTC),
        datetime(2026, 11, 18, 23, 0, tzinfo=UTC),
    )
    assert prompt_time(wt, datetime(2026, 11, 21, 20, 0, tzinfo=UTC)) is None  # Saturday


def test_the_weeks_selling_share(world):
    with world.session() as s:
        for d, answer in ((16, "selling"), (17, "other"), (18, "half"), (19, None)):
            s.add(SellingDay(team_id=pd.TEAM, rep_id=REP, day=date(2026, 11, d), answer=answer,
                             due_at=NOW, created_at=NOW))  # fmt: skip
    with world.session() as s:
        assert selling_share(s, pd.TEAM, REP, date(2026, 11, 16), date(2026, 11, 23)) == 0.5
        assert selling_share(s, pd.TEAM, REP, date(2026, 11, 18), date(2026, 11, 19)) == 0.5
        assert selling_share(s, pd.TEAM, REP, date(2026, 11, 23), date(2026, 11, 30)) is None
        assert selling_share(s, pd.TEAM, "U0REP1", date(2026, 11, 16), date(2026, 11, 23)) is None


def test_settings_typical_deal_size_and_the_prompt_switch_are_validated():
    from bot.flows.team.settings import validate_settings

    ok = validate_settings({"typical_deal_size": "1,500,000", "selling_prompt": "on"})
    assert (ok["typical_deal_size"], ok["selling_prompt"]) == (Decimal("1500000.00"), True)
    assert validate_settings({"typical_deal_size": "", "selling_prompt": None}) | {} == {
        **validate_settings({}),
        "typical_deal_size": None,
        "selling_prompt": False,
    }
    for bad in ("abc", "0", "-5", "1e20"):
        with pytest.raises(BadInput) as e:
            validate_settings({"typical_deal_size": bad})
        assert e.value.values == {"field": "typical_deal_size"}
    with pytest.raises(BadInput):
        validate_settings({"selling_prompt": "maybe"})
