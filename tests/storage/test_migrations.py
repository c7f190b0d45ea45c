from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

import storage.models  # noqa: F401
from storage.db import make_engine
from storage.migrate import current_revision, heads, upgrade


def test_single_alembic_head():
    assert len(heads()) == 1, f"migrations must stay linear, heads: {heads()}"


def test_migrations_match_the_models(engine):
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata
        )
    assert diff == [], f"models and migrations disagree (run `python -m storage.migrate regen`): {diff}"


def test_migrate_an_empty_database(dbs):
    engine = make_engine(dbs.fresh(migrated=False))
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == heads()[0]
    upgrade(engine)  # idempotent
    assert current_revision(engine) == heads()[0]
    engine.dispose()
