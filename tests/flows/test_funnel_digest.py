"""The weekly digest's figures over a hand-computed fixture (tests/support/funnel_fixture.py), straight
from the use cases (bot/flows/funnel): every figure is a literal worked out by hand below, then the
message rendered from them.

Hand computation (CNY unless noted). Issue 11 changed the rules, and so these figures (the literals
before it are in git history): probability is earned on the 965531 ladder — each deal at the rung of
the last milestone met in order (qualify 10, relationships 20, influence 45, bid 55, negotiation under
way 80, signed 100), b1 override 70, i2 override 50 — and only deals in the funnel count (a deal with no
milestone, a failed one and one at lower contact are below it); the forecast is the period's (expected
close in 2026-Q4, not yet signed), the commitment too (n2's for 2026-Q3 lapsed).
  in the funnel   qualify 1: q1 1.0M × 10% = 100K
                  relationships 3: 2.0M+1.5M+0.7M = 4.2M × 10% = 200K+150K+70K = 420K
                  influence 3: 4.0M+2.0M+1.0M = 7.0M; i1 20% 800K + i2 50% 1.0M + i3 20% 200K = 2.0M
                  bid 3: 3.0M+1.0M+2.0M = 6.0M; b1 70% 2.1M + b2 45% 450K + b3 45% 900K = 3.45M
                  negotiate 3 (one USD): 5.0M+2.5M = 7.5M; n1 forced, 45% 2.25M + n2 80% 2.0M = 4.25M
                  deliver 4 (one USD, all signed): 6.0M+1.2M+1.5M = 8.7M × 100% = 8.7M
                  USD: n3 $100K × 55% = $55K + d4 $50K × 100% = $150K, weighted $105K
  below           q3 q4 in qualification, q5 at low contact, q2 failed but pursued
  pipeline (not signed) 100K+420K+2.0M+3.45M+4.25M = 10.22M
  forecast (close in Q4, not signed): q1 100K + r1 200K + r2 150K + i1 800K + i2 1.0M + i3 200K +
           b2 450K + n1 2.25M = 5.15M (last week 22.0M: −16.85M); USD n3 $55K
           (r3 no date; b1, b3, n2 close in 2027)
  commitment for 2026-Q4: i1 4.0M + b1 3.0M + n1 5.0M = 12.0M (15.0M: −3.0M), USD n3 $100K; n2 lapsed
  achievement (entered deliver in 2026-Q4): d1 6.0M + d3 1.5M + w1 3.0M = 10.5M = 55% of 19M (+1.5M); USD $50K
  expected = achievement 10.5M + forecast 5.15M = 15.65M
  won in Q4: w1 3.0M + w2 2.0M = 5.0M (±0); cash in Q4: 1.0M + 2.0M + 2.0M = 5.0M (+1.0M); USD $20K
  grade mix: the open deals but q5 (lower contact): A 7 · B 8 · C 3 · D 1 (q2) · ungraded 1 (q4)
  this week: new q1 q4; advanced i1 n1 d3; won w1; lost l1; dropped x1; delayed h1
  flags (normal contact only): stalled r1 (20 d > 14) and d2 (64 d > 42); forced n1; overdue i3;
         failed q2 (its qualification failed); no coach i1; decision-maker not met b2; close date
         past r2 = 8
  reps (open in the funnel; weighted pipeline): rep1 7 (q1 r1 i1 b1 n1 d1 d3),
        100K+200K+800K+2.1M+2.25M = 5.45M, 10.5M/10M = 105%, 3/4
        rep2 6 (r2 i2 b2 n2 n3 d4), 150K+1.0M+450K+2.0M = 3.6M, 0%, 1/2
        rep3 4 (r3 i3 b3 d2), 70K+200K+900K = 1.17M, 0%, 0/1
  lost in 90 days: price l1 l2, technology l3, no decision l5 (l4 is older); Sunan ×2, Harbin ×1
  budget realistic: lost (unrealistic 0 + so_so 1)/2 = 0.5 vs won (realistic 2 + 2)/2 = 2.0;
  edge price: lost (equal 1 + {"score": 1})/2 = 1.0 vs won (ahead 2 + behind 0)/2 = 1.0; the budget
  amount (3,000,000) and the coach's name are not scored items
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from bot.flows.funnel.digest import DueDigest, due_digests
from tests.support import funnel_fixture as fx

WEEK = datetime(2026, 11, 22, 16, 0, tzinfo=UTC)  # Monday 00:00 in Shanghai


@pytest.fixture
def team(make_world):
    world = make_world(dealbot_manager_channel=fx.CHANNEL)
    with world.session() as s:
        fx.build(s)
    return world


def _texts(message) -> list[str]:
    out = []
    for b in message["blocks"]:
        if b["type"] == "header":
            out.append(b["text"]["text"])
        elif b["type"] == "section" and "fields" in b:
            out += [f["text"] for f in b["fields"]]
        elif b["type"] == "section":
            out.append(b["text"]["text"])
        elif b["type"] == "context":
            out += [e["text"] for e in b["elements"]]
    return out


def M(n: int | str) -> Decimal:  # noqa: N802
    return Decimal(n).quantize(Decimal("0.01"))


def test_the_digest_is_due_for_the_week_of_23_november_in_the_managers_channel(team):
    with team.session() as s:
        assert due_digests(s, team.settings, fx.NOW) == [DueDigest("T0SANDBOX", fx.CHANNEL, WEEK, fx.NOW)]


def test_every_figure_equals_the_hand_computed_one(team):
    with team.session() as s:
        f = team.digest(s, channel_id=fx.CHANNEL, week=WEEK, now=fx.NOW).figures
    assert f.period.key == "2026-Q4" and f.currency == "CNY"
    assert {k: (m.base, m.others) for k, m in f.headline.items()} == {
        "quota": (M(19_000_000), {}),
        "forecast": (M(5_150_000), {"USD": M(55_000)}),
        "commitment": (M(12_000_000), {"USD": M(100_000)}),
        "achievement": (M(10_500_000), {"USD": M(50_000)}),
        "won": (M(5_000_000), {}),
        "cash": (M(5_000_000), {"USD": M(20_000)}),
    }
    assert f.deltas == {"quota": M(0), "forecast": M(-16_850_000), "commitment": M(-3_000_000),
                        "achievement": M(1_500_000), "won": M(0), "cash": M(1_000_000)}  # fmt: skip
    assert [(x.key, x.count, x.amount, x.weighted) for x in f.stages] == [
        ("qualify", 1, M(1_000_000), M(100_000)),
        ("relationships", 3, M(4_200_000), M(420_000)),
        ("influence", 3, M(7_000_000), M(2_000_000)),
        ("bid", 3, M(6_000_000), M(3_450_000)),
        ("negotiate", 3, M(7_500_000), M(4_250_000)),
        ("deliver", 4, M(8_700_000), M(8_700_000)),
    ]
    assert f.other_stages == {"USD": (2, M(150_000), M(105_000))}
    assert f.grades == {"A": 7, "B": 8, "C": 3, "D": 1, "-": 1}
    assert f.movement == {"new": 2, "advanced": 3, "won": 1, "lost": 1, "dropped": 1, "delayed": 1}
    assert [(g.kind, g.count, [d[1] for d in g.deals]) for g in f.flags] == [
        ("stalled", 2, ["R1 Ruian Steel", "D2 Dongguan Toys"]),
        ("forced_advance", 1, ["N1 Ningbo Grid"]),
        ("overdue", 1, ["I3 Inner Mongolia Coal"]),
        ("failed_prospect", 1, ["Q2 Baotou Mill"]),
        ("no_coach", 1, ["I1 Ili Power"]),
        ("decision_maker_not_met", 1, ["B2 Baoding Auto"]),
        ("close_date_past", 1, ["R2 Rizhao Steel"]),
    ]
    assert f.flag_total == 8
    assert [
        (r.owner_id, r.open_deals, r.weighted, r.quota, r.achieved, r.on_time, r.due) for r in f.reps
    ] == [
        ("U0REP1", 7, M(5_450_000), M(10_000_000), M(10_500_000), 3, 4),
        ("U0REP2", 6, M(3_600_000), M(5_000_000), M(0), 1, 2),
        ("U0REP3", 4, M(1_170_000), M(4_000_000), M(0), 0, 1),
    ]
    assert [r.attainment for r in f.reps] == [105.0, 0.0, 0.0]
    assert f.loss_reasons == [("price", 2), ("no_decision", 1), ("technology", 1)]
    assert f.competitors == [("Sunan Boiler", 2), ("Harbin Heat", 1)]
    assert f.weakest == [("budget_realistic", 0.5, 2.0), ("edge_price", 1.0, 1.0)]
    # stored on the digest run, for next week's comparison
    assert f.stored() == {
        "quota": "19000000.00",
        "forecast": "5150000.00",
        "commitment": "12000000.00",
        "achievement": "10500000.00",
        "won": "5000000.00",
        "cash": "5000000.00",
    }


def test_the_digest_message_shows_every_hand_computed_figure(team):
    with team.session() as s:
        message = team.digest(s, channel_id=fx.CHANNEL, week=WEEK, now=fx.NOW).message
    assert message["text"] == (
        "Funnel · week of 23 Nov 2026: forecast ¥5,150,000, commitment ¥12,000,000, "
        "achievement ¥10,500,000, 8 red flags"
    )
    assert _texts(message) == [
        "Funnel · week of 23 Nov 2026",
        "*Quota*\n¥19,000,000 (±0)",
        "*Forecast*\n¥5,150,000 (−¥16,850,000)",
        "*Commitment*\n¥12,000,000 (−¥3,000,000)",
        "*Achievement*\n¥10,500,000 · 55% of quota (+¥1,500,000)",
        "*Won (paid in full)*\n¥5,000,000 (±0)",
        "*Cash collected*\n¥5,000,000 (+¥1,000,000)",
        "Quota period 2026-Q4 · totals in CNY; other currencies are listed apart, never converted",
        "Achievement ¥10,500,000 + forecast ¥5,150,000 = expected ¥15,650,000 this period · "
        "whole weighted pipeline ¥10,220,000 (any close date)",
        "Not in the totals — Forecast: $55,000 · Commitment: $100,000 · Achievement: $50,000 · "
        "Cash collected: $20,000",
        "*Funnel by stage*\n"
        "1. Qualify the prospect — 1 · ¥1,000,000 · weighted ¥100,000\n"
        "2. Map roles, build relationships — 3 · ¥4,200,000 · weighted ¥420,000\n"
        "3. Shape the criteria — 3 · ¥7,000,000 · weighted ¥2,000,000\n"
        "4. Prepare and submit the bid — 3 · ¥6,000,000 · weighted ¥3,450,000\n"
        "5. Negotiate and sign — 3 · ¥7,500,000 · weighted ¥4,250,000\n"
        "6. Deliver and collect payment — 4 · ¥8,700,000 · weighted ¥8,700,000\n"
        "USD: 2 open · $150,000 · weighted $105,000\n"
        "Below the funnel (0%, not in the forecast or the stages): 2 in qualification, 1 at low contact, "
        "1 failed but pursued",
        "*Grade mix*  A 7 · B 8 · C 3 · D 1 · ungraded 1\n"
        "*This week*  new 2 · advanced 3 · won 1 · lost 1 · dropped 1 · delayed 1",
        "*🚩 Red flags (8)*\n"
        "• Stalled (2): R1 Ruian Steel (<@U0REP1>), D2 Dongguan Toys (<@U0REP3>)\n"
        "• Skipped milestone (1): N1 Ningbo Grid (<@U0REP1>)\n"
        "• Overdue follow-up (1): I3 Inner Mongolia Coal (<@U0REP3>)\n"
        "• Failed prospect still pursued (1): Q2 Baotou Mill (<@U0REP1>)\n"
        "• No coach past stage 2 (1): I1 Ili Power (<@U0REP1>)\n"
        "• Decision-maker never met by the bid (1): B2 Baoding Auto (<@U0REP2>)\n"
        "• Close date in the past (1): R2 Rizhao Steel (<@U0REP2>)",
        "*Reps*\n"
        "• <@U0REP1>: 7 open · weighted ¥5,450,000 · 105% of quota · follow-ups on time 3/4\n"
        "• <@U0REP2>: 6 open · weighted ¥3,600,000 · 0% of quota · follow-ups on time 1/2"
        " · plan: needs 25 more with: Prospect assessed and graded A–D; scorecard passed\n"  # issue 16
        "• <@U0REP3>: 4 open · weighted ¥1,170,000 · 0% of quota · follow-ups on time 0/1"
        " · plan: needs 4 more with: Bid submitted (or negotiated tender)",
        "*Why we lose (last 90 days)*\n"
        "Reasons: price ×2 · no decision ×1 · technology ×1\n"
        "Lost to: Sunan Boiler ×2 · Harbin Heat ×1\n"
        # issue 15: where they died, and winners never recorded as competitors during the deal
        "Died in: Shape the criteria ×2 · Prepare and submit the bid ×1 · Negotiate and sign ×1\n"
        "Lost to a winner we never recorded as a competitor: 3 of 3\n"
        "Weakest in lost deals: Size and budget realistic 0.5 vs 2.0 in won deals · "
        "Edge: price 1.0 vs 1.0 in won deals",
        "`/funnel @rep`, `/funnel stage <stage>`, `/funnel grade A` narrow it down · "
        "`/funnel export` for a CSV",
    ]
