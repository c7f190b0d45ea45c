"""Renderers of the pipeline on real flow results: the card, the dialogs, App Home — both languages,
Slack's checks (sandbox.checks) and block caps, also with 300 deals."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session

from bot.blocks.deal_card import deal_card_message
from bot.blocks.deal_list import deal_list_message, history_message, pick_list_message
from bot.blocks.home import home_view
from bot.blocks.people_modal import people_modal, person_modal
from bot.blocks.pipeline_modals import (
    advance_modal,
    drop_modal,
    edit_modal,
    hold_modal,
    lost_modal,
    won_modal,
)
from bot.blocks.settings import roles_modal, settings_modal
from bot.config import Settings
from bot.flows.pipeline import people, status
from bot.flows.pipeline import stage as pipeline
from bot.flows.pipeline.home import build_home
from bot.flows.team.config import team_config
from bot.flows.team.users import Actor
from sandbox.checks import check_message, check_view
from storage.models import ManagerRep, Membership, Nudge, RedFlag
from tests.support.factories import T0, make_deal

LOCALES = ("en", "zh-Hans")
SETTINGS = Settings(_env_file=None)


def actor(user="U0REP1", locale="en", **kw) -> Actor:
    return Actor("T0SANDBOX", user, locale, "Asia/Shanghai", **kw)


@pytest.fixture
def s(engine):
    with Session(engine, expire_on_commit=False) as session:
        yield session


def _rich_deal(s):
    deal = make_deal(
        s,
        owner_id="U0REP1",
        account="温州酒店" * 3,
        title="Boilers",
        grade="A",
        score=16,
        expected_close=date(2027, 3, 31),
        next_step="site visit",
        next_step_date=date(2026, 12, 2),
    )
    people.save_person(
        s,
        actor(),
        deal.id,
        now=T0,
        met=True,
        name="Li Wei",
        title="Engineer",
        role="coach",
        attitude="supporter",
        influence="3",
    )
    s.add(
        RedFlag(
            team_id=deal.team_id,
            deal_id=deal.id,
            kind="forced_advance",
            reason="x" * 2000,
            raised_by="U0REP1",
            raised_at=T0,
        )
    )
    s.add(
        Nudge(
            team_id=deal.team_id,
            deal_id=deal.id,
            owner_id="U0REP1",
            kind="followup_15",
            due_at=T0,
            send_after=T0,
            status="sent",
            reminder_sent_at=T0,
            created_at=T0,
        )
    )
    s.flush()
    return deal


@pytest.mark.parametrize("locale", LOCALES)
def test_card_and_dialogs_pass_slacks_checks(s, locale):
    deal = _rich_deal(s)
    a = actor(locale=locale)
    stages = team_config(s, SETTINGS, "T0SANDBOX").stages
    card = status.deal_card(s, a, stages, deal.id, now=T0 + timedelta(days=20))
    msg = deal_card_message(card, locale, notice="stale")
    assert check_message(msg) == []
    text = str(msg)
    assert ("coach" if locale == "en" else "教练") in text
    assert ("stalled" if locale == "en" else "停滞") in text
    plan = pipeline.plan_advance(s, a, stages, deal.id, pass_line=12)
    meta = pipeline.metadata(deal)
    for view in (
        advance_modal(plan, locale, date(2026, 11, 2), meta),
        won_modal(card, locale, date.today(), meta),
        lost_modal(card, locale, ("price", "custom reason"), meta),
        drop_modal(card, locale, meta),
        hold_modal(card, locale, meta),
        edit_modal(card, locale, meta),
        settings_modal(team_config(s, SETTINGS, "T0SANDBOX"), locale),
        roles_modal(locale),
    ):
        assert check_view(view) == [], view["callback_id"]
    _, persons = people.list_people(s, a, deal.id)
    assert check_view(people_modal(deal.account, persons, locale, meta)) == []
    assert check_view(person_modal(deal.account, persons[0], locale, meta)) == []
    _, lines = status.deal_history(s, a, deal.id)
    assert check_message(history_message("x", lines, stages, locale)) == []


def _many(s, n: int, owners=("U0REP1", "U0REP2")):
    for i in range(n):
        make_deal(
            s,
            owner_id=owners[i % len(owners)],
            account=f"Account {i}",
            title="T" * 150,
            now=T0 - timedelta(days=i % 90),
            stage=["qualify", "relationships", "influence", "bid"][i % 4],
        )
    s.flush()


@pytest.mark.parametrize("locale", LOCALES)
def test_home_within_100_blocks_with_300_deals_for_every_role(s, locale):
    _many(s, 300)
    s.add(Membership(team_id="T0SANDBOX", user_id="U0MGR", role="manager"))
    s.add(ManagerRep(team_id="T0SANDBOX", manager_id="U0MGR", rep_id="U0REP1"))
    s.flush()
    now = datetime(2027, 1, 5, tzinfo=UTC)
    for a in (
        actor(locale=locale),
        actor("U0MGR", locale, role="manager"),
        actor("U0ADMIN", locale, is_admin=True, role="admin"),
    ):
        view = home_view(build_home(s, SETTINGS, a, now=now))
        assert check_view(view) == [], a
        assert len(view["blocks"]) <= 100
    summaries = status.visible_summaries(
        s, actor(locale=locale), team_config(s, SETTINGS, "T0SANDBOX").stages, now=now
    )
    assert len(summaries) == 150
    assert check_message(deal_list_message(summaries, locale)) == []
    assert check_message(pick_list_message(summaries, locale, "deal_open", "acc")) == []
