"""Time for selling (issue 16, SPEC §13, seed 003) over signed HTTP through the sandbox: the end-of-day
prompt arrives in the rep's working hours (their zone) only when the team turned it on, once per day;
one tap answers it, a line is optional; the week's share is what the weekly review reads
(``storage.repo.plan.selling_share``).

Sam Carter (U0REP2) is in America/New_York: work hours 09:00–18:00, so the prompt is due from 17:30
local = 22:30 UTC in November; Wang Li (U0REP1, Asia/Shanghai) is at 06:30 then, and gets none.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from bot import ids
from sandbox.slack_side import SlackSide
from storage.db import read_scope, session_scope
from storage.models import SellingDay
from storage.repo.plan import selling_share
from tests.support import plan_data as pd
from tests.support.pipeline import all_text

REP, FAR = "U0REP2", "U0REP1"
ADMIN = "U0ADMIN"
PROMPT = "How did today go? *Mostly selling*, *half*, or *mostly other work*? One tap is enough."


PROMPT_ZH = "今天的时间主要花在哪？*主要在做销售*、*一半一半*，还是*主要在做其他工作*？点一下即可。"


def _prompts(sandbox, user: str) -> list:  # noqa: ANN001
    return [
        m
        for m in sandbox.state.dm(user)
        if m.blocks and {PROMPT, PROMPT_ZH} & set(all_text(m.blocks).split("\n"))
    ]


@pytest.fixture
def team(make_bot, engine, db_url):
    with session_scope(engine) as s:
        for owner in (REP, FAR):
            pd.deal(s, owner, 1_000_000, rung="qualify", created=datetime(2026, 10, 5, tzinfo=UTC))
    bot = make_bot(db_url)
    bot.set_clock("2026-11-18T14:00:00Z")
    return bot


def test_the_prompt_only_when_on_and_in_the_reps_working_hours_once_a_day(team, sandbox, engine):
    bot, side = team, SlackSide(sandbox, app_url=team.url)
    for user in (REP, FAR):  # first sight: dealbot stores each rep's zone
        assert side.command(user, "/funnel", "plan").status == 200

    bot.set_clock("2026-11-18T22:40:00Z")  # Wed 17:40 in New York: off by default, nothing
    assert bot.run_due()["jobs"]["selling"] == 0
    assert _prompts(sandbox, REP) == []

    side.open_home(ADMIN)
    side.click(ADMIN, sandbox.state.home_view(ADMIN), ids.ACT_SETTINGS_OPEN)
    assert side.submit(ADMIN, {"selling_prompt": "on"}).status == 200
    assert "*Time-for-selling prompt*\nOn" in all_text(sandbox.state.home_view(ADMIN))

    bot.set_clock("2026-11-18T20:00:00Z")  # 15:00 in New York: not the end of the day yet
    assert bot.run_due()["jobs"]["selling"] == 0
    bot.set_clock("2026-11-18T22:40:00Z")  # 17:40: Sam gets it; Wang Li (06:40 in Shanghai) does not
    assert bot.run_due()["jobs"]["selling"] == 1
    assert bot.run_due()["jobs"]["selling"] == 0  # once a day
    assert len(_prompts(sandbox, REP)) == 1 and _prompts(sandbox, FAR) == []

    # one tap; then the optional line
    prompt = _prompts(sandbox, REP)[0]
    side.click(REP, prompt, f"{ids.SELLING_ANSWER}:selling")
    with read_scope(engine) as s:
        row = s.exec(select(SellingDay).where(SellingDay.rep_id == REP)).one()
        assert (row.day, row.answer, row.status) == (date(2026, 11, 18), "selling", "answered")
    updated = next(m for m in sandbox.state.dm(REP) if m.ts == prompt.ts)
    assert "Today: *Mostly selling*. Thanks" in all_text(updated.blocks)
    side.click(REP, updated, ids.ACT_SELLING_NOTE_OPEN)
    assert sandbox.state.open_modal(REP)["callback_id"] == ids.VIEW_SELLING_NOTE
    assert side.submit(REP, {"note": "two customer visits"}).status == 200
    with read_scope(engine) as s:
        assert s.exec(select(SellingDay).where(SellingDay.rep_id == REP)).one().note == "two customer visits"

    bot.set_clock("2026-11-18T23:10:00Z")  # 18:10: after hours, nothing new
    assert bot.run_due()["jobs"]["selling"] == 0
    bot.set_clock("2026-11-21T22:40:00Z")  # Saturday: no working day
    assert bot.run_due()["jobs"]["selling"] == 0
    bot.set_clock("2026-11-19T09:45:00Z")  # Thu 17:45 in Shanghai: Wang Li's turn, in his zone
    assert bot.run_due()["jobs"]["selling"] == 1
    assert len(_prompts(sandbox, FAR)) == 1  # in his language

    bot.set_clock("2026-11-19T22:35:00Z")  # Sam's Thursday: half
    assert bot.run_due()["jobs"]["selling"] == 1
    side.click(REP, _prompts(sandbox, REP)[-1], f"{ids.SELLING_ANSWER}:half")
    # the week's share the review shows: (1 + 0.5) ÷ 2 answered days
    with read_scope(engine) as s:
        assert selling_share(s, "T0SANDBOX", REP, date(2026, 11, 16), date(2026, 11, 23)) == 0.75
        assert selling_share(s, "T0SANDBOX", FAR, date(2026, 11, 16), date(2026, 11, 23)) is None
