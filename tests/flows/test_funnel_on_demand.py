"""/funnel on demand and quotas, straight from the use cases: a manager sees their reps (filtered by
rep, stage or grade), a rep their own funnel, an admin the team with the change since last week; bad
filters and quota refusals say why and store nothing (tests/support/funnel_fixture.py, 23 Nov 2026)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select

from bot.flows.errors import BadInput, DomainError, NotAllowed
from storage.models import ManagerRep, Membership, Quota
from tests.support import funnel_fixture as fx
from tests.support.flows import said


@pytest.fixture
def team(make_world):
    world = make_world(dealbot_manager_channel=fx.CHANNEL)
    with world.session() as s:
        fx.build(s)
        s.add(Membership(team_id="T0SANDBOX", user_id="U0MGR", role="manager"))
        s.add(ManagerRep(team_id="T0SANDBOX", manager_id="U0MGR", rep_id=fx.R1))
        s.add(ManagerRep(team_id="T0SANDBOX", manager_id="U0MGR", rep_id=fx.R2))
    return world


def funnel(world, user: str, text: str = "") -> list[str]:  # noqa: ANN001
    """The lines of the funnel the user is shown for ``/funnel <text>``."""
    with world.session() as s:
        view = world.funnel(s, world.actor(s, user, now=fx.NOW), text, now=fx.NOW)
    return _lines(view.message["blocks"])


def _lines(blocks: list[dict]) -> list[str]:
    out = []
    for b in blocks:
        if b["type"] == "header":
            out.append(b["text"]["text"])
        elif b["type"] == "section" and "fields" in b:
            out += [f["text"] for f in b["fields"]]
        elif b["type"] == "section":
            out += b["text"]["text"].split("\n")
    return out


def test_a_manager_sees_their_reps_only(team):
    lines = funnel(team, "U0MGR")
    assert lines[0] == "Funnel · your team · 23 Nov 2026"
    # issue 11: the period's forecast, earned probabilities (test_funnel_digest.py): 5.15M less rep 3's
    # i3 200K; no change shown for a part. Stage 1 holds q1 only (q2 failed, q3 q4 unqualified: below)
    assert "*Forecast*\n¥4,950,000" in lines
    assert "1. Qualify the prospect — 1 · ¥1,000,000 · weighted ¥100,000" in lines
    assert (
        "Below the funnel (0%, not in the forecast or the stages): 2 in qualification, 1 failed but pursued"
        in lines
    )
    assert "• Stalled (1): R1 Ruian Steel (<@U0REP1>)" in lines
    assert not [line for line in lines if "U0REP3" in line]


def test_filters_by_rep_stage_and_grade(team):
    by_rep = funnel(team, "U0MGR", "<@U0REP2|sam.carter>")
    assert by_rep[0] == "Funnel · your team · 23 Nov 2026 · rep @sam.carter"
    assert "1. Qualify the prospect — 0 · ¥0 · weighted ¥0" in by_rep  # q3, q4: below the funnel
    assert [line for line in by_rep if line.startswith("• <@")] == [
        "• <@U0REP2>: 6 open · weighted ¥3,600,000 · 0% of quota · follow-ups on time 1/2"
    ]
    by_stage = funnel(team, "U0MGR", "stage bid")
    assert by_stage[0].endswith("· stage Prepare and submit the bid")
    assert "4. Prepare and submit the bid — 2 · ¥4,000,000 · weighted ¥2,550,000" in by_stage  # b2 at 45%
    assert "1. Qualify the prospect — 0 · ¥0 · weighted ¥0" in by_stage
    by_grade = funnel(team, "U0MGR", "grade a")
    assert "*Grade mix*  A 7 · B 0 · C 0 · D 0" in by_grade


def test_a_rep_sees_only_their_own_funnel(team):
    mine = funnel(team, "U0REP2")
    assert mine[0] == "Your funnel · 23 Nov 2026"
    assert "1. Qualify the prospect — 0 · ¥0 · weighted ¥0" in mine
    assert "*Forecast*\n¥1,600,000" in mine  # r2 150K + i2 1.0M + b2 450K
    with pytest.raises(NotAllowed) as refused:
        funnel(team, "U0REP2", "<@U0REP1|wang.li>")
    assert said(refused.value, "en") == "You can only see your own funnel and your reps'."
    zh = funnel(team, "U0REP1")
    assert zh[0] == "我的销售漏斗 · 2026年11月23日"


def test_an_admin_sees_the_team_with_the_change_since_last_week(team):
    lines = funnel(team, "U0ADMIN")
    assert lines[0] == "Funnel · the team · 23 Nov 2026"
    assert "*Forecast*\n¥5,150,000 (−¥16,850,000)" in lines


BAD_FILTERS = [
    (
        "U0MGR",
        "foo",
        "I can filter by a rep (`/funnel @rep`), a stage (`/funnel stage bid`) or a grade (`/funnel grade A`).",
    ),
    (
        "U0MGR",
        "stage moon",
        "There is no stage `moon`. The stages are: qualify, relationships, influence, bid, negotiate, deliver.",
    ),
    ("U0MGR", "grade Z", "The grade is one of A, B, C, D, e.g. `/funnel grade A`."),
    (
        "U0REP1",
        "stage 阶段九",
        "没有阶段 `阶段九`。现有阶段：qualify, relationships, influence, bid, negotiate, deliver。",
    ),
]


@pytest.mark.parametrize(("user", "text", "answer"), BAD_FILTERS)
def test_bad_filters_get_a_friendly_answer(team, user, text, answer):
    with pytest.raises(BadInput) as refused, team.session() as s:
        actor = team.actor(s, user, now=fx.NOW)
        team.funnel(s, actor, text, now=fx.NOW)
    assert said(refused.value, actor.locale) == answer


def _quotas(world) -> list[tuple]:  # noqa: ANN001
    with world.session() as s:
        return [
            (q.rep_id, q.period, q.period_start, q.period_end, q.amount, q.set_by)
            for q in s.exec(select(Quota).where(Quota.period == "2027-Q1").order_by(Quota.rep_id))
        ]


def set_quota(world, user: str, args: str):  # noqa: ANN001, ANN201
    with world.session() as s:
        return world.set_quota(s, world.actor(s, user, now=fx.NOW), args, now=fx.NOW)


def test_a_manager_sets_and_replaces_a_quota(team):
    before = _quotas(team)
    saved = set_quota(team, "U0MGR", "<@U0REP2|sam.carter> 5,000,000 2027-Q1")
    assert (saved.rep_id, saved.period.key, saved.amount, saved.currency) == (
        "U0REP2",
        "2027-Q1",
        Decimal("5000000.00"),
        "CNY",
    )
    saved = set_quota(team, "U0MGR", "<@U0REP2|sam.carter> 600万 2027-q1")
    assert (saved.period.key, saved.amount) == ("2027-Q1", Decimal("6000000.00"))
    assert _quotas(team) == sorted(
        [*before, ("U0REP2", "2027-Q1", date(2027, 1, 1), date(2027, 4, 1), Decimal("6000000.00"), "U0MGR")]
    )


BAD_QUOTAS = [
    ("U0MGR", "<@U0REP3|x> 5000000 2027-Q1", "You can only set quotas for your own reps."),
    ("U0REP2", "<@U0REP2|sam> 5000000 2027-Q1", "Only a manager or an admin can set quotas."),
    ("U0REP1", "<@U0REP1|wang> 5000000 2027-Q1", "只有销售经理或管理员可以设定销售任务。"),
    (
        "U0MGR",
        "<@U0REP1|wang> lots 2027-Q1",
        "The amount should be a positive number, e.g. 5000000 or 500万.",
    ),
    ("U0MGR", "<@U0REP1|wang> -5 2027-Q1", "The amount should be a positive number, e.g. 5000000 or 500万."),
    (
        "U0MGR",
        "<@U0REP1|wang> 5000000 2027-Q5",
        "The period should look like 2027-Q1, e.g. `/funnel quota @wang 5000000 2027-Q1`.",
    ),
    (
        "U0MGR",
        "<@U0REP1|wang> 5000000 2027-03",
        "The period should look like 2027-Q1, e.g. `/funnel quota @wang 5000000 2027-Q1`.",
    ),
    ("U0MGR", "wang 5000000 2027-Q1", "Mention the rep with @, e.g. `/funnel quota @wang 5000000 2027-Q1`."),
    ("U0MGR", "", "Set a quota like this: `/funnel quota @rep 5000000 2027-Q1`"),
]


@pytest.mark.parametrize(("user", "args", "answer"), BAD_QUOTAS)
def test_quota_refusals_store_nothing(team, user, args, answer):
    before = _quotas(team)
    with pytest.raises(DomainError) as refused, team.session() as s:
        actor = team.actor(s, user, now=fx.NOW)
        team.set_quota(s, actor, args, now=fx.NOW)
    assert said(refused.value, actor.locale) == answer
    assert _quotas(team) == before


def test_an_admin_sets_a_quota_for_anyone(team):
    saved = set_quota(team, "U0ADMIN", "<@U0REP3|lee> 1.2亿 2027-Q1")
    assert (saved.rep_id, saved.period.key, saved.amount) == ("U0REP3", "2027-Q1", Decimal("120000000.00"))
    assert (
        "U0REP3",
        "2027-Q1",
        date(2027, 1, 1),
        date(2027, 4, 1),
        Decimal("120000000.00"),
        "U0ADMIN",
    ) in _quotas(team)
