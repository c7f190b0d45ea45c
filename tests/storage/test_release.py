"""The released schema: released migrations never change, and upgrading a release's data loses nothing.

Released migrations are pinned by sha256 in storage/migrations/RELEASED.sha256. Each release's head
has a fixture, tests/fixtures/release_<rev>.json, with rows in every table; a database populated with
it at <rev> is upgraded to today's head, on SQLite and on PostgreSQL, and every row must still be there.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from storage.db import make_engine
from storage.migrate import (
    MIGRATIONS,
    RELEASED_LIST,
    alembic_config,
    current_revision,
    file_sha256,
    heads,
    released,
    upgrade,
)
from tests.support.release import (
    FIXTURES,
    ReleaseFixture,
    coverage_gaps,
    lost_or_changed,
    populate,
    read_back,
    reflect,
    release_fixtures,
)

VERSIONS = MIGRATIONS / "versions"
APPEND = (
    'append a new migration instead: `python -m storage.migrate new "what changed"` (README "Schema changes")'
)
RELEASES = [pytest.param(f, id=f"release_{f.revision}") for f in release_fixtures()]


def _history() -> list[str]:
    """Migration file names from the first to the head."""
    script = ScriptDirectory.from_config(alembic_config())
    return [Path(r.path).name for r in reversed(list(script.walk_revisions()))]


def _revision_of(file_name: str) -> str:
    return file_name.split("_", 1)[0]


def test_released_migrations_are_never_edited():
    pinned = released()
    assert pinned, f"storage/migrations/{RELEASED_LIST} lists no released migration"
    edited = [
        n
        for n, digest in pinned.items()
        if not (VERSIONS / n).exists() or file_sha256(VERSIONS / n) != digest
    ]
    assert edited == [], (
        f"released migrations were edited or removed: {edited}. A released migration never changes "
        f"(databases out there already ran it): restore it from git and {APPEND}"
    )


def test_released_migrations_begin_the_history():
    pinned = list(released())
    assert _history()[: len(pinned)] == pinned, (
        f"{RELEASED_LIST} must list the oldest migrations in order, history: {_history()}; {APPEND}"
    )


def test_the_last_release_has_a_fixture():
    last = _revision_of(list(released())[-1])
    assert (FIXTURES / f"release_{last}.json").exists(), (
        f"release {last} has no upgrade fixture: copy the newest tests/fixtures/release_*.json to "
        f"release_{last}.json and bring it to the schema at {last} (every table and column set)"
    )


@pytest.mark.parametrize("fixture", RELEASES)
def test_release_fixture_covers_every_table_and_column(dbs, fixture: ReleaseFixture):
    engine = make_engine(dbs.fresh(migrated=False))
    upgrade(engine, fixture.revision)
    schema = reflect(engine)
    engine.dispose()
    gaps = coverage_gaps(schema, fixture.tables)
    assert gaps == [], (
        f"{fixture.path.name} must hold rows for every table of the schema at {fixture.revision}, "
        f"each column set in at least one row; missing: {gaps}"
    )
    for table in fixture.tables:  # the check itself: a fixture short of any one table fails it
        short = {name: rows for name, rows in fixture.tables.items() if name != table}
        assert f"{table}: no rows" in coverage_gaps(schema, short)


@pytest.mark.parametrize("fixture", RELEASES)
def test_upgrade_from_a_release_keeps_every_row(dbs, fixture: ReleaseFixture):
    engine = make_engine(dbs.fresh(migrated=False))
    upgrade(engine, fixture.revision)
    populate(engine, fixture.tables)
    before = read_back(engine)
    assert lost_or_changed(reflect(engine), fixture.tables, before) == []  # the fixture went in whole

    upgrade(engine)

    assert current_revision(engine) == heads()[0]
    after = read_back(engine)
    lost = lost_or_changed(reflect(engine), fixture.tables, after)
    fewer = {
        t: (len(rows), len(after[t]))
        for t, rows in before.items()
        if t in after and len(after[t]) < len(rows)
    }
    engine.dispose()
    assert lost == [], f"upgrading from {fixture.revision} to {heads()[0]} lost or changed data: {lost}"
    assert fewer == {}, f"row counts dropped (before, after): {fewer}"


def test_a_lost_row_or_a_changed_value_is_reported(dbs):
    fixture = release_fixtures()[-1]
    engine = make_engine(dbs.fresh(migrated=False))
    upgrade(engine, fixture.revision)
    populate(engine, fixture.tables)
    schema = reflect(engine)
    with engine.begin() as conn:
        conn.execute(sa.delete(schema.tables["payment"]).where(schema.tables["payment"].c.id == 2))
        conn.execute(
            sa.update(schema.tables["deal"]).where(schema.tables["deal"].c.id == 1).values(account="x")
        )
    problems = lost_or_changed(schema, fixture.tables, read_back(engine))
    engine.dispose()
    assert problems == [
        "deal (1,).account: '上海振华重工（集团）股份有限公司' became 'x'",
        "payment (2,): row lost",
    ]
