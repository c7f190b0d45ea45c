"""The sandbox's saved conversations: a round trip keeps messages, App Home and the bot's channels,
new ids never reuse a saved one, a damaged file starts afresh, a new database forgets the old file."""

from __future__ import annotations

import json

from sandbox.persist import StateFile, state_path
from sandbox.state import Message, SandboxState
from sandbox.users import default_workspace


def _state() -> SandboxState:
    return SandboxState([default_workspace()], "xoxb-t", "xapp-t")


def _said(s: SandboxState, text: str, **kw) -> Message:  # noqa: ANN003
    m = Message(channel="D0REP2", ts=s.next_ts(), text=text, blocks=[], user="U0REP2", **kw)
    s.messages.append(m)
    return m


def test_a_round_trip_keeps_what_a_restart_must_not_lose(tmp_path):
    s = _state()
    kept = _said(s, "hello")
    _said(s, "only you can see this", ephemeral_to="U0REP2")
    vid = s.next_id("V")
    s.views[vid] = {"id": vid, "type": "home", "user_id": "U0MGR", "blocks": [{"type": "divider"}]}
    s.home["U0MGR"] = vid
    s.views[s.next_id("V")] = {"type": "modal", "user_id": "U0REP2"}  # a modal: a client's passing state
    s.add_bot_to("C0MANAGERS")
    s.files["F1"] = {"id": "F1", "name": "funnel.png", "content": b"\x89PNG...", "completed": True}
    f = StateFile(s, tmp_path / "db.sqlite.sandbox.json")
    assert f.save() and not f.save()  # nothing changed: nothing written

    back = _state()
    assert StateFile(back, f.path).load()
    assert [m.text for m in back.messages] == ["hello"] and back.messages[0] == kept
    assert back.home_view("U0MGR")["blocks"] == [{"type": "divider"}]
    assert list(back.views) == [vid]
    assert back.bot_is_member("C0MANAGERS") and back.files["F1"]["content"] == b"\x89PNG..."
    assert back.next_id("V") not in s.views  # ids go on from where they were
    assert back.next_ts() not in {m.ts for m in s.messages}


def test_a_damaged_or_foreign_file_starts_afresh(tmp_path, caplog):
    path = tmp_path / "x.json"
    for text in ("{not json", json.dumps({"version": 99}), json.dumps({"version": 1, "messages": 3})):
        path.write_text(text)
        s = _state()
        assert StateFile(s, path).load() is False and s.messages == []
    assert "starting afresh" in caplog.text


def test_the_file_sits_beside_a_sqlite_database_and_never_in_it(tmp_path):
    assert state_path(f"sqlite:///{tmp_path}/dealbot.db") == tmp_path / "dealbot.db.sandbox.json"
    pg = state_path("postgresql+psycopg://u:secret@localhost/dealbot_x")
    assert pg.name.startswith("dealbot-sandbox-") and "secret" not in str(pg)
    assert state_path("postgresql+psycopg://u@localhost/a") != state_path(
        "postgresql+psycopg://u@localhost/b"
    )


def test_a_new_database_forgets_the_old_conversations(tmp_path):
    from sandbox.server import SandboxServer

    old = _state()
    _said(old, "from an older database")
    path = tmp_path / "db.sqlite.sandbox.json"
    StateFile(old, path).save()
    server = SandboxServer(workspace=default_workspace(), signing_secret="s")
    assert server.keep_state(path, fresh=True) is False
    assert server.state.messages == [] and not path.exists()
    server._sock.close()
