"""Issue 17, items 5–7 through the running app over signed HTTP (the sandbox as Slack): the verdict's grade
reason names what the next grade needs; the gate dialog's error sits on its field; the welcome and an
admin's setup checklist appear once / until done and go away; `/deal new` with a bad amount or an
over-long name says so."""

from __future__ import annotations

from bot import ids
from bot.i18n import t
from storage.models import SlackUser
from tests.support.interview import T0, register
from tests.support.interview_scripts import STRONG_BUTTONS, run_script
from tests.support.pipeline import all_text

REP = "U0REP2"


def _bot_dms(sandbox, user: str) -> list:  # noqa: ANN001
    return [m for m in sandbox.state.dm(user) if m.bot_id]


# -- 5. explanations -------------------------------------------------------------------------------
def test_the_verdict_says_what_the_next_grade_up_needs(slack, sandbox, bot):  # noqa: ANN001
    bot.set_clock(T0)  # Monday 2 Nov 2026 in Shanghai (the team's zone)
    assert register(slack, sandbox, REP, "Late Hotel 3m", title="Boilers").status == 200
    run_script(slack, sandbox, REP, {**STRONG_BUTTONS, "close_date": ("date", "2027-12-31")})
    verdicts = [m for m in _bot_dms(sandbox, REP) if m.blocks and "Grade B" in str(m.blocks[0])]
    assert verdicts, "no grade B verdict"
    shown = all_text(verdicts[-1].blocks)
    assert "Next grade up: A needs a close within 3 months (by 2 Feb 2027)." in shown
    assert "Yes (coach found)" in shown  # the strong script names a coach
    slack.command(REP, "/deal", "late hotel")  # the card says it too, under the grade
    card = all_text(sandbox.state.ephemerals(REP)[-1].blocks)
    assert "Next grade up: A needs a close within 3 months (by 2 Feb 2027)." in card


def test_the_gate_error_sits_on_the_field_to_fill(slack, sandbox, db):  # noqa: ANN001
    recorded = db.add_deal(owner_id=REP, account="Record Co", stage="influence")
    db.pass_interview(recorded)
    slack.command(REP, "/deal", f"advance {recorded.id}")
    modal = sandbox.state.open_modal(REP)
    assert modal["callback_id"] == ids.VIEW_ADVANCE
    assert all_text(modal).count("Technical exchange or demo held") == 1
    reply = slack.submit(REP, {})
    assert set(reply.json["errors"]) == {"what"}
    assert reply.json["errors"]["what"].startswith("Write what was achieved to meet the milestone")

    checked = db.add_deal(owner_id=REP, account="Checks Co")  # stage 1: the interview gate, not passed
    slack.command(REP, "/deal", f"advance {checked.id}")
    modal = sandbox.state.open_modal(REP)
    text = all_text(modal)
    assert (
        text.count("Qualification interview finished") == 1 and "❌ Qualification interview finished" in text
    )
    force = next(b for b in modal["blocks"] if b.get("block_id") == "force_reason")
    assert not force.get("optional")  # the only way on: Slack asks for it on the field itself
    assert slack.submit(REP, {"force_reason": "the customer asked for a proposal"}).status == 200
    assert db.deal(checked.id).stage == "relationships"


# -- 6. first run ----------------------------------------------------------------------------------
def test_the_welcome_shows_on_the_first_home_visit_only(slack, sandbox, db):  # noqa: ANN001
    slack.open_home(REP)
    first = all_text(sandbox.state.home_view(REP))
    assert "Welcome to dealbot" in first and "/deal new Wenzhou Hotel 3m" in first and "`/deal help`" in first
    slack.open_home(REP)
    assert "Welcome to dealbot" not in all_text(sandbox.state.home_view(REP))
    slack.dm(REP, "hello")  # welcomed already at home: the DM gets the usual hint, not a second welcome
    assert [m.text for m in _bot_dms(sandbox, REP)] == [t("qualification.no_interview", "en")]


def test_the_first_dm_gets_the_welcome_once_in_the_users_language(slack, sandbox, db):  # noqa: ANN001
    slack.dm("U0REP1", "你好")
    [welcome] = _bot_dms(sandbox, "U0REP1")
    assert welcome.text == t("home.welcome.notify", "zh-Hans")
    assert "欢迎使用 dealbot" in all_text(welcome.blocks) and "/deal new 温州酒店 300万" in all_text(
        welcome.blocks
    )
    slack.dm("U0REP1", "你好")
    assert [m.text for m in _bot_dms(sandbox, "U0REP1")][1:] == [t("qualification.no_interview", "zh-Hans")]
    slack.open_home("U0REP1")
    assert "欢迎使用" not in all_text(sandbox.state.home_view("U0REP1"))
    assert [r.welcomed_at is not None for r in db.rows(SlackUser, user_id="U0REP1")] == [True]


def test_opening_the_messages_tab_the_first_time_posts_the_welcome(slack, sandbox, db):  # noqa: ANN001
    event = {**slack.home_event("U0MGR"), "tab": "messages"}
    assert slack.event(event, team_id="T0SANDBOX").status == 200
    assert [m.text for m in _bot_dms(sandbox, "U0MGR")] == [t("home.welcome.notify", "en")]
    slack.event({**event, "event_ts": "2.0"}, team_id="T0SANDBOX")
    assert len(_bot_dms(sandbox, "U0MGR")) == 1


def test_the_admin_setup_checklist_stays_until_done_then_goes(slack, sandbox, db):  # noqa: ANN001
    slack.open_home("U0ADMIN")
    home = all_text(sandbox.state.home_view("U0ADMIN"))
    assert "Set up dealbot (0 of 5 done)" in home and "☐ *Manager channel*" in home
    slack.open_home("U0ADMIN")  # until done: still there on the next visit
    assert "Set up dealbot (0 of 5 done)" in all_text(sandbox.state.home_view("U0ADMIN"))
    slack.open_home(REP)
    assert "Set up dealbot" not in all_text(sandbox.state.home_view(REP))  # admins only
    slack.click("U0ADMIN", sandbox.state.home_view("U0ADMIN"), ids.ACT_SETTINGS_OPEN)
    ok = slack.submit("U0ADMIN", {"manager_channel": "C0MANAGERS", "timezone": "Asia/Shanghai", "locale": "en",
                                  "stage_set": "six-stage"})  # fmt: skip
    assert ok.status == 200
    home = all_text(sandbox.state.home_view("U0ADMIN"))  # published again after the save
    assert "Set up dealbot (4 of 5 done)" in home and "☐ *Quotas*" in home
    reply = slack.command("U0ADMIN", "/funnel", "quota @sam.carter 5,000,000 2027-Q1")
    assert reply.status == 200
    slack.open_home("U0ADMIN")
    assert "Set up dealbot" not in all_text(sandbox.state.home_view("U0ADMIN"))


# -- 7. bad input says so --------------------------------------------------------------------------
def test_deal_new_with_a_bad_amount_opens_the_form_saying_so(slack, sandbox, db):  # noqa: ANN001
    assert slack.command(REP, "/deal", "new Foo Industrial abc").status == 200
    modal = sandbox.state.open_modal(REP)
    blocks = {b["block_id"]: b for b in modal["blocks"]}
    assert blocks["account"]["element"]["initial_value"] == "Foo Industrial"
    assert blocks["amount"]["element"]["initial_value"] == "abc"
    assert blocks["amount"]["hint"]["text"].startswith("⚠ “abc” isn't an amount.")
    reply = slack.submit(REP, {"title": "Boilers"})  # sent as it is: the error on the amount field
    assert reply.json["errors"] == {
        "amount": "“abc” isn't an amount. Type an amount, e.g. 3,000,000, 3m or 300万."
    }


def test_an_over_long_name_is_refused_naming_the_limit(slack, sandbox, db):  # noqa: ANN001
    reply = slack.command(REP, "/deal", "new " + "x" * 5000)
    assert reply.status == 200
    told = sandbox.state.ephemerals(REP)[-1].text  # the command's reply, only for the rep
    assert told.startswith("A customer name can be at most 200 characters; yours has 5000.")
    assert sandbox.state.open_modal(REP) is None  # no form with a silently cut name
    slack.command("U0REP1", "/deal", "new " + "温" * 300 + " 3m")
    assert "客户名称最多 200 个字符" in sandbox.state.ephemerals("U0REP1")[-1].text
