"""Every weighted figure is computed in one place, so the five surfaces agree (issue 11, acceptance 3
and 4; SPEC §2, §7): the deal card, App Home, the weekly digest, `/funnel` and the CSV export.

1. A deal forced past stage 2's milestone keeps 10%; recording the milestone (a coach and a met
   decision-maker) raises it to 20%; the negotiation checkpoint gives 80% — through the sandbox.
2. The hand-computed fixture (tests/support/funnel_fixture.py, worked out in test_digest_figures.py):
   a forced deal (n1), a lower-contact deal (q5), below-funnel deals (q3 q4; q2 failed), another
   currency (n3, d4), a lapsed commitment (n2), out-of-period deals (b1 b3 n2), signed deals (d1..d4).
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from bot import ids
from sandbox.slack_side import SlackSide
from storage.db import session_scope
from tests.support import funnel_fixture as fx
from tests.support.pipeline import BotDb, all_text, last_to
from tests.support.waits import wait_for

REP = "U0REP2"
CHANNEL = "C0MANAGERS"


def _funnel(side, sandbox, user: str, text: str = "") -> str:  # noqa: ANN001
    before = len(sandbox.state.ephemerals(user))
    assert side.command(user, "/funnel", text).status == 200
    shown = wait_for(
        lambda: [m for m in sandbox.state.ephemerals(user)[before:] if m.source == "response_url"],
        what="the funnel after the ack",
    )
    return all_text(shown[-1].blocks)


def _csv(side, sandbox, user: str) -> dict[str, list[str]]:  # noqa: ANN001
    def csvs() -> list:  # the funnel's chart PNG, uploaded after its ack, may land in the DM meanwhile
        return [m for m in sandbox.state.dm(user) if m.files and m.files[0]["name"].endswith(".csv")]

    before = len(csvs())
    assert side.command(user, "/funnel", "export").status == 200
    sent = wait_for(lambda: csvs()[before:], what="the CSV")
    content = sandbox.state.files[sent[0].files[0]["id"]]["content"].decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    head = rows[0]
    return {r[1]: dict(zip(head, r, strict=True)) for r in rows[1:]}


def _card(side, sandbox, user: str, name: str) -> str:  # noqa: ANN001
    side.command(user, "/deal", name)
    return all_text(last_to(sandbox, user).blocks)


def _home(side, sandbox, user: str) -> str:  # noqa: ANN001
    side.open_home(user)
    return all_text(sandbox.state.home_view(user))


def _advance(side, sandbox, values: dict) -> None:  # noqa: ANN001
    side.command(REP, "/deal", "advance ladder")
    assert sandbox.state.open_modal(REP)["callback_id"] == ids.VIEW_ADVANCE
    reply = side.submit(REP, values)
    assert reply.status == 200 and not reply.text.strip(), reply.text


@pytest.fixture
def ladder_bot(make_bot, db_url):
    return make_bot(db_url, DEALBOT_MANAGER_CHANNEL=CHANNEL)


def test_forced_past_stage_2_keeps_10_milestone_20_checkpoint_80_and_five_surfaces_agree(ladder_bot, sandbox):
    bot, db = ladder_bot, BotDb(ladder_bot)
    side = SlackSide(sandbox, app_url=bot.url)
    bot.set_clock("2026-11-18T02:00:00Z")  # quota period 2026-Q4
    deal = db.add_deal(owner_id=REP, account="Ladder Co", title="Pumps", amount=2_000_000,
                       expected_close=date(2026, 12, 20))  # fmt: skip
    assert "Below the funnel · 0% — no milestone met yet" in _card(side, sandbox, REP, "ladder")
    db.pass_interview(deal)
    _advance(side, sandbox, {"what": "Graded A"})  # stage 1's milestone: 10%
    _advance(side, sandbox, {"force_reason": "the customer is in a hurry"})  # forced past stage 2's
    d = db.deal(deal.id)
    assert (d.stage, d.earned_rung) == ("influence", "qualify")
    card = _card(side, sandbox, REP, "ladder")
    assert "¥2,000,000 × 10% = *¥200,000* (Prospect assessed and graded A–D; scorecard passed)" in card
    assert "3. Shape the criteria — 1 · ¥2,000,000 · weighted ¥200,000" in _funnel(side, sandbox, REP)

    # record stage 2's milestone: a coach and a met decision-maker -> 20%, the stage stays
    side.command(REP, "/deal", "people ladder")
    pv = sandbox.state.open_modal(REP)
    side.submit(REP, {"name": "Li Wei", "role": "coach", "attitude": "supporter", "influence": "3"})
    side.submit(REP, {"name": "Zhao Min", "role": "decision_maker", "attitude": "neutral", "influence": "5",
                      "met": ["yes"]}, view=sandbox.state.views[pv["id"]])  # fmt: skip
    d = db.deal(deal.id)
    assert (d.stage, d.earned_rung) == ("influence", "relationships")
    assert "¥2,000,000 × 20% = *¥400,000* (Coach and key decision-maker identified and met" in _card(
        side, sandbox, REP, "ladder"
    )

    # stages 3 and 4 met on the way; then the checkpoint inside stage 5, from the card: 80%
    _advance(side, sandbox, {"what": "Criteria include our spec"})
    _advance(side, sandbox, {"what": "Bid submitted"})
    assert "¥2,000,000 × 55% = *¥1,100,000*" in _card(side, sandbox, REP, "ladder")
    card = last_to(sandbox, REP)
    assert "Negotiation under way (80%)" in all_text(card.blocks)
    side.click(REP, card, ids.ACT_RECORD_RUNG)
    assert db.deal(deal.id).earned_rung == "negotiate~negotiation_under_way"

    # the five surfaces: ¥2,000,000 × 80% = ¥1,600,000 everywhere
    card = _card(side, sandbox, REP, "ladder")
    assert "¥2,000,000 × 80% = *¥1,600,000* (Negotiation under way)" in card
    assert "Negotiation under way (80%)" not in card  # recorded: the button is gone
    funnel = _funnel(side, sandbox, REP)
    assert "5. Negotiate and sign — 1 · ¥2,000,000 · weighted ¥1,600,000" in funnel
    assert "*Forecast*\n¥1,600,000" in funnel
    row = _csv(side, sandbox, REP)["Ladder Co"]
    assert (row["probability"], row["weighted"], row["funnel"]) == ("80", "1600000.00", "funnel")
    assert "<@U0REP2> · 1 open · ¥2,000,000 · weighted *¥1,600,000*" in _home(side, sandbox, "U0ADMIN")
    bot.set_clock("2026-11-23T01:00:00Z")
    assert bot.run_due()["jobs"]["digest"] == 1
    digest = all_text([m for m in sandbox.state.channel_messages(CHANNEL) if m.blocks][0].blocks)
    assert "*Forecast*\n¥1,600,000" in digest
    assert "5. Negotiate and sign — 1 · ¥2,000,000 · weighted ¥1,600,000" in digest
    db.close()


# ---------------------------------------------------------------------- the hand-computed fixture
# (probability, weighted, funnel bucket) of every open deal, by hand (test_digest_figures.py)
HAND = {
    "Q1 Anshan Works": ("10", "100000.00", "funnel"),
    "Q2 Baotou Mill": ("0", "0.00", "failed"),
    "Q3 Qingdao Beer": ("0", "0.00", "qualification"),
    "Q4 Quzhou Paper": ("0", "0.00", "qualification"),
    "Q5 Quanzhou Tea": ("0", "0.00", "low_contact"),
    "R1 Ruian Steel": ("10", "200000.00", "funnel"),
    "R2 Rizhao Steel": ("10", "150000.00", "funnel"),
    "R3 Rugao Textile": ("10", "70000.00", "funnel"),
    "I1 Ili Power": ("20", "800000.00", "funnel"),
    "I2 Ichang Glass": ("50", "1000000.00", "funnel"),
    "I3 Inner Mongolia Coal": ("20", "200000.00", "funnel"),
    "B1 Binzhou Port": ("70", "2100000.00", "funnel"),
    "B2 Baoding Auto": ("45", "450000.00", "funnel"),
    "B3 Bengbu Glass": ("45", "900000.00", "funnel"),
    "N1 Ningbo Grid": ("45", "2250000.00", "funnel"),
    "N2 Nanjing Metro": ("80", "2000000.00", "funnel"),
    "N3 Newark Plant": ("55", "55000.00", "funnel"),
    "D1 Datong Rail": ("100", "6000000.00", "funnel"),
    "D2 Dongguan Toys": ("100", "1200000.00", "funnel"),
    "D3 Dalian Chem": ("100", "1500000.00", "funnel"),
    "D4 Denver Mill": ("100", "50000.00", "funnel"),
    "H1 Hefei Screens": ("0", "0.00", ""),  # on hold: not open, not in the funnel
}
COMMITTED = {"I1 Ili Power", "B1 Binzhou Port", "N1 Ningbo Grid", "N3 Newark Plant"}  # n2's lapsed


def test_every_weighted_figure_of_the_fixture_agrees_on_all_five_surfaces(make_bot, sandbox, engine, db_url):
    with session_scope(engine) as s:
        fx.build(s)
    bot = make_bot(db_url, DEALBOT_MANAGER_CHANNEL=fx.CHANNEL)
    bot.set_clock("2026-11-23T01:00:00Z")
    side = SlackSide(sandbox, app_url=bot.url)

    # CSV (an admin sees the team): every deal's probability, weighted amount and where it stands
    rows = _csv(side, sandbox, "U0ADMIN")
    assert {k: (r["probability"], r["weighted"], r["funnel"]) for k, r in rows.items() if k in HAND} == HAND
    assert {k for k, r in rows.items() if r["committed"] == "True"} == COMMITTED

    # cards: the same figures, with why
    adm = "U0ADMIN"
    card = _card(side, sandbox, adm, "Ningbo Grid")  # forced past bid's milestone: 45%, not 55 or 80
    assert "¥5,000,000 × 45% = *¥2,250,000* (The customer's purchasing criteria influenced" in card
    assert "Below the funnel · 0% — kept at low contact" in _card(side, sandbox, adm, "Quanzhou Tea")
    assert "Below the funnel · 0% — failed qualification, still pursued" in _card(
        side, sandbox, adm, "Baotou"
    )
    card = _card(side, sandbox, adm, "Newark Plant")
    assert "$100,000 × 55% = *$55,000*" in card and "✓ committed for 2026-Q4" in card
    card = _card(side, sandbox, adm, "Nanjing Metro")
    assert "¥2,500,000 × 80% = *¥2,000,000* (Negotiation under way)" in card
    assert "commitment for 2026-Q3 lapsed — commit again for 2026-Q4?" in card
    assert "Below the funnel · 0% — no milestone met yet" in _card(side, sandbox, adm, "Qingdao Beer")
    assert "¥3,000,000 × 70% = *¥2,100,000* (override)" in _card(side, sandbox, adm, "Binzhou")

    # App Home (an admin sees every rep): the weighted pipeline per rep, as the digest's rep lines
    home = _home(side, sandbox, "U0ADMIN")
    assert "<@U0REP1> · 7 open · ¥22,500,000 · weighted *¥5,450,000*" in home
    assert "<@U0REP2> · 6 open · ¥7,000,000 · weighted *¥3,600,000*" in home
    assert "<@U0REP3> · 4 open · ¥4,900,000 · weighted *¥1,170,000*" in home

    # /funnel (the team) and the digest: the same headline, stages and reps
    funnel = _funnel(side, sandbox, "U0ADMIN")
    assert bot.run_due()["jobs"]["digest"] == 1
    digest = all_text([m for m in sandbox.state.channel_messages(fx.CHANNEL) if m.blocks][0].blocks)
    for text in (funnel, digest):
        assert "*Forecast*\n¥5,150,000 (−¥16,850,000)" in text
        assert "*Commitment*\n¥12,000,000 (−¥3,000,000)" in text
        assert "= expected ¥15,650,000 this period · whole weighted pipeline ¥10,220,000" in text
        assert "5. Negotiate and sign — 3 · ¥7,500,000 · weighted ¥4,250,000" in text
        assert "USD: 2 open · $150,000 · weighted $105,000" in text
        assert "2 in qualification, 1 at low contact, 1 failed but pursued" in text
        assert "<@U0REP1>: 7 open · weighted ¥5,450,000" in text
    # and the CSV adds up to the same pipeline: in the funnel, base currency, not signed
    pipeline = sum(
        float(r["weighted"])
        for r in rows.values()
        if r["funnel"] == "funnel" and r["currency"] == "CNY" and r["stage"] != "deliver"
    )
    assert pipeline == 10_220_000
