"""Issue 17, items 5–7 as rules (the use cases on a real engine, no process): explanations that answer the
next question (the grade reason names what the next grade needs; "Can we win?" and its caveat agree; the
question counter says why it skips numbers; the gate dialog shows its checklist once and its error on the
field to fill), the first run (a welcome once; an admin's setup checklist until it is done), and bad
input that says so (/deal new's amount, a name over the limit)."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.blocks.deal_card import grade_line
from bot.blocks.home import home_view
from bot.blocks.interview import question_message
from bot.blocks.pipeline_modals import advance_modal
from bot.blocks.register import register_modal
from bot.blocks.verdict import rule_text, verdict_message
from bot.flows.errors import BadInput, MilestoneMissing
from bot.flows.pipeline.status import card_of
from bot.flows.qualification import interview as iv_flow
from bot.flows.qualification.grading import GradingEnv, assess
from bot.flows.qualification.registration import Draft, draft_from_command, register
from bot.flows.team.first_run import claim_welcome, setup_checklist
from bot.flows.team.settings import save_settings
from storage.models import Deal
from tests.support.factories import T0
from tests.support.flows import TEAM, said
from tests.support.pipeline import all_text

REP, ADMIN = "U0REP2", "U0ADMIN"
STRONG = {  # 17 of 20 (pass line 12; A needs 15 and a close within 3 months)
    "need": "pain", "icp_fit": "yes", "hard_constraint": "no", "meets_needs": "yes",
    "budget": {"amount": "3000000", "currency": "CNY"}, "budget_realistic": "realistic", "credit": "good",
    "coach": "none", "order_size": {"amount": "3000000", "currency": "CNY"}, "margin": 25,
    "competitor_count": 2, "competitors": "Sunan Boiler", "edge_product": "ahead", "edge_price": "equal",
    "edge_service": "ahead", "relationship": "average", "entry_timing": "midway", "further_business": "yes",
}  # fmt: skip
MEDIUM = {**STRONG, "edge_product": "equal", "edge_service": "equal", "further_business": "some"}  # 14


def _assess(world, answers: dict, close: date | None):  # noqa: ANN001, ANN202
    env = GradingEnv(
        world.process.questions, world.process.questions.pass_line, ZoneInfo(world.settings.dealbot_timezone)
    )
    return assess(env, answers, (), close, T0)


@pytest.fixture
def today(world) -> date:  # noqa: ANN001
    return T0.astimezone(ZoneInfo(world.settings.dealbot_timezone)).date()


# -- 5. explanations -------------------------------------------------------------------------------
def test_the_grade_reason_names_what_the_next_grade_up_needs(world, today):  # noqa: ANN001
    far, near = today + timedelta(days=300), today + timedelta(days=30)
    by = "2 Feb 2027"  # three months from the team's today (2 Nov 2026)
    b_late = _assess(world, STRONG, far)
    assert (b_late.grade.grade, b_late.card.scaled) == ("B", 17)
    assert rule_text(b_late, "en").endswith(f"Next grade up: A needs a close within 3 months (by {by}).")
    assert "A 级需要在 3 个月内成交" in rule_text(b_late, "zh-Hans")

    b_medium = _assess(world, MEDIUM, near)
    assert (b_medium.grade.grade, b_medium.card.scaled) == ("B", 14)
    assert rule_text(b_medium, "en").endswith("Next grade up: A needs a score of 15 or more.")

    c = _assess(world, MEDIUM, far)
    assert c.grade.grade == "C"
    assert rule_text(c, "en").endswith(
        f"Next grade up: B needs a score of 15 or more, or a close within 3 months (by {by})."
    )
    no_close = _assess(world, MEDIUM, None)
    assert "B needs a score of 15 or more, or a close within 3 months" in rule_text(no_close, "en")

    low = {
        **MEDIUM,
        "icp_fit": "no",
        "budget_realistic": "so_so",
        "relationship": "poor",
        "edge_price": "behind",
    }
    d = _assess(world, low, near)
    assert d.grade.grade == "D" and d.card.scaled < 12
    assert rule_text(d, "en").endswith("Next grade up: C needs a score of 12 or more.")

    a = _assess(world, STRONG, near)
    assert a.grade.grade == "A" and "Next grade up" not in rule_text(a, "en")
    knocked = _assess(world, {**STRONG, "meets_needs": "no"}, near)  # no total lifts a knock-out
    assert knocked.grade.grade == "D" and "Next grade up" not in rule_text(knocked, "en")


def test_the_deal_card_names_what_the_next_grade_up_needs(world, today):  # noqa: ANN001
    late = world.new_deal(
        owner_id=REP, now=T0, grade="B", score=17, expected_close=today + timedelta(days=300)
    )
    held = world.new_deal(owner_id=REP, now=T0, grade="B", score=17, expected_close=today + timedelta(days=300),
                          downgraded_at=T0, downgrade_score=17,
                          downgrade_close=today + timedelta(days=300))  # fmt: skip
    with world.session() as s:
        stages = world.stages(s)
        card = card_of(s, s.get(Deal, late), stages, T0, questions=world.process.questions, today=today,
                       pass_line=12)  # fmt: skip
        kept = card_of(s, s.get(Deal, held), stages, T0, questions=world.process.questions, today=today,
                       pass_line=12)  # fmt: skip
    assert "Next grade up: A needs a close within 3 months (by 2 Feb 2027)." in grade_line(card, "en")
    assert "再升一级：A 级需要在 3 个月内成交" in grade_line(card, "zh-Hans")
    assert kept.next_grade is None and "Next grade up" not in grade_line(
        kept, "en"
    )  # the rep's downgrade holds


def test_can_we_win_and_its_coach_caveat_agree(world, today):  # noqa: ANN001
    qset = world.process.questions
    deal = iv_flow.DealInfo(1, "Wenzhou Hotel", "Boilers", "CNY", "A")
    no_coach = all_text(verdict_message(qset, deal, _assess(world, STRONG, today), 1, "en")["blocks"])
    assert "Yes, once we find a coach — none yet" in no_coach and "Yes (no coach yet)" not in no_coach
    coach = {**STRONG, "coach": {"name": "Li Ming", "title": "plant manager"}}
    with_coach = all_text(verdict_message(qset, deal, _assess(world, coach, today), 1, "en")["blocks"])
    assert "Yes (coach found)" in with_coach
    zh = all_text(verdict_message(qset, deal, _assess(world, STRONG, today), 1, "zh-Hans")["blocks"])
    assert "能，但要先找到教练（内线）——目前还没有" in zh


def test_the_question_counter_says_which_numbers_the_form_answered(world):  # noqa: ANN001
    qset = world.process.questions
    close = (T0 + timedelta(days=60)).date()
    with world.session() as s:
        rep = world.actor(s, REP)
        first = world.stages(s).first.key
        step = register(s, rep, Draft(account="Form Co", amount="3m", close=close), T0, first,
                        settings=world.settings, process=world.process)  # fmt: skip
        seen = {}
        while step.ask is not None and step.ask.key != "margin":
            seen[step.ask.key] = step.ask
            value = STRONG[step.ask.key] if step.ask.key != "coach" else "none"
            step = iv_flow.answer(s, rep, step.interview_id, step.ask.key, value, T0,
                                  settings=world.settings, process=world.process)  # fmt: skip
        margin = step.ask
    assert "close_date" not in seen and "order_size" not in seen  # answered in the form
    assert (seen["coach"].number, seen["coach"].from_form) == (9, (8,))
    assert (margin.number, margin.from_form) == (11, (8, 10))
    shown = all_text(question_message(qset, margin, 1, "Form Co", "en")["blocks"])
    assert "11 of 19" in shown and "Skipped no. 8, 10: already answered in the form." in shown
    zh = all_text(question_message(qset, margin, 1, "Form Co", "zh-Hans")["blocks"])
    assert "已跳过第 8、10 题：登记表中已填写。" in zh
    assert seen["need"].from_form == ()
    assert "already answered" not in all_text(
        question_message(qset, seen["need"], 1, "Form Co", "en")["blocks"]
    )


def test_the_gate_dialog_lists_its_checklist_once_and_puts_the_error_on_the_field_to_fill(world):  # noqa: ANN001
    qualify = world.new_deal(owner_id=REP, now=T0, interviewed=False)  # the interview gate: checks
    influence = world.new_deal(owner_id=REP, now=T0, stage="influence")  # a recorded milestone
    with world.session() as s:
        rep = world.actor(s, REP)
        plan = world.plan_advance(s, rep, qualify)
        text = all_text(advance_modal(plan, "en", T0.date(), "{}")["blocks"])
        for line in ("Qualification interview finished", "Scorecard at or above the pass line, no knock-out"):
            assert text.count(line) == 1, line
        assert "❌ Qualification interview finished" in text
        zh = all_text(advance_modal(plan, "zh-Hans", T0.date(), "{}")["blocks"])
        assert zh.count("客户审核问答已完成") == 1
        recorded = advance_modal(world.plan_advance(s, rep, influence), "en", T0.date(), "{}")
        rec = all_text(recorded["blocks"])
        assert rec.count("Technical exchange or demo held") == 1 and "• Technical exchange" in rec
        # not labelled optional when it is the only way on (the checks fail); either-or with "what" else
        optional = {
            b["block_id"]: b.get("optional", False) for b in recorded["blocks"] if b["type"] == "input"
        }
        assert optional == {"what": True, "met_on": False, "evidence": True, "force_reason": True}
        gated = advance_modal(plan, "en", T0.date(), "{}")
        assert (
            next(b for b in gated["blocks"] if b.get("block_id") == "force_reason").get("optional")
            is not True
        )
    with world.session() as s, pytest.raises(MilestoneMissing) as checks:
        world.advance(s, world.actor(s, REP), qualify, now=T0)
    assert checks.value.values["field"] == "force_reason"
    assert said(checks.value, "en").startswith("The checks above (❌) aren't all met.")
    with world.session() as s, pytest.raises(MilestoneMissing) as record:
        world.advance(s, world.actor(s, REP), influence, now=T0)
    assert record.value.values["field"] == "what"
    assert said(record.value, "en").startswith("Write what was achieved to meet the milestone")


# -- 6. first run ----------------------------------------------------------------------------------
def test_the_welcome_is_claimed_once_per_person(world):  # noqa: ANN001
    with world.session() as s:
        rep = world.actor(s, REP)
        assert claim_welcome(s, rep, T0) is True
        assert claim_welcome(s, rep, T0) is False
        other = world.actor(s, "U0REP1")
        assert claim_welcome(s, other, T0) is True
    with world.session() as s:
        assert claim_welcome(s, world.actor(s, REP), T0) is False  # stored: not again after a restart
    world.new_deal(owner_id="U0MGR", now=T0)  # registered with /deal new before any visit: started already
    with world.session() as s:
        assert claim_welcome(s, world.actor(s, "U0MGR"), T0) is False


def test_an_admin_sees_the_setup_checklist_until_every_item_is_done(world):  # noqa: ANN001
    with world.session() as s:
        admin = world.actor(s, ADMIN)
        rep = world.actor(s, REP)
        checklist = setup_checklist(s, TEAM)
        assert [k for k, ok in checklist.items if not ok] == [
            "manager_channel", "timezone", "locale", "stage_set", "quotas"
        ]  # fmt: skip
        home = world.home(s, admin, now=T0)
        text = all_text(home_view(home))
        assert "Set up dealbot (0 of 5 done)" in text and "☐ *Manager channel*" in text
        assert "Set up dealbot" not in all_text(home_view(world.home(s, rep, now=T0)))  # admins only
    with world.session() as s:
        admin = world.actor(s, ADMIN)
        save_settings(s, admin, {"manager_channel": "C0MANAGERS", "digest_weekday": "0", "digest_time": "09:00",
                                 "timezone": "Asia/Shanghai", "locale": "en", "stage_set": "six-stage"}, now=T0)  # fmt: skip
    with world.session() as s:
        admin = world.actor(s, ADMIN)
        text = all_text(home_view(world.home(s, admin, now=T0)))
        assert "Set up dealbot (4 of 5 done)" in text and "☐ *Quotas*" in text and "✅ ~*Time zone*" in text
        world.set_quota(s, admin, f"<@{REP}> 5000000 2026-Q4", now=T0)
    with world.session() as s:
        admin = world.actor(s, ADMIN)
        home = world.home(s, admin, now=T0)
        assert home.setup is None and "Set up dealbot" not in all_text(home_view(home))


def test_the_welcome_says_what_dealbot_does_the_three_commands_and_the_language(world):  # noqa: ANN001
    with world.session() as s:
        home = world.home(s, world.actor(s, REP), now=T0)
    first = all_text(home_view(home, welcome=True))
    assert "Welcome to dealbot" in first and "/deal new Wenzhou Hotel 3m" in first
    assert "`/deal Wenzhou`" in first and "`/deal help`" in first and "简体中文" in first
    assert "Welcome to dealbot" not in all_text(home_view(home))


# -- 7. bad input says so --------------------------------------------------------------------------
def test_deal_new_keeps_a_bad_amount_in_its_field_with_the_error(world):  # noqa: ANN001
    draft = draft_from_command("Foo Industrial abc", "CNY")
    assert (draft.account, draft.amount, draft.amount_unreadable) == ("Foo Industrial", "abc", True)
    amount = next(b for b in register_modal(draft, "en")["blocks"] if b["block_id"] == "amount")
    assert amount["element"]["initial_value"] == "abc"
    assert amount["hint"]["text"].startswith("⚠ “abc” isn't an amount. Type an amount")
    assert draft_from_command("Wenzhou Hotel Boilers", "CNY").account == "Wenzhou Hotel Boilers"
    good = draft_from_command("Wenzhou Hotel 3m", "CNY")
    assert (good.account, good.amount, good.amount_unreadable) == ("Wenzhou Hotel", "3m", False)
    with world.session() as s, pytest.raises(Exception) as kept:  # submitted unchanged: the same words
        register(s, world.actor(s, REP), draft, T0, "qualify", settings=world.settings, process=world.process)
    assert kept.value.errors["amount"][0] == ("qualification.register.errors.not_amount", {"text": "abc"})


def test_a_name_over_the_limit_is_refused_naming_the_limit_not_cut():
    with pytest.raises(BadInput) as e:
        draft_from_command("x" * 5000 + " 3m", "CNY")
    assert said(e.value, "en").startswith("A customer name can be at most 200 characters; yours has 5000.")
    assert "最多 200 个字符" in said(e.value, "zh-Hans")
    assert draft_from_command("x" * 200, "CNY").account == "x" * 200
