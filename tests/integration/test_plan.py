"""Planning back from the quota and the team's own odds (issue 16, SPEC §13), over signed HTTP through
the sandbox with the real app process.

1. Quota 5,000,000, no achievement, one open 1,000,000 deal (the average used): W = 5 and
   50 / 25 / 12 / 10 / 7 needed at the five milestones below signing (⌈5 ÷ 10%⌉, ⌈5 ÷ 20%⌉,
   ⌈5 ÷ 45%⌉ = ⌈11.1⌉, ⌈5 ÷ 55%⌉ = ⌈9.1⌉, ⌈5 ÷ 80%⌉ = ⌈6.25⌉); a signed 1,000,000 lowers W to 4
   (40 / 20 / 9 / 8 / 5). Each fallback of the deal size; the passed entry date (2026-Q4 ends 31 Dec;
   stages 1–5 take 14+14+28+35+28 = 119 days: 3 Sep 2026 has passed; 2027-Q1's is 2 Dec 2026).
2. 30 closed deals (tests/support/plan_data.py): `/funnel odds` shows the hand-computed shares, counts
   and 90% Wilson intervals; switching "decision-maker met" to the team's 33% moves a 1,000,000 deal
   standing there from 200,000 to 330,000 in the forecast (+130,000).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot import ids
from sandbox.slack_side import SlackSide
from storage.db import session_scope
from tests.support import plan_data as pd
from tests.support.pipeline import all_text, last_to
from tests.support.waits import wait_for

REP = "U0REP2"  # English, America/New_York
ADMIN = "U0ADMIN"
NOW = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)  # quota period 2026-Q4


def _reply(side, user: str, text: str) -> str:  # noqa: ANN001
    reply = side.command(user, "/funnel", text)
    assert reply.status == 200, reply.text
    return (
        all_text(reply.json["blocks"])
        if reply.text.startswith("{") and "blocks" in reply.json
        else reply.text
    )


def _funnel(side, sandbox, user: str) -> str:  # noqa: ANN001
    before = len(sandbox.state.ephemerals(user))
    assert side.command(user, "/funnel", "").status == 200
    shown = wait_for(
        lambda: [m for m in sandbox.state.ephemerals(user)[before:] if m.source == "response_url"],
        what="the funnel after the ack",
    )
    return all_text(shown[-1].blocks)


@pytest.fixture
def planned(make_bot, engine, db_url):
    with session_scope(engine) as s:
        pd.quota(s, REP, 5_000_000, "2026-Q4", date(2026, 10, 1), date(2027, 1, 1))
        pd.deal(s, REP, 1_000_000, rung="relationships", created=datetime(2026, 10, 5, tzinfo=UTC),
                close=date(2026, 12, 20), account="Open One")  # fmt: skip
    bot = make_bot(db_url)
    bot.set_clock(NOW.isoformat().replace("+00:00", "Z"))
    return bot


def test_w5_gives_50_25_12_10_7_and_a_signed_deal_lowers_w_to_4(planned, sandbox, engine):
    side = SlackSide(sandbox, app_url=planned.url)
    text = _reply(side, REP, "plan")
    assert "Plan for <@U0REP2> · 2026-Q4" in text
    assert "Quota ¥5,000,000 · achievement so far ¥0" in text
    assert "Average deal size ¥1,000,000: the average of 1 open deals in the funnel" in text
    assert "*Wins still needed: W = 5*" in text
    assert "• Prospect assessed and graded A–D; scorecard passed (10%): need 50 · have 1 · 49 short" in text
    assert "identified and met; we are on the shortlist (20%): need 25 · have 1 · 24 short" in text
    assert "influenced (recorded) (45%): need 12 · have 0 · 12 short" in text
    assert "• Bid submitted (or negotiated tender) (55%): need 10 · have 0 · 10 short" in text
    assert "• Negotiation under way (80%): need 7 · have 0 · 7 short" in text
    # the one gap: the largest shortfall relative to need (three at 100%: the earliest of them)
    assert (
        "*The gap that matters most: needs 12 more with: The customer's purchasing criteria influenced (recorded)*"
        in text
    )

    # the rep's App Home shows the same plan
    side.open_home(REP)
    home = all_text(sandbox.state.home_view(REP))
    assert "*Wins still needed: W = 5*" in home and "(80%): need 7 · have 0 · 7 short" in home
    assert "The last entry date for this period (3 Sep 2026) has passed" in home

    with session_scope(engine) as s:
        pd.signed(s, REP, 1_000_000, datetime(2026, 11, 10, 3, 0, tzinfo=UTC))
    text = _reply(side, REP, "plan")
    assert "Quota ¥5,000,000 · achievement so far ¥1,000,000" in text
    assert "*Wins still needed: W = 4*" in text
    for need in (
        "(10%): need 40 ·",
        "(20%): need 20 ·",
        "(45%): need 9 ·",
        "(55%): need 8 ·",
        "(80%): need 5 ·",
    ):
        assert need in text


def test_each_deal_size_fallback_and_the_passed_entry_date(planned, sandbox, engine):
    side = SlackSide(sandbox, app_url=planned.url)
    text = _reply(side, REP, "plan")  # 4. the rep's open in-funnel deals' average
    assert (
        "Average deal size ¥1,000,000: the average of 1 open deals in the funnel (no signed history yet)"
        in text
    )
    # the entry date: 31 Dec 2026 − 119 days = 3 Sep 2026, passed; 2027-Q1's: 31 Mar 2027 − 119 = 2 Dec 2026
    assert (
        "The last entry date for this period (3 Sep 2026) has passed: this period's gap must be closed from "
        "deals already in the funnel. For 2027-Q1, new prospects must enter by 2 Dec 2026." in text
    )

    # 3. the team's typical deal size, set in App Home settings: ⌈5,000,000 ÷ 800,000⌉ = 7
    side.open_home(ADMIN)
    side.click(ADMIN, sandbox.state.home_view(ADMIN), ids.ACT_SETTINGS_OPEN)
    assert side.submit(ADMIN, {"typical_deal_size": "800,000"}).status == 200
    text = _reply(side, REP, "plan")
    assert "Average deal size ¥800,000: the team's typical deal size (App Home settings)" in text
    assert "*Wins still needed: W = 7*" in text

    # 2. the team's signed deals over 12 months (at least 5), before this period: ⌈5M ÷ 2M⌉ = 3
    with session_scope(engine) as s:
        for i in range(5):
            pd.signed(s, "U0REP1", 2_000_000, datetime(2026, 6, 1 + i, tzinfo=UTC), account=f"Team {i}")
    text = _reply(side, REP, "plan")
    assert "Average deal size ¥2,000,000: the team's 5 signed deals over the last 12 months" in text
    assert "*Wins still needed: W = 3*" in text

    # 1. the rep's own (at least 5): ⌈5M ÷ 500K⌉ = 10; a signed deal older than 12 months is not counted
    with session_scope(engine) as s:
        for i in range(5):
            pd.signed(s, REP, 500_000, datetime(2026, 5, 1 + i, tzinfo=UTC), account=f"Own {i}")
        pd.signed(s, REP, 9_000_000, datetime(2025, 11, 1, tzinfo=UTC), account="Too old")
    text = _reply(side, REP, "plan")
    assert "Average deal size ¥500,000: your own 5 signed deals over the last 12 months" in text
    assert "*Wins still needed: W = 10*" in text


# --------------------------------------------------------------------------- the team's own odds
HAND = (  # milestone, configured, share, won of met, 90% Wilson interval (z = 1.6449), by hand
    ("Prospect assessed and graded A–D; scorecard passed", 10, "27% (8 of 30 won; 90% interval 16–41%)"),
    ("on the shortlist", 20, "33% (8 of 24 won; 90% interval 20–50%)"),
    ("influenced (recorded)", 45, "42% (8 of 19 won; 90% interval 26–61%)"),
    ("Bid submitted (or negotiated tender)", 55, "53% (8 of 15 won; 90% interval 33–72%)"),
    ("Negotiation under way", 80, "73% (8 of 11 won; 90% interval 48–89%)"),
)


def test_odds_from_30_closed_deals_and_the_forecast_moves_when_a_stage_is_switched(
    make_bot, sandbox, engine, db_url
):
    with session_scope(engine) as s:
        pd.closed_history(s, "U0REP1", NOW)
        pd.deal(s, REP, 1_000_000, rung="relationships", created=datetime(2026, 10, 5, tzinfo=UTC),
                close=date(2026, 12, 20), account="Forecast Co")  # fmt: skip
    bot = make_bot(db_url)
    bot.set_clock(NOW.isoformat().replace("+00:00", "Z"))
    side = SlackSide(sandbox, app_url=bot.url)

    text = _reply(side, REP, "odds")
    assert "From 30 deals closed (won, lost, dropped) over the last 12 months" in text
    lines = text.split("\n")
    for milestone, default, figure in HAND:
        line = next(x for x in lines if milestone in x)
        assert f"configured {default}% · team {figure}" in line, line
    assert "under 20 closed deals" in next(x for x in lines if "influenced (recorded)" in x)
    assert "under 20 closed deals" not in next(x for x in lines if "on the shortlist" in x)
    # stage durations (median days): 14 per stage passed through, deliver 100 (day 70 to the close, 170)
    assert "• Qualify the prospect: team 14 days (30 stays) · configured 14 days" in text
    assert "• Deliver and collect payment: team 100 days (8 stays) · configured 42 days" in text
    assert "Cycle length: team 24.3 weeks (8 won) · the method's 23 weeks" in text

    # the forecast before: ¥1,000,000 × 20% = ¥200,000; the admin switches "decision-maker met" (24 deals)
    assert "*Forecast*\n¥200,000" in _funnel(side, sandbox, ADMIN)
    side.open_home(ADMIN)
    home = sandbox.state.home_view(ADMIN)
    assert "configured 20% · team 33% (8 of 24 won; 90% interval 20–50%)" in all_text(home)
    with pytest.raises(LookupError):  # 19 closed deals: no switch offered
        side.click(ADMIN, home, f"{ids.PLAN_ODDS_SWITCH}:influence")
    side.click(ADMIN, home, f"{ids.PLAN_ODDS_SWITCH}:relationships")
    home = wait_for(
        lambda: (h := sandbox.state.home_view(ADMIN)) and "*in use*" in all_text(h) and h, what="the switch"
    )
    # after: ¥1,000,000 × 33% = ¥330,000 (+¥130,000), and the plan says it uses the team's odds
    assert "*Forecast*\n¥330,000" in _funnel(side, sandbox, ADMIN)
    side.command(ADMIN, "/deal", "Forecast Co")  # the card: the same one weighting
    assert "¥1,000,000 × 33% = *¥330,000*" in all_text(last_to(sandbox, ADMIN).blocks)
    with session_scope(engine) as s:
        pd.quota(s, REP, 1_000_000, "2026-Q4", date(2026, 10, 1), date(2027, 1, 1))
    assert "(33%, the team's own odds): need 4 ·" in _reply(side, REP, "plan")
    side.click(ADMIN, home, f"{ids.PLAN_ODDS_SWITCH}:relationships")  # back to the default
    assert "*Forecast*\n¥200,000" in _funnel(side, sandbox, ADMIN)


def test_who_may_see_whose_plan(planned, sandbox):
    side = SlackSide(sandbox, app_url=planned.url)
    assert (
        _reply(side, "U0REP1", "plan @sam.carter") == "你只能查看自己和所辖销售的漏斗。"
    )  # Wang Li reads Chinese
    text = _reply(side, ADMIN, "plan @sam.carter")
    assert "Plan for <@U0REP2> · 2026-Q4" in text and "*Wins still needed: W = 5*" in text
    text = _reply(side, ADMIN, "plan")  # the team: the same quota, the team's open average
    assert "Plan for the team · 2026-Q4" in text and "*Wins still needed: W = 5*" in text
    assert _reply(side, REP, "plan next year") == "Type `/funnel plan` or `/funnel plan @rep`."
