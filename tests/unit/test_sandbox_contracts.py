"""Slack's contracts the sandbox holds, each with its accepted counterpart: the token's scopes (from the
manifest) per method and conversation type, the bot's channel membership, and a slash command's text
escaped as the command's ``should_escape`` says.

In-process SandboxServer over HTTP, called with a real slack_sdk WebClient, as the bot calls Slack.
"""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from sandbox.manifest import AppManifest
from sandbox.scopes import METHOD_SCOPES
from sandbox.server import SandboxServer
from sandbox.slack_side import SlackSide
from sandbox.users import default_workspace
from sandbox.webapi import WebApi

PUBLIC, PRIVATE, DM, USER = "C0MANAGERS", "C0DEALDESK", "D0REP2", "U0REP2"
MANIFEST = AppManifest.default()


@pytest.fixture(scope="module")
def server():
    s = SandboxServer(workspace=default_workspace(), signing_secret="unused").start()
    yield s
    s.stop()


@pytest.fixture(autouse=True)
def fresh(server):
    """Every test starts as a fresh install: the manifest's scopes, the bot in no channel."""
    server.state.manifest = MANIFEST
    server.state.bot_channels.clear()
    yield
    server.state.manifest = MANIFEST
    server.state.bot_channels.clear()


@pytest.fixture
def client(server) -> WebClient:
    return WebClient(token=server.bot_token, base_url=server.api_url)


def slack_error(call) -> dict:  # noqa: ANN001
    with pytest.raises(SlackApiError) as e:
        call()
    return e.value.response.data


# -- scopes -----------------------------------------------------------------------------------------
def test_every_method_the_sandbox_serves_has_a_row_in_the_scope_table():
    served = {
        name.replace("_", ".")
        for name in dir(WebApi)
        if "_" in name and not name.startswith("_") and name not in ("upload_bytes",)
    }
    served = {m for m in served if callable(getattr(WebApi, m.replace(".", "_")))} - {"call"}
    assert served == set(METHOD_SCOPES)


@pytest.mark.parametrize(
    ("channel", "scope"),
    [(PUBLIC, "channels:history"), (PRIVATE, "groups:history"), (DM, "im:history")],
    ids=["public", "private", "im"],
)
def test_history_needs_the_scope_of_the_conversation_type(server, client, channel, scope):
    server.state.bot_channels.update({PUBLIC, PRIVATE})
    assert client.conversations_history(channel=channel, limit=1)["ok"]  # with every scope: accepted
    server.state.manifest = MANIFEST.without_scope(scope)
    body = slack_error(lambda: client.conversations_history(channel=channel, limit=1))
    assert body == {
        "ok": False,
        "error": "missing_scope",
        "needed": scope,
        "provided": ",".join(sorted(MANIFEST.bot_scopes - {scope})),
    }
    others = {PUBLIC, PRIVATE, DM} - {channel}
    assert all(client.conversations_history(channel=c, limit=1)["ok"] for c in others)


@pytest.mark.parametrize(
    ("scope", "call"),
    [
        ("chat:write", lambda c: c.chat_postMessage(channel=DM, text="hi")),
        ("users:read", lambda c: c.users_info(user=USER)),
        ("im:write", lambda c: c.conversations_open(users=USER)),
        ("channels:join", lambda c: c.conversations_join(channel=PUBLIC)),
        ("files:write", lambda c: c.files_upload_v2(channel=DM, content=b"x", filename="x.txt")),
    ],
    ids=["chat.postMessage", "users.info", "conversations.open", "conversations.join", "files_upload_v2"],
)
def test_a_method_without_its_scope_answers_missing_scope(server, client, scope, call):
    assert call(client)["ok"]
    server.state.manifest = MANIFEST.without_scope(scope)
    body = slack_error(lambda: call(client))
    assert (body["error"], body["needed"]) == ("missing_scope", scope)
    assert scope not in body["provided"].split(",")


def test_views_and_auth_need_no_scope(server, client):
    server.state.manifest = AppManifest(frozenset())
    assert client.auth_test()["ok"]
    home = {"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}]}
    assert client.views_publish(user_id=USER, view=home)["ok"]


def test_every_answer_carries_the_tokens_scopes(client):
    headers = {k.lower(): v for k, v in client.auth_test().headers.items()}
    assert set(headers["x-oauth-scopes"].split(",")) == set(MANIFEST.bot_scopes)


# -- membership -------------------------------------------------------------------------------------
def _upload(client: WebClient, channel: str):  # noqa: ANN202
    return client.files_upload_v2(channel=channel, content=b"chart", filename="funnel.png")


def test_a_public_channel_the_bot_is_not_in_answers_not_in_channel_until_it_joins(server, client):
    assert slack_error(lambda: client.conversations_history(channel=PUBLIC))["error"] == "not_in_channel"
    assert slack_error(lambda: _upload(client, PUBLIC))["error"] == "not_in_channel"
    assert (
        slack_error(lambda: client.chat_postMessage(channel=PUBLIC, text="hi"))["error"] == "not_in_channel"
    )
    joined = client.conversations_join(channel=PUBLIC)
    assert (
        joined["channel"]["id"] == PUBLIC and joined["channel"]["is_member"] and "warning" not in joined.data
    )
    assert client.conversations_history(channel=PUBLIC)["ok"]
    assert _upload(client, PUBLIC)["ok"]
    assert client.chat_postMessage(channel=PUBLIC, text="hi")["ok"]
    again = client.conversations_join(channel=PUBLIC)
    assert again["warning"] == "already_in_channel"


def test_chat_write_public_lets_a_post_in_but_neither_a_read_nor_a_file(server, client):
    server.state.manifest = MANIFEST.with_scope("chat:write.public")
    assert client.chat_postMessage(channel=PUBLIC, text="hi")["ok"]
    assert slack_error(lambda: client.conversations_history(channel=PUBLIC))["error"] == "not_in_channel"
    assert slack_error(lambda: _upload(client, PUBLIC))["error"] == "not_in_channel"


def test_a_private_channel_the_bot_is_not_in_is_invisible_until_someone_invites_it(server, client):
    for call in (
        lambda: client.conversations_history(channel=PRIVATE),
        lambda: client.chat_postMessage(channel=PRIVATE, text="hi"),
        lambda: _upload(client, PRIVATE),
        lambda: client.conversations_join(channel=PRIVATE),
    ):
        assert slack_error(call)["error"] == "channel_not_found"
    SlackSide(server, app_url="http://127.0.0.1:9").invite_bot("U0ADMIN", PRIVATE)  # /invite @dealbot
    assert server.state.channel_messages(PRIVATE)[-1].source == "system"
    assert client.conversations_history(channel=PRIVATE)["ok"]
    assert client.chat_postMessage(channel=PRIVATE, text="hi")["ok"]
    assert _upload(client, PRIVATE)["ok"]
    joined = slack_error(lambda: client.conversations_join(channel=PRIVATE))  # a bot cannot join one itself
    assert joined["error"] == "method_not_supported_for_channel_type"


def test_the_bot_is_always_in_its_dms(client):
    assert client.chat_postMessage(channel=DM, text="hi")["ok"]
    assert client.conversations_history(channel=DM)["ok"]
    assert _upload(client, DM)["ok"]


# -- escaping ---------------------------------------------------------------------------------------
TYPED = (
    "role @chen.jing manager @Wang Li @sam.carter, in #sales-managers see https://x.io/a?b=1&c=2. AT&T <b>"
)


def _sent_text(server: SandboxServer, command: str, typed: str) -> str:
    body, _ = SlackSide(server, app_url="http://127.0.0.1:9").command_body("U0ADMIN", command, typed)
    return parse_qs(body)["text"][0]


def test_a_command_with_escaping_on_gets_mentions_channels_and_links_escaped(server):
    server.state.manifest = MANIFEST.with_escape("/deal", True)
    assert _sent_text(server, "/deal", TYPED) == (
        "role <@U0MGR|chen.jing> manager <@U0REP1|wang.li> <@U0REP2|sam.carter>, in "
        "<#C0MANAGERS|sales-managers> see <https://x.io/a?b=1&amp;c=2>. AT&amp;T &lt;b&gt;"
    )
    assert _sent_text(server, "/deal", "@here @nobody mail a@b.io") == "<!here> @nobody mail a@b.io"


def test_a_command_with_escaping_off_gets_the_text_as_typed(server):
    server.state.manifest = MANIFEST.with_escape("/deal", False)
    assert _sent_text(server, "/deal", TYPED) == (
        "role @chen.jing manager @Wang Li @sam.carter, in #sales-managers see https://x.io/a?b=1&amp;c=2. "
        "AT&amp;T &lt;b&gt;"
    )


def test_escaping_follows_the_manifest(server):
    for command, on in MANIFEST.should_escape.items():
        sent = _sent_text(server, command, "@Sam Carter")
        assert sent == ("<@U0REP2|sam.carter>" if on else "@Sam Carter"), command
