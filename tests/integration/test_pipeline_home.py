"""App Home over signed HTTP: the register button, an admin's settings changed through a validated modal
and stored per workspace, a rep refused, a bad stage file (what each role's home shows, within 100
blocks with 300 deals: tests/flows)."""

from __future__ import annotations

import pytest

from bot import ids
from sandbox.state import BOT_ID, BOT_USER_ID, Message
from storage.models import TeamSettings
from tests.support.bot import BotProcess, bot_env
from tests.support.pipeline import all_text, last_to


def test_register_button_opens_the_register_modal_and_the_deal_shows_at_home(slack, sandbox, db):
    slack.open_home("U0REP2")
    slack.click("U0REP2", sandbox.state.home_view("U0REP2"), ids.ACT_HOME_NEW_DEAL)
    assert sandbox.state.open_modal("U0REP2")["callback_id"] == ids.VIEW_DEAL_NEW
    assert slack.submit("U0REP2", {"account": "Home Co", "title": "Chillers", "amount": "2m"}).status == 200
    slack.open_home("U0REP2")
    assert "Home Co — Chillers" in all_text(sandbox.state.home_view("U0REP2"))


def test_admin_changes_settings_validated_and_stored_per_workspace(slack, sandbox, db):
    db.add_deal(owner_id="U0REP2", account="Settings Co")
    slack.open_home("U0ADMIN")
    slack.click("U0ADMIN", sandbox.state.home_view("U0ADMIN"), ids.ACT_SETTINGS_OPEN)
    assert sandbox.state.open_modal("U0ADMIN")["callback_id"] == ids.VIEW_SETTINGS
    bad = slack.submit("U0ADMIN", {"digest_time": "9am", "timezone": "Mars/Base", "pass_line": "x"})
    assert set(bad.json["errors"]) == {"digest_time"}
    bad = slack.submit("U0ADMIN", {"digest_time": "08:30", "timezone": "Mars/Base"})
    assert set(bad.json["errors"]) == {"timezone"}
    bad = slack.submit("U0ADMIN", {"digest_time": "08:30", "low_contact_days": "0"})
    assert set(bad.json["errors"]) == {"low_contact_days"}  # issue 11: the low-contact touch interval
    assert db.rows(TeamSettings) == []
    ok = slack.submit(
        "U0ADMIN",
        {
            "manager_channel": "C0MANAGERS",
            "digest_weekday": "4",
            "digest_time": "8:30",
            "timezone": "Europe/London",
            "locale": "zh-Hans",
            "pass_line": "14",
            "stage_set": "eight-step",
            "low_contact_days": "60",
        },
    )
    assert ok.status == 200
    [row] = db.rows(TeamSettings)
    assert row.low_contact_days == 60
    assert (
        row.team_id,
        row.manager_channel,
        row.digest_weekday,
        row.digest_time,
        row.timezone,
        row.locale,
        row.pass_line,
        row.stage_set,
        row.updated_by,
    ) == ("T0SANDBOX", "C0MANAGERS", 4, "08:30", "Europe/London", "zh-Hans", 14, "eight-step", "U0ADMIN")
    home = all_text(sandbox.state.home_view("U0ADMIN"))
    assert "Friday 08:30" in home and "Eight-step key-account process" in home
    assert "*Low-contact touch*\nevery 60 days" in home
    # the stage set now shown for this workspace's deals; the other workspace keeps the default
    slack.command("U0REP2", "/deal", "settings co")
    assert "Stage 1/8 · Planning and calls" in all_text(last_to(sandbox, "U0REP2").blocks).replace("*", "")
    db.add_deal(team_id="T0OTHER", owner_id="U9REP2", account="Other Co")
    slack.command("U9REP2", "/deal", "other co")
    assert "Stage 1/6" in all_text(last_to(sandbox, "U9REP2").blocks)
    slack.open_home("U9ADMIN")  # the other workspace's admin still sees its own (default) settings
    other_home = all_text(sandbox.state.home_view("U9ADMIN"))
    assert "Six-stage key-account process" in other_home and "Friday 08:30" not in other_home


def test_a_rep_cannot_change_settings(slack, sandbox, db):
    block = {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "action_id": ids.ACT_SETTINGS_OPEN,
                "value": "s",
                "text": {"type": "plain_text", "text": "x"},
            }
        ],
    }
    msg = Message(
        channel=sandbox.state.dm_channel("U0REP2"),
        ts=sandbox.state.next_ts(),
        text="f",
        blocks=[block],
        user=BOT_USER_ID,
        bot_id=BOT_ID,
    )
    sandbox.state.messages.append(msg)
    slack.click("U0REP2", msg, ids.ACT_SETTINGS_OPEN)
    assert sandbox.state.open_modal("U0REP2") is None
    assert "Only a dealbot admin" in sandbox.state.dm("U0REP2")[-1].text
    assert db.rows(TeamSettings) == []


def test_an_invalid_stage_file_stops_the_bot_at_start(sandbox, dbs, tmp_path):
    bad = tmp_path / "stages.yaml"
    bad.write_text("name: x\ntitle: {en: a, zh-Hans: b}\nstages:\n  - key: a\n    probability: 120\n")
    proc = BotProcess(bot_env(sandbox, dbs.fresh(), DEALBOT_STAGES_FILE=str(bad)))
    with pytest.raises(RuntimeError) as err:
        proc.start(timeout=20)
    assert "stages.yaml" in str(err.value)
