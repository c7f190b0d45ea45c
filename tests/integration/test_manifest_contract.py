"""manifest.yaml, bot/ids.py, the listeners the app really registers and the Web API methods the code
calls are one contract: commands, events, escaping and scopes.

The app is built in-process (build_app, nothing started) against a sandbox, so Bolt's constructor
talks to the sandbox's auth.test instead of Slack. The scopes each method needs per conversation type
come from the sandbox's table (sandbox/scopes.py), the one the sandbox answers ``missing_scope`` from.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest
import yaml
from slack_sdk import WebClient

from bot import ids
from bot.config import Settings
from bot.runtime import build
from sandbox.scopes import COMMANDS_SCOPE, EVENT_SCOPES, HELPERS, METHOD_SCOPES
from tests.support.bot import SIGNING_SECRET

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = yaml.safe_load((ROOT / "manifest.yaml").read_text())
NOT_METHODS = {"api_call", "validate_slack_signature"}

# Commands that take people (<@U…> mentions): Slack escapes mentions only when should_escape is on.
PEOPLE_COMMANDS = {
    "/deal": "/deal role @person manager @rep …",
    "/funnel": "/funnel @rep, /funnel quota @rep 5000000 2027-Q1",
}


def called_methods() -> dict[str, list[str]]:
    """Every Web API method the code under bot/ calls -> where: ``<client>.<method>(…)`` for the
    WebClient's methods, ``api_call("<method>")``, and the SDK helpers that call several methods."""
    found: dict[str, list[str]] = defaultdict(list)
    for path in sorted((ROOT / "bot").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            name, where = node.func.attr, f"{path.relative_to(ROOT)}:{node.lineno}"
            if name == "api_call" and node.args and isinstance(node.args[0], ast.Constant):
                found[node.args[0].value].append(where)
            elif name in HELPERS:
                for method in HELPERS[name]:
                    found[method].append(where)
            elif _is_method(name):
                found[name.replace("_", ".")].append(where)
    return dict(found)


def _is_method(name: str) -> bool:
    """A WebClient method named after a Web API method (``chat_postMessage`` for chat.postMessage)."""
    public = "_" in name and not name.startswith("_") and name not in NOT_METHODS
    return public and callable(getattr(WebClient, name, None))


def scope_listing(calls: dict[str, list[str]]) -> str:
    """method · the scope per conversation type · where it is called (printed by the test)."""
    lines = []
    for method in sorted(calls):
        row = METHOD_SCOPES.get(method)
        scopes = (
            "not in the sandbox's table"
            if row is None
            else (", ".join(f"{kind}: {scope}" for kind, scope in sorted(row.items())) or "no scope")
        )
        lines.append(f"{method:32} {scopes:70} {', '.join(calls[method])}")
    return "\n".join(lines)


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


def test_every_called_method_has_its_scopes_in_the_manifest():
    calls = called_methods()
    print("\n" + scope_listing(calls))  # the listing is the report of this test (pytest -s or -rA)
    # the scan sees what dealbot is known to call, helpers included
    assert {"chat.postMessage", "conversations.history", "conversations.join", "conversations.open"} <= set(
        calls
    )
    assert {
        "files.getUploadURLExternal",
        "files.completeUploadExternal",
        "users.info",
        "views.publish",
    } <= set(calls)
    unknown = sorted(set(calls) - set(METHOD_SCOPES))
    assert unknown == [], f"called methods missing from sandbox/scopes.py: {unknown}\n{scope_listing(calls)}"
    granted = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    missing = [
        f"{method} in a {kind} conversation needs {scope} ({', '.join(calls[method])})"
        for method in sorted(calls)
        for kind, scope in sorted(METHOD_SCOPES[method].items())
        if scope not in granted
    ]
    assert missing == [], "\n".join(missing)


def test_the_manifest_declares_the_scopes_needed_and_no_more():
    needed = {scope for method in called_methods() for scope in METHOD_SCOPES[method].values()}
    events = MANIFEST["settings"]["event_subscriptions"]["bot_events"]
    needed |= {EVENT_SCOPES[e] for e in events if EVENT_SCOPES[e]}
    if MANIFEST["features"]["slash_commands"]:
        needed.add(COMMANDS_SCOPE)
    assert set(MANIFEST["oauth_config"]["scopes"]["bot"]) == needed
    assert "user" not in MANIFEST["oauth_config"]["scopes"], "dealbot needs no user token"


def test_every_command_that_takes_people_has_escaping_on():
    commands = {c["command"]: c.get("should_escape", False) for c in MANIFEST["features"]["slash_commands"]}
    assert set(PEOPLE_COMMANDS) <= set(commands)
    assert {c for c in PEOPLE_COMMANDS if commands[c] is not True} == set(), (
        "Slack sends @mentions as <@U…|name> only with should_escape: true"
    )


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
