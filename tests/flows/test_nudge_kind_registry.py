"""A nudge kind is declared once (``bot/flows/followups/kinds.py``): a kind added to the registry at test
time, with its catalog texts and no other code, is planned when a deal is registered, sent by the sweep
to the rep's DM in the sandbox, rendered within Slack's limits, and listed on the deal card."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot import ids
from bot.app import make_client
from bot.blocks.deal_card import deal_card_message
from bot.clock import FixedClock
from bot.config import Settings
from bot.deps import Deps
from bot.flows.followups import kind_rules as rule
from bot.flows.followups.kinds import KINDS, NudgeKind, answered
from bot.flows.pipeline.status import card_of
from bot.flows.qualification.registration import Draft, register
from bot.flows.team.config import team_config
from bot.flows.team.users import Actor
from bot.i18n import LOCALES, catalog, normalize_locale
from bot.jobs.nudges import Sweep
from bot.process import load_process
from sandbox.checks import check_message
from storage.db import session_scope
from storage.models import Deal
from storage.repo import users as users_repo
from tests.support.nudges import nudge_dms, rows

T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai, Sunday 20:00 in New York
DEMO = NudgeKind(
    key="demo_touch",
    plan=rule.after_registration(days=1),
    planned_on=("created",),
    answered_on=answered("checkin", "closed"),
)
TEXTS = {
    "en": {DEMO.question_key: "*Demo touch* — {deal}: say hello.", DEMO.label_key: "demo touch"},
    "zh-Hans": {DEMO.question_key: "*演示问候* — {deal}：打个招呼。", DEMO.label_key: "演示问候"},
}
REPS = {"U0REP1": ("Asia/Shanghai", "zh-CN"), "U0REP2": ("America/New_York", "en-US")}  # sandbox users


@pytest.fixture
def demo_kind(monkeypatch):
    """The new kind and its texts, for this test only (a real kind adds them to the catalog files)."""
    for locale, texts in TEXTS.items():
        for key, text in texts.items():
            monkeypatch.setitem(catalog(locale), key, text)
    with KINDS.added(DEMO) as kind:
        yield kind
    assert DEMO.key not in KINDS


def _settings(sandbox, db_url: str) -> Settings:  # noqa: ANN001
    return Settings(
        _env_file=None, database_url=db_url, slack_bot_token=sandbox.bot_token, slack_api_url=sandbox.api_url
    )


def _register(engine, rep: str) -> int:  # noqa: ANN001
    """What /deal new does once the modal is submitted: the flow, in one transaction."""
    tz, slack_locale = REPS[rep]
    with session_scope(engine) as s:
        users_repo.upsert_user(s, team_id="T0SANDBOX", user_id=rep, now=T0, tz=tz, locale=slack_locale)
        actor = Actor(team_id="T0SANDBOX", user_id=rep, locale=normalize_locale(slack_locale), tz=tz)
        settings = Settings(_env_file=None)
        first = team_config(s, settings, "T0SANDBOX").stages.stages[0].key
        draft = Draft(account="Demo Co", title="Boilers")
        return register(s, actor, draft, T0, first, settings=settings, process=load_process(settings)).deal.id


def _card(engine, deal_id: int, locale: str, now: datetime) -> dict:  # noqa: ANN001
    with session_scope(engine) as s:
        deal = s.get(Deal, deal_id)
        stages = team_config(s, Settings(_env_file=None), deal.team_id).stages
        return deal_card_message(card_of(s, deal, stages, now), locale)


@pytest.mark.parametrize("rep", list(REPS))
def test_a_kind_added_to_the_registry_is_planned_sent_rendered_and_listed(
    demo_kind, rep, engine, db_url, sandbox
):
    locale = normalize_locale(REPS[rep][1])
    deal_id = _register(engine, rep)

    (row,) = rows(engine, deal_id=deal_id, kind="demo_touch")  # planned by the created hook
    assert (row.status, row.cycle, row.due_at) == ("pending", 0, T0 + timedelta(days=1))

    card = _card(engine, deal_id, locale, T0)  # listed among the card's open reminders
    assert check_message(card) == []
    assert TEXTS[locale][DEMO.label_key] in str(card)

    due = row.send_after  # the rep's first working slot a day after registration
    settings = _settings(sandbox, db_url)
    deps = Deps(settings, engine, FixedClock(due), load_process(settings), worker_id="test")
    stats = Sweep(deps, make_client(settings)).run(due)
    assert stats.get("sent", 0) >= 1, stats

    ((sent, msg),) = [(n, m) for n, m in nudge_dms(sandbox, engine, rep) if n.kind == "demo_touch"]
    assert sent.status == "sent" and sent.sent_at == due
    assert check_message({"text": msg.text, "blocks": msg.blocks}) == []
    assert msg.blocks[0]["text"]["text"] == TEXTS[locale][DEMO.question_key].format(deal="Demo Co — Boilers")
    buttons = [e for b in msg.blocks if b["type"] == "actions" for e in b["elements"]]
    assert [(e["action_id"], e.get("style")) for e in buttons] == [
        (ids.ACT_CHECKIN_OPEN, "primary"),
        (ids.ACT_NUDGE_SNOOZE_DAY, None),
        (ids.ACT_NUDGE_SNOOZE_WEEK, None),
        (ids.ACT_DEAL_OPEN, None),
    ]
    assert TEXTS[locale][DEMO.label_key] in str(_card(engine, deal_id, locale, due))  # sent: still open


def test_every_kind_has_its_texts_in_both_catalogs():
    for kind in KINDS:
        for locale in LOCALES:
            assert {kind.question_key, kind.label_key} <= set(catalog(locale)), (kind.key, locale)


def test_a_kind_names_only_acts_that_exist():
    with pytest.raises(ValueError, match="unknown acts"):
        NudgeKind(key="demo_touch", plan=DEMO.plan, planned_on=("closed",), answered_on={})
    with pytest.raises(ValueError, match="declared twice"), KINDS.added(DEMO), KINDS.added(DEMO):
        pass
    assert DEMO.key not in KINDS
