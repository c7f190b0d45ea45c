"""Authorization over signed HTTP: another rep (or another workspace) asking for, advancing or editing
a deal that is not theirs — by name, by a forged button value, by forged private_metadata — is refused;
nothing changes and nothing of the deal is shown. Managers see their reps' deals; admins assign."""

from __future__ import annotations

import json

from bot import ids
from sandbox.manifest import AppManifest
from sandbox.state import BOT_ID, BOT_USER_ID, Message
from storage.models import Membership, Milestone, Person, RedFlag
from tests.support.pipeline import all_text, last_to

SECRET = "Secret Turbine Project"


def forged_card(sandbox, user: str, action_id: str, value: str) -> Message:
    """A message in the user's DM carrying a button whose value the user chose (a forgery)."""
    block = {
        "type": "actions",
        "block_id": "forged",
        "elements": [
            {
                "type": "button",
                "action_id": action_id,
                "value": value,
                "text": {"type": "plain_text", "text": "x"},
            }
        ],
    }
    msg = Message(
        channel=sandbox.state.dm_channel(user),
        ts=sandbox.state.next_ts(),
        text="forged",
        blocks=[block],
        user=BOT_USER_ID,
        bot_id=BOT_ID,
        ephemeral_to=user,
        source="ack",
    )
    sandbox.state.messages.append(msg)
    return msg


def snapshot(db, deal_id: int) -> tuple:
    d = db.deal(deal_id)
    return (
        d.stage,
        d.status,
        d.version,
        d.expected_close,
        len(db.events(deal_id)),
        len(db.rows(Milestone, deal_id=deal_id)),
        len(db.rows(RedFlag, deal_id=deal_id)),
        len(db.rows(Person, deal_id=deal_id)),
    )


def seen_by(sandbox, user: str) -> str:
    msgs = [
        m
        for m in sandbox.state.messages
        if m.ephemeral_to == user or m.channel == sandbox.state.dm_channel(user)
    ]
    views = [v for v in sandbox.state.views.values() if v.get("user_id") == user]
    return "\n".join([m.text + all_text(m.blocks) for m in msgs] + [all_text(v) for v in views])


def test_another_rep_is_refused_by_name_button_and_metadata(slack, sandbox, db):
    theirs = db.add_deal(owner_id="U0REP1", account=SECRET, title="Turbines")
    mine = db.add_deal(owner_id="U0REP2", account="Sam's Account", title="Pumps")
    before = snapshot(db, theirs.id)

    for text in (
        "secret turbine",
        "advance secret turbine",
        "people secret",
        "lost secret",
        "history secret",
        str(theirs.id),
        f"advance {theirs.id}",
    ):
        reply = slack.command("U0REP2", "/deal", text)
        assert reply.status == 200
        assert reply.text and "couldn't find" in reply.text, (text, reply, last_to(sandbox, "U0REP2"))
        assert sandbox.state.open_modal("U0REP2") is None

    for action in (
        ids.ACT_DEAL_OPEN,
        ids.ACT_ADVANCE_OPEN,
        ids.ACT_MILESTONE_OPEN,
        ids.ACT_PEOPLE_OPEN,
        ids.ACT_DROP_OPEN,
        ids.ACT_DEAL_HISTORY,
    ):
        for value in (str(theirs.id), f"{theirs.id}:1"):
            reply = slack.click("U0REP2", forged_card(sandbox, "U0REP2", action, value), action)
            assert reply.status == 200
            assert "can't see or change" in last_to(sandbox, "U0REP2").text
            assert sandbox.state.open_modal("U0REP2") is None

    # a legitimate modal for my own deal, its private_metadata pointed at theirs
    for command, callback, values in (
        (f"advance {mine.id}", ids.VIEW_ADVANCE, {"what": "x", "force_reason": "because"}),
        (f"lost {mine.id}", ids.VIEW_LOST, {"reason": "price", "competitor": "Acme", "note": "n"}),
        (f"hold {mine.id}", ids.VIEW_HOLD, {"expected_close": "2030-01-01"}),
        (f"edit {mine.id}", ids.VIEW_DEAL_EDIT, {"expected_close": "2030-01-01"}),
        (
            f"people {mine.id}",
            ids.VIEW_PEOPLE,
            {"name": "Spy", "role": "coach", "attitude": "neutral", "influence": "3"},
        ),
    ):
        slack.command("U0REP2", "/deal", command)
        view = dict(sandbox.state.open_modal("U0REP2"))
        assert view["callback_id"] == callback
        meta = json.loads(view["private_metadata"])
        meta["d"] = theirs.id
        view["private_metadata"] = json.dumps(meta)
        reply = slack.submit("U0REP2", values, view=view)
        assert reply.status == 200
        assert "can't see or change" in all_text(reply.json["view"]), callback

    assert snapshot(db, theirs.id) == before
    assert SECRET not in seen_by(sandbox, "U0REP2")
    assert "Turbines" not in seen_by(sandbox, "U0REP2")


def test_workspaces_never_see_each_other(slack, sandbox, db):
    deal = db.add_deal(owner_id="U0REP1", account=SECRET)
    before = snapshot(db, deal.id)
    # the same people in T0OTHER, an admin there too; each told in their own language
    for user, not_found in (("U9REP1", "没有找到"), ("U9ADMIN", "couldn't find")):
        reply = slack.command(user, "/deal", f"{deal.id}")
        assert not_found in reply.text
        assert not_found in slack.command(user, "/deal", "secret").text
        reply = slack.click(
            user, forged_card(sandbox, user, ids.ACT_MILESTONE_OPEN, f"{deal.id}:1"), ids.ACT_MILESTONE_OPEN
        )
        assert reply.status == 200 and sandbox.state.open_modal(user) is None
        assert not_found in last_to(sandbox, user).text
    # a modal of T0OTHER's own deal with metadata pointing at the T0SANDBOX deal
    other = db.add_deal(team_id="T0OTHER", owner_id="U9REP1", account="Other Co")
    slack.command("U9REP1", "/deal", f"drop {other.id}")
    view = dict(sandbox.state.open_modal("U9REP1"))
    view["private_metadata"] = json.dumps({"d": deal.id, "v": 1})
    reply = slack.submit("U9REP1", {"reason": "no budget"}, view=view)
    assert "没有找到" in all_text(reply.json["view"])
    assert snapshot(db, deal.id) == before and db.deal(other.id).status == "open"
    assert SECRET not in seen_by(sandbox, "U9REP1") + seen_by(sandbox, "U9ADMIN")
    # and the admin of T0SANDBOX does see it
    assert SECRET in slack.command("U0ADMIN", "/deal", "secret").text


def test_manager_sees_their_reps_deals_only_after_an_admin_assigns_them(slack, sandbox, db):
    wang = db.add_deal(owner_id="U0REP1", account="Wang Deal")
    sam = db.add_deal(owner_id="U0REP2", account="Sam Deal")
    assert "couldn't find" in slack.command("U0MGR", "/deal", "wang deal").text

    # typed as a user types (or completes) a mention; /deal escapes, so the bot gets <@U…|name>
    refused = slack.command("U0REP2", "/deal", "role @chen.jing manager @wang.li")
    assert "Only a dealbot admin" in refused.text
    reply = slack.command("U0ADMIN", "/deal", "role @Chen Jing manager @wang.li")
    assert "<@U0MGR> is now manager. Reps: <@U0REP1>" in reply.text

    assert "Wang Deal" in slack.command("U0MGR", "/deal", "wang deal").text
    assert "couldn't find" in slack.command("U0MGR", "/deal", "sam deal").text
    slack.open_home("U0MGR")
    home = all_text(sandbox.state.home_view("U0MGR"))
    assert "<@U0REP1>" in home and "<@U0REP2>" not in home
    # the manager may act on the rep's deal (advance with a forced reason)
    slack.command("U0MGR", "/deal", f"advance {wang.id}")
    assert slack.submit("U0MGR", {"force_reason": "customer pushes"}).status == 200
    assert db.deal(wang.id).stage == "relationships" and db.deal(sam.id).stage == "qualify"
    assert last_to(sandbox, "U0MGR").text.startswith(
        "⚠ Advanced without the milestone (red flag). Now in: Map roles, build relationships"
    )
    slack.open_home("U0MGR")
    assert "Wang Deal — Boilers · Forced past a milestone: customer pushes" in all_text(
        sandbox.state.home_view("U0MGR")
    )


def test_with_escaping_off_the_role_command_gets_raw_names_and_cannot_work(slack, sandbox, db):
    """What /deal did with should_escape: false: Slack sends "@chen.jing" as typed, no user id."""
    sandbox.state.manifest = AppManifest.default().with_escape("/deal", False)
    reply = slack.command("U0ADMIN", "/deal", "role @chen.jing manager @wang.li")
    assert "Type `/deal role @person rep|manager|admin" in reply.text
    assert db.rows(Membership) == []
    sandbox.state.manifest = AppManifest.default()  # as manifest.yaml has it: escaped, and it works
    assert "is now manager" in slack.command("U0ADMIN", "/deal", "role @chen.jing manager @wang.li").text
    assert [(m.user_id, m.role) for m in db.rows(Membership)] == [("U0MGR", "manager")]


def test_admin_assigns_a_manager_in_app_home(slack, sandbox, db):
    db.add_deal(owner_id="U0REP2", account="Sam Deal")
    slack.open_home("U0ADMIN")
    home = sandbox.state.home_view("U0ADMIN")
    assert "Settings" in all_text(home)
    slack.click("U0ADMIN", home, ids.ACT_ROLES_OPEN)
    assert sandbox.state.open_modal("U0ADMIN")["callback_id"] == ids.VIEW_ROLES
    assert slack.submit("U0ADMIN", {"user": "U0MGR", "role": "manager", "reps": ["U0REP2"]}).status == 200
    assert "<@U0MGR> · manager · reps: <@U0REP2>" in all_text(sandbox.state.home_view("U0ADMIN"))
    assert "Sam Deal" in slack.command("U0MGR", "/deal", "sam deal").text
    # a rep cannot open the admin's dialogs, even with a forged button
    slack.click("U0REP1", forged_card(sandbox, "U0REP1", ids.ACT_ROLES_OPEN, "roles"), ids.ACT_ROLES_OPEN)
    assert sandbox.state.open_modal("U0REP1") is None
