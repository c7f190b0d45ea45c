"""manifest.yaml, bot/ids.py and the listeners the app really registers are one contract.

The app is built in-process (build_app, nothing started) against a sandbox, so Bolt's constructor
talks to the sandbox's auth.test instead of Slack.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot import ids
from bot.config import Settings
from bot.runtime import build
from tests.support.bot import SIGNING_SECRET

MANIFEST = yaml.safe_load((Path(__file__).resolve().parents[2] / "manifest.yaml").read_text())

# The minimum bot scopes (shared/SLACK-FACTS.md §6), each with the call or event that needs it.
# A scope not in this table is refused by the test; a scope here that nothing needs should be removed.
MINIMUM_BOT_SCOPES = {
    "commands": "the /deal and /funnel slash commands",
    "chat:write": "chat.postMessage / chat.update / chat.postEphemeral: DMs, nudges, the digest, cards",
    "chat:write.public": "the weekly digest in the manager channel an admin picks, without inviting the bot",
    "im:write": "conversations.open for a rep's DM (nudges, the interview)",
    "im:history": "the message.im event (typed interview answers) and conversations.history on the bot's "
    "DMs (reconciling a nudge whose send crashed, SCHEDULING-AND-SCALE.md)",
    "users:read": "users.info for each user's tz and locale, and the user_change event",
    "files:write": "files_upload_v2 for the digest's funnel chart",
}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from sandbox.server import SandboxServer
    from sandbox.users import default_workspace
    from storage.db import make_engine
    from storage.migrate import upgrade

    sandbox = SandboxServer(workspace=default_workspace(), signing_secret=SIGNING_SECRET).start()
    url = f"sqlite:///{tmp_path_factory.mktemp('contract') / 'contract.db'}"
    upgrade(make_engine(url))
    settings = Settings(
        _env_file=None,
        slack_bot_token=sandbox.bot_token,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=sandbox.api_url,
        database_url=url,
    )
    deps, bolt_app = build(settings)
    yield bolt_app
    deps.engine.dispose()
    sandbox.stop()


def test_slash_commands_match_the_manifest_and_the_listeners(app):
    manifest = {c["command"] for c in MANIFEST["features"]["slash_commands"]}
    assert manifest == set(ids.COMMANDS) == app.registered["commands"]


def test_bot_events_match_the_manifest_and_the_listeners(app):
    manifest = set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])
    assert manifest == set(ids.EVENTS.values())
    assert app.registered["events"] == set(ids.EVENTS)


def test_scopes_are_the_justified_minimum():
    assert set(MANIFEST["oauth_config"]["scopes"]["bot"]) == set(MINIMUM_BOT_SCOPES)
    assert "user" not in MANIFEST["oauth_config"]["scopes"], "dealbot needs no user token"


def test_interactivity_home_tab_and_writable_messages_tab():
    assert MANIFEST["settings"]["interactivity"]["is_enabled"] is True
    home = MANIFEST["features"]["app_home"]
    assert home["home_tab_enabled"] is True
    assert home["messages_tab_enabled"] is True
    assert home["messages_tab_read_only_enabled"] is False


def declared_patterns() -> set[str]:
    """Listeners registered by pattern (``app.action(re.compile(...))``): the pattern is spelled in
    bot/ids.py as a ``*_PATTERN`` constant; DealbotApp records it as ``re:<pattern>``."""
    return {f"re:{v}" for k, v in vars(ids).items() if k.endswith("_PATTERN") and isinstance(v, str)}


def test_every_action_and_view_id_has_a_listener_and_every_listener_an_id(app):
    registered_actions = app.registered["actions"] | app.registered["options"]
    assert ids.all_action_ids() - registered_actions == set(), "ACT_* ids nobody listens to"
    assert registered_actions - ids.all_action_ids() - declared_patterns() == set(), (
        "action listeners whose id or pattern is not in bot/ids.py"
    )
    assert ids.all_view_ids() - app.registered["views"] == set(), "VIEW_* ids nobody listens to"
    assert app.registered["views"] - ids.all_view_ids() == set(), (
        "view listeners whose id is not in bot/ids.py"
    )
