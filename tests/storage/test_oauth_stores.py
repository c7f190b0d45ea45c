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
