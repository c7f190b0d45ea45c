"""The weekly digest's figures over a hand-computed fixture (tests/support/funnel_fixture.py), straight
from the use cases (bot/flows/funnel): every figure is a literal worked out by hand below, then the
message rendered from them.

Hand computation (CNY unless noted; probabilities 10/20/45/55/80/100; b1 override 70, i2 override 50):
  open per stage  qualify 5: 1.0M+0.5M+0.8M+0.2M+0.3M = 2.8M, weighted 280K
                  relationships 3: 2.0M+1.5M+0.7M = 4.2M, weighted 400K+300K+140K = 840K
                  influence 3: 4.0M+2.0M+1.0M = 7.0M, weighted 1.8M+1.0M+450K = 3.25M
                  bid 3: 3.0M+1.0M+2.0M = 6.0M, weighted 2.1M+550K+1.1M = 3.75M
                  negotiate 3 (one USD): 5.0M+2.5M = 7.5M, weighted 4.0M+2.0M = 6.0M
                  deliver 4 (one USD): 6.0M+1.2M+1.5M = 8.7M, weighted 8.7M
                  USD: n3 $100K (weighted $80K) + d4 $50K = $150K, weighted $130K
  forecast 22.82M (last week 22.0M: +820K); commitment i1+b1+n1+n2 = 14.5M (15.0M: −500K), USD $100K
  achievement (entered deliver in 2026-Q4): d1 6.0M + d3 1.5M + w1 3.0M = 10.5M = 55% of 19M (+1.5M); USD $50K
  won in Q4: w1 3.0M + w2 2.0M = 5.0M (±0); cash in Q4: 1.0M + 2.0M + 2.0M = 5.0M (+1.0M); USD $20K
  this week: new q1 q4; advanced i1 n1 d3; won w1; lost l1; dropped x1; delayed h1
  flags: stalled r1 (20 d > 14) and d2 (64 d > 42); forced n1; overdue i3; failed q2; no coach i1;
         decision-maker not met b2; close date past r2 = 8
  reps: rep1 8 open, 100K+50K+400K+1.8M+2.1M+4.0M+6.0M+1.5M = 15.95M, 10.5M/10M = 105%, 3/4
        rep2 8 open, 80K+20K+300K+1.0M+550K+2.0M = 3.95M, 0%, 1/2; rep3 5 open, 2.92M, 0%, 0/1
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
        "forecast": (M(22_820_000), {"USD": M(130_000)}),
        "commitment": (M(14_500_000), {"USD": M(100_000)}),
        "achievement": (M(10_500_000), {"USD": M(50_000)}),
        "won": (M(5_000_000), {}),
        "cash": (M(5_000_000), {"USD": M(20_000)}),
    }
    assert f.deltas == {"quota": M(0), "forecast": M(820_000), "commitment": M(-500_000),
                        "achievement": M(1_500_000), "won": M(0), "cash": M(1_000_000)}  # fmt: skip
    assert [(x.key, x.count, x.amount, x.weighted) for x in f.stages] == [
        ("qualify", 5, M(2_800_000), M(280_000)),
        ("relationships", 3, M(4_200_000), M(840_000)),
        ("influence", 3, M(7_000_000), M(3_250_000)),
        ("bid", 3, M(6_000_000), M(3_750_000)),
        ("negotiate", 3, M(7_500_000), M(6_000_000)),
        ("deliver", 4, M(8_700_000), M(8_700_000)),
    ]
    assert f.other_stages == {"USD": (2, M(150_000), M(130_000))}
    assert f.grades == {"A": 7, "B": 8, "C": 3, "D": 2, "-": 1}
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
        ("U0REP1", 8, M(15_950_000), M(10_000_000), M(10_500_000), 3, 4),
        ("U0REP2", 8, M(3_950_000), M(5_000_000), M(0), 1, 2),
        ("U0REP3", 5, M(2_920_000), M(4_000_000), M(0), 0, 1),
    ]
    assert [r.attainment for r in f.reps] == [105.0, 0.0, 0.0]
    assert f.loss_reasons == [("price", 2), ("no_decision", 1), ("technology", 1)]
    assert f.competitors == [("Sunan Boiler", 2), ("Harbin Heat", 1)]
    assert f.weakest == [("budget_realistic", 0.5, 2.0), ("edge_price", 1.0, 1.0)]
    # stored on the digest run, for next week's comparison
    assert f.stored() == {
        "quota": "19000000.00",
        "forecast": "22820000.00",
        "commitment": "14500000.00",
        "achievement": "10500000.00",
        "won": "5000000.00",
        "cash": "5000000.00",
    }


def test_the_digest_message_shows_every_hand_computed_figure(team):
    with team.session() as s:
        message = team.digest(s, channel_id=fx.CHANNEL, week=WEEK, now=fx.NOW).message
    assert message["text"] == (
        "Funnel · week of 23 Nov 2026: forecast ¥22,820,000, commitment ¥14,500,000, "
        "achievement ¥10,500,000, 8 red flags"
    )
    assert _texts(message) == [
        "Funnel · week of 23 Nov 2026",
        "*Quota*\n¥19,000,000 (±0)",
        "*Forecast*\n¥22,820,000 (+¥820,000)",
        "*Commitment*\n¥14,500,000 (−¥500,000)",
        "*Achievement*\n¥10,500,000 · 55% of quota (+¥1,500,000)",
        "*Won (paid in full)*\n¥5,000,000 (±0)",
        "*Cash collected*\n¥5,000,000 (+¥1,000,000)",
        "Quota period 2026-Q4 · totals in CNY; other currencies are listed apart, never converted",
        "Not in the totals — Forecast: $130,000 · Commitment: $100,000 · Achievement: $50,000 · "
        "Cash collected: $20,000",
        "*Funnel by stage*\n"
        "1. Qualify the prospect — 5 · ¥2,800,000 · weighted ¥280,000\n"
        "2. Map roles, build relationships — 3 · ¥4,200,000 · weighted ¥840,000\n"
        "3. Shape the criteria — 3 · ¥7,000,000 · weighted ¥3,250,000\n"
        "4. Prepare and submit the bid — 3 · ¥6,000,000 · weighted ¥3,750,000\n"
        "5. Negotiate and sign — 3 · ¥7,500,000 · weighted ¥6,000,000\n"
        "6. Deliver and collect payment — 4 · ¥8,700,000 · weighted ¥8,700,000\n"
        "USD: 2 open · $150,000 · weighted $130,000",
        "*Grade mix*  A 7 · B 8 · C 3 · D 2 · ungraded 1\n"
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
        "• <@U0REP1>: 8 open · weighted ¥15,950,000 · 105% of quota · follow-ups on time 3/4\n"
        "• <@U0REP2>: 8 open · weighted ¥3,950,000 · 0% of quota · follow-ups on time 1/2\n"
        "• <@U0REP3>: 5 open · weighted ¥2,920,000 · 0% of quota · follow-ups on time 0/1",
        "*Why we lose (last 90 days)*\n"
        "Reasons: price ×2 · no decision ×1 · technology ×1\n"
        "Lost to: Sunan Boiler ×2 · Harbin Heat ×1\n"
        "Weakest in lost deals: Size and budget realistic 0.5 vs 2.0 in won deals · "
        "Edge: price 1.0 vs 1.0 in won deals",
        "`/funnel @rep`, `/funnel stage <stage>`, `/funnel grade A` narrow it down · "
        "`/funnel export` for a CSV",
    ]
