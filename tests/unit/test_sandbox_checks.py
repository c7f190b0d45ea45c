"""The sandbox rejects what real Slack rejects, with Slack's error names, and accepts the limit itself.

In-process SandboxServer over HTTP, called with a real slack_sdk WebClient (and WebhookClient for
response_url), exactly as the bot calls Slack.
"""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from sandbox.server import SandboxServer
from sandbox.users import default_workspace

USER = "U0REP2"
DM = "D0REP2"


@pytest.fixture(scope="module")
def server():
    s = SandboxServer(workspace=default_workspace(), signing_secret="unused").start()
    yield s
    s.stop()


@pytest.fixture
def client(server) -> WebClient:
    return WebClient(token=server.bot_token, base_url=server.api_url)


def section(text: str = "hello") -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def header(text: str) -> dict:
    return {"type": "header", "text": {"type": "plain_text", "text": text}}


def button(text: str) -> dict:
    return {
        "type": "actions",
        "elements": [{"type": "button", "action_id": "b", "text": {"type": "plain_text", "text": text}}],
    }


def text_input() -> dict:
    return {
        "type": "input",
        "block_id": "i",
        "label": {"type": "plain_text", "text": "Name"},
        "element": {"type": "plain_text_input", "action_id": "v"},
    }


def modal(blocks=None, *, title: str = "Deal", **extra) -> dict:  # noqa: ANN001
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": title},
        "blocks": [section()] if blocks is None else blocks,
        **extra,
    }


def slack_error(call) -> str:  # noqa: ANN001
    with pytest.raises(SlackApiError) as e:
        call()
    return e.value.response["error"]


# -- messages ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("blocks", "error"),
    [
        ([{"type": "no_such_block", "text": "x"}], "invalid_blocks"),
        ([section("x" * 3001)], "invalid_blocks"),
        ([header("x" * 151)], "invalid_blocks"),
        ([button("x" * 76)], "invalid_blocks"),
        ([section()] * 51, "invalid_blocks"),
        ([{"type": "section"}], "invalid_blocks"),  # neither text nor fields
    ],
    ids=["unknown-type", "section-3001", "header-151", "button-76", "51-blocks", "empty-section"],
)
def test_messages_slack_rejects(client, server, blocks, error):
    before = len(server.state.messages)
    assert slack_error(lambda: client.chat_postMessage(channel=DM, text="t", blocks=blocks)) == error
    assert len(server.state.messages) == before, "a rejected message must not be shown"


@pytest.mark.parametrize(
    "blocks",
    [[section("x" * 3000)], [header("x" * 150)], [button("x" * 75)], [section()] * 50],
    ids=["section-3000", "header-150", "button-75", "50-blocks"],
)
def test_messages_at_the_limit_are_accepted(client, server, blocks):
    r = client.chat_postMessage(channel=DM, text="t", blocks=blocks)
    assert r["ok"] and server.state.dm(USER)[-1].ts == r["ts"]
    assert len(server.state.dm(USER)[-1].blocks) == len(blocks)


def test_invalid_block_json_is_invalid_blocks_format(client):
    call = lambda: client.api_call("chat.postMessage", params={"channel": DM, "blocks": '[{"type": '})  # noqa: E731
    assert slack_error(call) == "invalid_blocks_format"


def test_message_text_over_40000_is_msg_too_long(client, server):
    assert slack_error(lambda: client.chat_postMessage(channel=DM, text="x" * 40_001)) == "msg_too_long"
    assert client.chat_postMessage(channel=DM, text="x" * 40_000)["ok"]
    assert len(server.state.dm(USER)[-1].text) == 40_000


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_no_text_and_no_blocks_is_no_text(client):
    assert slack_error(lambda: client.chat_postMessage(channel=DM, text="")) == "no_text"


def test_unknown_channel_is_channel_not_found(client):
    assert slack_error(lambda: client.chat_postMessage(channel="C0NOSUCH", text="hi")) == "channel_not_found"
    assert slack_error(lambda: client.conversations_history(channel="C0NOSUCH")) == "channel_not_found"
    assert client.chat_postMessage(channel=USER, text="hi")["channel"] == DM  # a user id opens the DM


def test_a_bad_or_missing_token_is_refused(server):
    bad = WebClient(token="xoxb-not-the-token", base_url=server.api_url)
    assert slack_error(lambda: bad.chat_postMessage(channel=DM, text="hi")) == "invalid_auth"
    assert slack_error(lambda: bad.auth_test()) == "invalid_auth"
    none = WebClient(base_url=server.api_url)
    assert slack_error(lambda: none.auth_test()) == "not_authed"


def test_chat_update_checks_blocks_too(client):
    ts = client.chat_postMessage(channel=DM, text="t")["ts"]
    assert (
        slack_error(lambda: client.chat_update(channel=DM, ts=ts, text="t", blocks=[header("x" * 151)]))
        == "invalid_blocks"
    )
    assert client.chat_update(channel=DM, ts=ts, text="new", blocks=[header("x" * 150)])["ok"]


# -- views ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "view",
    [
        modal(title="x" * 25),
        modal([section()] * 101),
        modal(private_metadata="x" * 3001),
        modal([text_input()]),  # inputs and no submit button
        modal([section("x" * 3001)]),
        {"type": "modal", "blocks": [section()]},  # no title
        {"type": "not_a_view", "blocks": [section()]},
    ],
    ids=[
        "title-25",
        "101-blocks",
        "metadata-3001",
        "input-without-submit",
        "section-3001",
        "no-title",
        "bad-type",
    ],
)
def test_views_slack_rejects(client, server, view):
    before = server.state.open_modal(USER)
    trigger = server.state.issue_trigger(USER)
    assert slack_error(lambda: client.views_open(trigger_id=trigger, view=view)) == "invalid_arguments"
    assert server.state.open_modal(USER) is before, "a rejected view must not open"


@pytest.mark.parametrize(
    "view",
    [
        modal(title="x" * 24),
        modal([section()] * 100),
        modal(private_metadata="x" * 3000),
        modal([text_input()], submit={"type": "plain_text", "text": "Save"}),
    ],
    ids=["title-24", "100-blocks", "metadata-3000", "input-with-submit"],
)
def test_views_at_the_limit_are_accepted(client, server, view):
    r = client.views_open(trigger_id=server.state.issue_trigger(USER), view=view)
    assert r["ok"] and server.state.open_modal(USER)["id"] == r["view"]["id"]


def test_home_views_take_100_blocks_not_101(client, server):
    home = {"type": "home", "blocks": [section()] * 100}
    assert client.views_publish(user_id=USER, view=home)["ok"]
    assert len(server.state.home_view(USER)["blocks"]) == 100
    too_many = {"type": "home", "blocks": [section()] * 101}
    assert slack_error(lambda: client.views_publish(user_id=USER, view=too_many)) == "invalid_arguments"
    assert len(server.state.home_view(USER)["blocks"]) == 100


def test_a_trigger_id_is_used_once_and_expires(client, server):
    trigger = server.state.issue_trigger(USER)
    assert client.views_open(trigger_id=trigger, view=modal())["ok"]
    assert slack_error(lambda: client.views_open(trigger_id=trigger, view=modal())) == "exchanged_trigger_id"

    old = server.state.issue_trigger(USER)
    user, issued = server.state.triggers[old]
    server.state.triggers[old] = (user, issued - 3.5)  # Slack gives 3 seconds
    assert slack_error(lambda: client.views_open(trigger_id=old, view=modal())) == "expired_trigger_id"

    assert (
        slack_error(lambda: client.views_open(trigger_id="1.2.nonsense", view=modal()))
        == "invalid_trigger_id"
    )


def test_views_push_stops_at_three(client, server):
    client.views_open(trigger_id=server.state.issue_trigger(USER), view=modal(title="one"))
    client.views_push(trigger_id=server.state.issue_trigger(USER), view=modal(title="two"))
    client.views_push(trigger_id=server.state.issue_trigger(USER), view=modal(title="three"))
    assert len(server.state.modal_stack[USER]) == 3
    call = lambda: client.views_push(trigger_id=server.state.issue_trigger(USER), view=modal(title="four"))  # noqa: E731
    assert slack_error(call) == "push_limit_reached"
    assert server.state.open_modal(USER)["title"]["text"] == "three"


def test_views_update_checks_the_view(client, server):
    view = client.views_open(trigger_id=server.state.issue_trigger(USER), view=modal())["view"]
    call = lambda: client.views_update(view_id=view["id"], view=modal(title="x" * 25))  # noqa: E731
    assert slack_error(call) == "invalid_arguments"
    assert client.views_update(view_id=view["id"], view=modal(title="Updated"))["ok"]
    assert server.state.open_modal(USER)["title"]["text"] == "Updated"
    assert slack_error(lambda: client.views_update(view_id="V0NOSUCH", view=modal())) == "not_found"


# -- response_url --------------------------------------------------------------------------------
def test_a_response_url_takes_five_posts(server):
    url = server.response_url(USER, DM)
    hook = WebhookClient(url)
    for n in range(5):
        assert hook.send(text=f"reply {n}").status_code == 200
    sixth = hook.send(text="reply 5")
    assert sixth.status_code == 404 and sixth.body == "used_url"
    shown = [m.text for m in server.state.ephemerals(USER) if m.source == "response_url"]
    assert shown[-5:] == [f"reply {n}" for n in range(5)] and "reply 5" not in shown


def test_a_response_url_checks_blocks(server):
    hook = WebhookClient(server.response_url(USER, DM))
    r = hook.send(text="t", blocks=[header("x" * 151)])
    assert r.status_code == 400 and r.body.startswith("invalid_blocks")


def test_users_info_gives_zone_and_locale(client):
    user = client.users_info(user="U0REP1", include_locale=True)["user"]
    assert user["tz"] == "Asia/Shanghai" and user["locale"] == "zh-CN"
    assert slack_error(lambda: client.users_info(user="U0NOSUCH")) == "user_not_found"
