"""Where the bot posts and what it updates comes from its own rows (the nudge, the interview's DM) or is
the actor's own DM or modal, never from a payload: a forged check-in origin, a forged container channel
on an interview click and a forged view id change nothing of another rep's."""

from __future__ import annotations

import copy
import dataclasses
import json

import pytest

from bot import ids
from storage.models import CheckIn
from tests.support.interview import current_question, question_key, register
from tests.support.pipeline import BotDb

REP1, REP2 = "U0REP1", "U0REP2"


@pytest.fixture
def db(bot):
    d = BotDb(bot)
    yield d
    d.engine.dispose()


def _bot_message_in_dm(sandbox, user: str, text: str):  # noqa: ANN001, ANN202
    """A message the bot posted in ``user``'s DM (what a forged payload would aim at)."""
    sandbox.api.call("chat.postMessage", {"channel": user, "text": text}, sandbox.bot_token)
    return sandbox.state.dm(user)[-1]


def _updates_in(sandbox, channel: str) -> list:  # noqa: ANN001
    return [c for c in sandbox.state.calls_to("chat.update") if c.args.get("channel") == channel]


def test_a_forged_check_in_origin_changes_nothing_in_another_reps_dm(slack, sandbox, db):
    deal = db.add_deal(owner_id=REP1, account="Origin Co")
    theirs = _bot_message_in_dm(sandbox, REP2, "REP2's own message")

    slack.command(REP1, "/deal", "checkin Origin Co")
    view = copy.deepcopy(sandbox.state.open_modal(REP1))
    assert view["callback_id"] == ids.VIEW_CHECKIN
    view["private_metadata"] = json.dumps(
        {"deal": deal.id, "origin": {"channel": theirs.channel, "ts": theirs.ts}}
    )
    reply = slack.submit(REP1, {"done": "Called the buyer", "progress": "no"}, view=view)

    assert reply.status == 200, reply.text
    assert [r.done_text for r in db.rows(CheckIn, deal_id=deal.id)] == ["Called the buyer"]  # it was saved
    assert _updates_in(sandbox, theirs.channel) == []
    assert sandbox.state.dm(REP2)[-1].text == "REP2's own message"
    assert sandbox.state.dm(REP1)[-1].text.startswith("✓")  # told in their own DM instead


def test_an_interview_click_with_a_forged_channel_answers_in_the_reps_own_dm(slack, sandbox, db):
    register(slack, sandbox, REP1, "Channel Co")
    question = current_question(sandbox, REP1)
    asked = question_key(question)
    before = len(sandbox.state.dm(REP2))
    forged = dataclasses.replace(question, channel=sandbox.state.dm_channel(REP2))

    reply = slack.click(REP1, forged, f"{ids.Q_ANSWER_PREFIX}{_first_option(question)}")

    assert reply.status == 200, reply.text
    assert len(sandbox.state.dm(REP2)) == before, "the bot posted into another rep's DM"
    assert _updates_in(sandbox, sandbox.state.dm_channel(REP2)) == []
    now = current_question(sandbox, REP1)  # the next question, in REP1's own DM (the same message)
    assert question_key(now) != asked and now.channel == sandbox.state.dm_channel(REP1)


def _first_option(question) -> str:  # noqa: ANN001
    for block in question.blocks:
        for el in block.get("elements") or []:
            if str(el.get("action_id", "")).startswith(ids.Q_ANSWER_PREFIX):
                return el["action_id"].removeprefix(ids.Q_ANSWER_PREFIX)
    raise AssertionError("no answer button")


def test_a_forged_view_id_cannot_replace_another_reps_modal(slack, sandbox, db):
    mine = db.add_deal(owner_id=REP1, account="Mine Co")
    db.add_deal(owner_id=REP2, account="Theirs Co")
    slack.command(REP2, "/deal", "people Theirs Co")
    theirs = copy.deepcopy(sandbox.state.open_modal(REP2))
    slack.command(REP1, "/deal", "people Mine Co")
    slack.submit(REP1, {"name": "Wang", "role": "coach", "attitude": "supporter", "influence": "4"})
    my_modal = sandbox.state.open_modal(REP1)
    assert "Wang" in json.dumps(my_modal["blocks"], ensure_ascii=False)

    forged = {**copy.deepcopy(my_modal), "id": theirs["id"], "external_id": theirs.get("external_id")}
    reply = slack.click(REP1, forged, ids.ACT_PERSON_EDIT)

    assert reply.status == 200, reply.text
    assert sandbox.state.views[theirs["id"]]["blocks"] == theirs["blocks"], "another rep's modal was replaced"
    assert sandbox.state.views[theirs["id"]]["callback_id"] == ids.VIEW_PEOPLE
    assert sandbox.state.open_modal(REP1)["callback_id"] == ids.VIEW_PEOPLE  # and REP1's own is untouched

    reply = slack.click(REP1, my_modal, ids.ACT_PERSON_EDIT)  # the same click from their own modal works
    assert reply.status == 200
    assert sandbox.state.open_modal(REP1)["callback_id"] == ids.VIEW_PERSON
    assert mine.id
