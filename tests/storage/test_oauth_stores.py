"""The tables dealbot's migrations create for Bolt's OAuth stores are the stores' own: compared column by
column and index by index with each store's ``metadata`` (on SQLite and on PostgreSQL), and the stores
work on the migrated database."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore


def store_diff(engine, metadata) -> list:  # noqa: ANN001
    names = set(metadata.tables)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "include_name": lambda name, kind, _parent: kind != "table" or name in names,
            },
        )
        return compare_metadata(ctx, metadata)


def test_the_migrated_tables_are_the_installation_stores_own(engine):
    store = SQLAlchemyInstallationStore(client_id="111.222", engine=engine)
    assert set(store.metadata.tables) == {"slack_bots", "slack_installations"}
    assert store_diff(engine, store.metadata) == []


def test_the_migrated_table_is_the_state_stores_own(engine):
    store = SQLAlchemyOAuthStateStore(expiration_seconds=600, engine=engine)
    assert store_diff(engine, store.metadata) == []


def test_the_comparison_sees_a_difference(engine):
    """The check above can fail: a store whose table has one more column is told apart."""
    import sqlalchemy as sa

    store = SQLAlchemyOAuthStateStore(expiration_seconds=600, engine=engine)
    store.oauth_states.append_column(sa.Column("extra", sa.String(10)))
    assert store_diff(engine, store.metadata) != []


def test_the_stores_work_on_the_migrated_database(engine):
    store = SQLAlchemyInstallationStore(client_id="111.222", engine=engine)
    store.save(
        Installation(
            app_id="A1", team_id="T1", user_id="U1", bot_token="xoxb-1", bot_id="B1", bot_user_id="UB",
            bot_refresh_token="xoxe-1", bot_token_expires_in=3600,
        )
    )  # fmt: skip
    bot = store.find_bot(enterprise_id=None, team_id="T1")
    assert bot is not None and bot.bot_token == "xoxb-1" and bot.bot_token_expires_at is not None
    store.delete_all(enterprise_id=None, team_id="T1")
    assert store.find_bot(enterprise_id=None, team_id="T1") is None
    states = SQLAlchemyOAuthStateStore(expiration_seconds=600, engine=engine)
    state = states.issue()
    assert states.consume(state) and not states.consume(state)


def test_the_cached_store_asks_the_database_once_per_workspace_and_forgets_what_changes(engine, monkeypatch):
    """Authorize asks for the bot row on every request: dealbot's store answers from a per-process cache
    for BOT_CACHE_SECONDS, and whatever it saves or deletes is seen at once."""
    import sqlalchemy as sa

    from bot import oauth

    store = oauth.CachedInstallationStore(client_id="111.222", engine=engine)
    install = dict(app_id="A1", team_id="T1", user_id="U1", bot_id="B1", bot_user_id="UB")
    store.save(Installation(bot_token="xoxb-1", **install))
    selects: list[str] = []
    sa.event.listen(
        engine, "before_cursor_execute", lambda *a: selects.append(a[2]) if "slack_bots" in a[2] else None
    )
    now = [1000.0]
    monkeypatch.setattr(oauth, "time", lambda: now[0])
    for _ in range(50):  # fifty requests of one workspace within a few seconds: one query
        assert store.find_bot(enterprise_id=None, team_id="T1").bot_token == "xoxb-1"
    assert len(selects) == 1
    assert store.find_bot(enterprise_id=None, team_id="T2") is None  # not installed: asked each time
    assert store.find_bot(enterprise_id=None, team_id="T2") is None and len(selects) == 3
    now[0] += oauth.BOT_CACHE_SECONDS  # another process's change is seen after the TTL
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE slack_bots SET bot_token = 'xoxb-2' WHERE team_id = 'T1'"))
    assert store.find_bot(enterprise_id=None, team_id="T1").bot_token == "xoxb-2"
    store.save(Installation(bot_token="xoxb-3", **install))  # this process's save: seen at once
    assert store.find_bot(enterprise_id=None, team_id="T1").bot_token == "xoxb-3"
    store.delete_all(enterprise_id=None, team_id="T1")  # an uninstall (Bolt's revocation listeners)
    assert store.find_bot(enterprise_id=None, team_id="T1") is None
