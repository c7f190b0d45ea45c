"""Rule-level cases of issue 11 with a real engine (SQLite and PostgreSQL): the 965531 ladder, the
period's forecast and commitment, and lower contact (SPEC §2, §3.3, §7)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from bot.config import Settings
from bot.flows.funnel.figures import compute
from bot.flows.funnel.weighting import weighting
from bot.flows.pipeline import contact, ladder
from bot.flows.pipeline.milestones import record_rung
from bot.flows.pipeline.stage import advance
from bot.flows.pipeline.status import card_of
from bot.flows.qualification.registration import Draft, register
from bot.flows.team.config import team_config
from bot.flows.team.users import Actor
from bot.process import load_process
from bot.process.stages import SHIPPED, load_stage_set
from storage.db import session_scope
from storage.models import Deal, Interview, Nudge, Person, RedFlag
from storage.repo.funnel import Scope
from storage.repo.funnel import figures as repo

T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
REP = "U0REP1"
SETTINGS = Settings(_env_file=None)
PROCESS = load_process(SETTINGS)
ACTOR = Actor(team_id="T0SANDBOX", user_id=REP, locale="en", tz="Asia/Shanghai")
SIX = load_stage_set(SHIPPED["six-stage"])


def _new(
    s, name: str = "Ladder Co", amount: int = 1_000_000, close: date | None = date(2026, 12, 20)
) -> Deal:  # noqa: ANN001
    info = register(s, ACTOR, Draft(account=name, title="", amount=str(amount), close=close), T0,
                    "qualify", settings=SETTINGS, process=PROCESS).deal  # fmt: skip
    return s.get(Deal, info.id)


def _pass(s, deal: Deal, *, score: int = 16, knocked_out: bool = False) -> None:  # noqa: ANN001
    s.add(Interview(team_id=deal.team_id, deal_id=deal.id, rep_id=REP, status="done", score=score, grade="A",
                    knocked_out=knocked_out, started_at=T0, finished_at=T0))  # fmt: skip
    s.flush()
    ladder.refresh(s, deal, SIX, 12)


def _advance(s, deal: Deal, *, what: str | None = "met", force: str | None = None) -> None:  # noqa: ANN001
    advance(s, ACTOR, SIX, deal.id, version=None, now=T0, pass_line=12, what=what, met_on=T0.date(),
            force_reason=force, settings=SETTINGS, process=PROCESS)  # fmt: skip


def _probability(s, deal: Deal) -> int:  # noqa: ANN001
    return card_of(s, deal, SIX, T0).summary.probability


# ------------------------------------------------------------------------------------------ ladder
def test_the_ladder_follows_the_stage_file_with_its_checkpoint():
    assert ladder.probabilities(SIX) == {
        "qualify": 10, "relationships": 20, "influence": 45, "bid": 55,
        "negotiate~negotiation_under_way": 80, "negotiate": 100, "deliver": 100,
    }  # fmt: skip
    eight = load_stage_set(SHIPPED["eight-step"])
    assert list(ladder.probabilities(eight).values()) == [10, 20, 30, 45, 55, 70, 80, 100, 100]
    assert ladder.signed_stages(SIX) == ("deliver",) and ladder.signed_stages(eight) == ("handover",)


@pytest.mark.parametrize(
    ("met", "rung"),
    [
        (set(), None),
        ({"relationships", "influence"}, None),  # stage 1's milestone never met: nothing counts
        ({"qualify", "influence", "bid"}, "qualify"),  # skipped stage 2's: stays at 10%
        ({"qualify", "relationships", "influence", "bid"}, "bid"),
        (
            {"qualify", "relationships", "influence", "bid", "negotiate~negotiation_under_way"},
            "negotiate~negotiation_under_way",
        ),  # fmt: skip
        ({"qualify", "relationships", "influence", "bid", "negotiate"}, "negotiate"),  # checkpoint optional
    ],
)
def test_a_rung_counts_only_with_every_earlier_milestone_met(met, rung):
    assert ladder.earned(SIX, met) == rung


def test_forcing_moves_the_stage_not_the_probability_and_the_late_milestone_raises_it(engine):
    with session_scope(engine) as s:
        deal = _new(s)
        assert _probability(s, deal) == 0  # no milestone met: below the funnel
        _pass(s, deal)
        assert _probability(s, deal) == 10
        _advance(s, deal)  # -> relationships
        _advance(s, deal, what=None, force="in a hurry")  # forced past stage 2 -> influence
        _advance(s, deal, what="criteria")  # stage 3's met, but stage 2's is missing
        assert (deal.stage, deal.earned_rung, _probability(s, deal)) == ("bid", "qualify", 10)
        s.add(
            Person(
                team_id=deal.team_id, deal_id=deal.id, name="C", role="coach", created_at=T0, updated_at=T0
            )
        )
        s.add(Person(team_id=deal.team_id, deal_id=deal.id, name="D", role="decision_maker", met=True,
                     created_at=T0, updated_at=T0))  # fmt: skip
        s.flush()
        ladder.refresh(s, deal, SIX, 12)
        assert (deal.earned_rung, _probability(s, deal)) == ("influence", 45)  # 2 and 3 now count
        _advance(s, deal, what="bid in")  # -> negotiate, 55%
        record_rung(s, ACTOR, SIX, deal.id, stage="negotiate", checkpoint="negotiation_under_way", now=T0,
                    met_on=T0.date(), settings=SETTINGS, process=PROCESS)  # fmt: skip
        assert _probability(s, deal) == 80
        deal.probability_override = 30
        s.add(deal)
        s.flush()
        summary = card_of(s, deal, SIX, T0).summary
        assert (summary.probability, summary.override) == (30, True)  # an override wins, shown as one


def test_a_skipped_record_milestone_is_recorded_later_from_the_card(engine):
    with session_scope(engine) as s:
        deal = _new(s)
        _pass(s, deal)
        for p in (("C", "coach", False), ("D", "decision_maker", True)):
            s.add(Person(team_id=deal.team_id, deal_id=deal.id, name=p[0], role=p[1], met=p[2],
                         created_at=T0, updated_at=T0))  # fmt: skip
        s.flush()
        _advance(s, deal)
        _advance(s, deal)  # -> influence, 20%
        _advance(s, deal, what=None, force="skip the criteria")  # -> bid, still 20%
        card = card_of(s, deal, SIX, T0)
        assert (card.summary.probability, card.skipped) == (20, ("influence",))
        record_rung(s, ACTOR, SIX, deal.id, stage="influence", now=T0, met_on=T0.date(), settings=SETTINGS,
                    process=PROCESS)  # fmt: skip
        card = card_of(s, deal, SIX, T0)
        assert (card.summary.probability, card.skipped, deal.stage) == (45, (), "bid")


def test_a_failed_interview_puts_the_deal_below_the_funnel_as_failed(engine):
    with session_scope(engine) as s:
        deal = _new(s)
        _pass(s, deal, score=17, knocked_out=True)
        summary = card_of(s, deal, SIX, T0).summary
        assert (deal.qualification_failed, summary.below, summary.probability) == (True, "failed", 0)


# ------------------------------------------------------------------------------ forecast, commitment
def test_the_forecast_is_the_periods_unsigned_deals_and_a_commitment_lapses_with_its_period(engine):
    with session_scope(engine) as s:
        cfg = team_config(s, SETTINGS, "T0SANDBOX")
        inside = _new(s, "Inside", 1_000_000, date(2026, 12, 20))
        later = _new(s, "Later", 2_000_000, date(2027, 1, 5))
        signed = _new(s, "Signed", 4_000_000, date(2026, 12, 1))
        for d in (inside, later, signed):
            d.earned_rung, d.committed, d.commit_period = "bid", True, "2026-Q4"
        signed.stage, signed.earned_rung = "deliver", "negotiate"
        later.commit_period = "2026-Q3"  # lapsed
        s.add_all([inside, later, signed])
        s.flush()
        f = compute(s, cfg, now=T0, scope=Scope("T0SANDBOX"))
        assert f.headline["forecast"].base == Decimal("550000.00")  # inside only: 55% of 1.0M
        assert f.pipeline.base == Decimal("1650000.00")  # inside + later, not the signed one
        assert f.headline["commitment"].base == Decimal("5000000.00")  # inside + signed; later lapsed
        w = weighting(cfg, T0)
        weights = repo.deal_weights(s, team_id="T0SANDBOX", deal_ids=[inside.id, signed.id], w=w)
        assert weights[inside.id] == (55, Decimal("550000.00"), "funnel", True)
        assert weights[signed.id] == (100, Decimal("4000000.00"), "funnel", False)


# ---------------------------------------------------------------------------------- lower contact
def _pending(s, deal: Deal) -> list[tuple[str, int]]:  # noqa: ANN001
    rows = s.exec(select(Nudge).where(Nudge.deal_id == deal.id, Nudge.status == "pending"))
    return sorted((n.kind, n.cycle) for n in rows)


def test_lower_contact_plans_only_its_touch_clears_the_kept_flag_and_is_out_of_the_funnel(engine):
    with session_scope(engine) as s:
        deal = _new(s)
        _pass(s, deal, score=8)  # failed
        s.add(RedFlag(team_id=deal.team_id, deal_id=deal.id, kind="failed_prospect_kept", raised_by=REP,
                      raised_at=T0))  # fmt: skip
        s.flush()
        assert {k for k, _ in _pending(s, deal)} >= {"followup_1", "followup_15", "stall"}
        done = contact.lower_contact(
            s, ACTOR, deal.id, now=T0, settings=SETTINGS, process=PROCESS, cause="test"
        )
        assert (done.level, done.touch) == ("lower", 1)
        assert _pending(s, deal) == [("low_contact_touch", 1)]
        touch = s.exec(select(Nudge).where(Nudge.deal_id == deal.id, Nudge.kind == "low_contact_touch")).one()
        assert touch.due_at == T0 + timedelta(days=90)
        assert (
            s.exec(select(RedFlag).where(RedFlag.deal_id == deal.id, RedFlag.cleared_at.is_(None))).all()
            == []
        )
        f = compute(s, team_config(s, SETTINGS, "T0SANDBOX"), now=T0, scope=Scope("T0SANDBOX"))
        assert (f.below, f.grades, sum(x.count for x in f.stages)) == ({"low_contact": 1}, {}, 0)
        # still low: answered, the next touch 90 days from now
        later = T0 + timedelta(days=91)
        contact.still_low(s, SETTINGS, ACTOR, touch.id, later, process=PROCESS)
        assert _pending(s, deal) == [("low_contact_touch", 2)]


def test_the_touch_interval_is_the_teams_setting_with_the_env_default(engine):
    with session_scope(engine) as s:
        settings = Settings(_env_file=None, dealbot_low_contact_days=30)
        assert team_config(s, settings, "T0SANDBOX").low_contact_days == 30
        deal = _new(s)
        contact.lower_contact(s, ACTOR, deal.id, now=T0, settings=settings, process=PROCESS, cause="test")
        touch = s.exec(select(Nudge).where(Nudge.deal_id == deal.id, Nudge.kind == "low_contact_touch")).one()
        assert touch.due_at == T0 + timedelta(days=30)


def test_a_passed_requalification_returns_the_deal_to_the_funnel_with_a_new_cycle(engine):
    with session_scope(engine) as s:
        deal = _new(s)
        contact.lower_contact(s, ACTOR, deal.id, now=T0, settings=SETTINGS, process=PROCESS, cause="test")
        cycle = deal.followup_cycle
        from bot.flows import hooks

        _pass(s, deal)
        hooks.emit(s, "interview_finished", deal, hooks.HookContext(SETTINGS, PROCESS, T0, REP))
        assert (deal.contact_level, deal.followup_cycle) == ("normal", cycle + 1)
        assert ("followup_1", cycle + 1) in _pending(s, deal)
        assert "low_contact_touch" not in {k for k, _ in _pending(s, deal)}
