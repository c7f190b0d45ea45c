"""Deal-hook listeners read the settings and process their emitter hands them (``HookContext``), never
the environment: on both backends."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from sqlmodel import select

from bot.config import Settings
from bot.flows.hooks import emit
from bot.flows.team.config import effective_pass_line, team_config
from storage.db import session_scope
from storage.models import Nudge
from tests.support.factories import T0, hook_context, make_deal


def test_nudges_are_planned_in_the_work_hours_of_the_emitters_settings(engine, monkeypatch):
    monkeypatch.setenv("DEALBOT_WORK_HOURS", "07:00-08:00")  # the environment says otherwise
    ours = Settings(dealbot_work_hours="13:00-15:00", dealbot_timezone="Asia/Shanghai")
    with session_scope(engine) as s:
        deal = make_deal(s, owner_id="U0REP1", now=T0)  # Mon 09:00 Shanghai, no stored user zone
        emit(s, "created", deal, hook_context(T0, "U0REP1", settings=ours))
        day1 = s.exec(select(Nudge).where(Nudge.deal_id == deal.id, Nudge.kind == "followup_1")).one()
        # due Tue 09:00 Shanghai, before the 13:00-15:00 window: sent at 13:00 (05:00 UTC), not at
        # the environment's 07:00 on Wednesday nor the default's 09:00 on Tuesday
        assert day1.send_after.astimezone(UTC) == datetime(2026, 11, 3, 5, 0, tzinfo=UTC)


def test_one_pass_line_rule_the_teams_when_set_else_the_question_sets(engine):
    ctx = hook_context()
    qset = ctx.process.questions
    with session_scope(engine) as s:
        team = team_config(s, ctx.settings, "T0SANDBOX")
    assert effective_pass_line(team, qset) == qset.pass_line
    for line in (14, 0):
        assert effective_pass_line(replace(team, pass_line=line), qset) == line
