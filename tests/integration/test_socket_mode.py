"""`dealbot run` with an app token speaks Socket Mode to the sandbox, end to end: the real process
opens the connection with apps.connections.open, gets hello, and answers envelopes with acks."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot import ids
from sandbox.slack_side import SlackSide
from tests.support.bot import ROOT
from tests.support.pipeline import all_text
from tests.support.waits import wait_for

pytestmark = pytest.mark.slow


@pytest.fixture
def socket_bot(sandbox, dbs, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DEALBOT_"))}
    env.update(
        SLACK_BOT_TOKEN=sandbox.bot_token,
        SLACK_APP_TOKEN=sandbox.app_token,
        SLACK_API_URL=sandbox.api_url,
        DATABASE_URL=dbs.fresh(),
        DEALBOT_TICK_SECONDS="3600",
        PYTHONPATH=str(ROOT),
    )
    log = tmp_path / "socket-bot.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"], env=env, cwd=ROOT, stdout=out, stderr=out
        )
    try:
        sandbox.socket_mode.wait_connected(timeout=60)
    except Exception:
        proc.kill()
        raise AssertionError(f"the bot never connected:\n{log.read_text()}") from None
    side = SlackSide(sandbox, socket_mode=True)
    side.db_url = env["DATABASE_URL"]  # type: ignore[attr-defined]
    yield side
    proc.terminate()
    proc.wait(timeout=15)


def test_run_with_an_app_token_connects_over_socket_mode(socket_bot, sandbox):
    opened = sandbox.state.calls_to("apps.connections.open", ok=True)
    assert len(opened) == 1  # with the app-level token, which the sandbox checked
    assert sandbox.state.calls_to("auth.test", ok=True)
    assert sandbox.socket_mode.frames[0]["out"]["type"] == "hello"
    assert len(sandbox.socket_mode.sockets) == 1


def test_deal_help_through_the_websocket_is_acked_with_the_reply(socket_bot, sandbox):
    reply = socket_bot.command("U0REP2", "/deal", "help")
    assert reply.status == 200
    assert "/deal new <account> [amount]" in reply.text  # the ack frame's payload is the reply
    shown = sandbox.state.ephemerals("U0REP2")
    assert shown and shown[-1].text == "dealbot · /deal"
    sent = [f["out"] for f in sandbox.socket_mode.frames if "out" in f]
    acks = [f["in"] for f in sandbox.socket_mode.frames if "in" in f]
    assert sent[-1]["type"] == "slash_commands" and sent[-1]["payload"]["command"] == "/deal"
    assert acks[-1]["envelope_id"] == sent[-1]["envelope_id"]
    assert not sandbox.state.calls_to("chat.postMessage")  # nothing else was posted


def test_a_dm_through_the_websocket_is_answered_in_the_dm(socket_bot, sandbox):
    reply = socket_bot.dm("U0REP2", "hello dealbot")
    assert reply.status == 200
    sent = [f["out"] for f in sandbox.socket_mode.frames if "out" in f]
    assert sent[-1]["type"] == "events_api" and sent[-1]["payload"]["event"]["channel_type"] == "im"
    answers = wait_for(lambda: [m for m in sandbox.state.dm("U0REP2") if m.bot_id], what="the bot's answer")
    assert answers[-1].text == (  # a first DM: the first-run welcome (issue 17)
        "Welcome to dealbot: what it does and the three commands that matter."
    )
    socket_bot.dm("U0REP2", "hello again")
    answers = wait_for(
        lambda: [m for m in sandbox.state.dm("U0REP2") if m.bot_id][1:], what="the second answer"
    )
    assert answers[-1].text == (  # no interview is running: the bot says how to start one
        "I read typed answers while a qualification interview is running. Start one with "
        "`/deal new <account>`, or resume one with `/deal qualify <deal>`; `/deal help` lists the rest."
    )
    posted = sandbox.state.calls_to("chat.postMessage", ok=True)
    assert [c.args["channel"] for c in posted] == [
        "U0REP2"
    ] * 2  # the actor's own DM, not the event's channel


def test_app_home_through_the_websocket_publishes_the_home_tab(socket_bot, sandbox):
    socket_bot.open_home("U0MGR")
    home = wait_for(lambda: sandbox.state.home_view("U0MGR"), what="App Home")
    assert home["type"] == "home"
    shown = all_text(home)  # a user with no deals yet, no role: the rep's home, empty
    for text in ("Needs you today", "Nothing needs you today. ✓", "My deals (0)", "No open deals yet.",
                 "Register a deal"):  # fmt: skip
        assert text in shown, shown
    assert "Settings" not in shown


def test_a_button_through_the_websocket_opens_a_modal(socket_bot, sandbox):
    socket_bot.open_home("U0ADMIN")
    home = wait_for(lambda: sandbox.state.home_view("U0ADMIN"), what="App Home")
    reply = socket_bot.click("U0ADMIN", home, "settings_open")
    assert reply.status == 200
    sent = [f["out"] for f in sandbox.socket_mode.frames if "out" in f]
    assert sent[-1]["type"] == "interactive" and sent[-1]["payload"]["type"] == "block_actions"
    modal = wait_for(lambda: sandbox.state.open_modal("U0ADMIN"), what="the settings modal")
    assert modal["type"] == "modal" and modal["callback_id"] == ids.VIEW_SETTINGS
    assert {"digest_time", "timezone", "stage_set"} <= {b.get("block_id") for b in modal["blocks"]}
    assert sandbox.state.calls_to("views.open", ok=True)  # within the trigger's 3 seconds


def test_connections_open_takes_only_the_app_token_and_a_ticket_opens_one_socket(sandbox):
    import json

    import httpx
    from websockets.sync.client import connect

    api = f"{sandbox.api_url}apps.connections.open"
    wrong = httpx.post(api, headers={"Authorization": f"Bearer {sandbox.bot_token}"}).json()
    assert wrong == {"ok": False, "error": "invalid_auth"}
    url = httpx.post(api, headers={"Authorization": f"Bearer {sandbox.app_token}"}).json()["url"]
    assert url.startswith(f"ws://127.0.0.1:{sandbox.port}/link/?ticket=")
    with connect(url) as ws:
        assert json.loads(ws.recv(timeout=5))["type"] == "hello"
    from websockets.exceptions import InvalidStatus

    with pytest.raises(InvalidStatus), connect(url):  # a used ticket is refused at the handshake
        pass


def open_question(sandbox, user: str) -> tuple[object, str] | None:  # noqa: ANN001
    """The interview's open question in the DM and its key (a header, then an actions block
    ``q:<interview>:<key>``), read under the sandbox's lock: the bot edits messages as we look."""
    with sandbox.state.lock:
        for m in reversed(sandbox.state.dm(user)):
            ids = [str(b.get("block_id", "")) for b in m.blocks]
            keys = [i.split(":")[2] for i in ids if i.startswith("q:")]
            if m.blocks and m.blocks[0].get("type") == "header" and keys:
                return m, keys[0]
    return None


def test_an_interview_answered_through_the_websocket(socket_bot, sandbox):
    rep = "U0REP2"
    socket_bot.command(rep, "/deal", "new Wenzhou Hotel 3m")  # slash_commands: the register modal opens
    modal = wait_for(lambda: sandbox.state.open_modal(rep), what="the register modal")
    reply = socket_bot.submit(rep, {"title": "Hotel heating", "close": "2027-01-31"})  # interactive
    assert reply.status == 200 and not (reply.json or {}).get("errors")
    assert sandbox.state.open_modal(rep) is None and modal["id"] not in sandbox.state.modal_stack.get(rep, [])
    first, first_key = wait_for(lambda: open_question(sandbox, rep), what="the first question")
    assert first_key == "need"
    socket_bot.click(rep, first, "q_answer:pain")  # a button: interactive block_actions
    _, second_key = wait_for(lambda: (q := open_question(sandbox, rep)) and q[1] != "need" and q, what="q2")
    socket_bot.dm(rep, "yes")  # a typed answer: events_api message.im
    wait_for(lambda: (q := open_question(sandbox, rep)) and q[1] != second_key, what="the third question")
    kinds = [f["out"]["type"] for f in sandbox.socket_mode.frames if "out" in f]
    assert {"slash_commands", "interactive", "events_api"} <= set(kinds)

    from sqlmodel import Session, select

    from storage.db import make_engine
    from storage.models import Deal, Interview, InterviewAnswer

    with Session(make_engine(socket_bot.db_url)) as s:
        deal = s.exec(select(Deal).where(Deal.account == "Wenzhou Hotel")).one()
        assert (deal.owner_id, deal.title, int(deal.amount)) == (rep, "Hotel heating", 3_000_000)
        interview = s.exec(select(Interview).where(Interview.deal_id == deal.id)).one()
        answers = {  # a scored choice is stored with its score
            a.question_key: a.value.get("choice", a.value) if isinstance(a.value, dict) else a.value
            for a in s.exec(select(InterviewAnswer).where(InterviewAnswer.interview_id == interview.id))
        }
        assert answers[first_key] == "pain"
        assert answers[second_key] == "yes"
        assert {a.answered_by for a in s.exec(select(InterviewAnswer))} == {rep}
