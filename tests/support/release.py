"""Release fixtures: a database as a released version left it, to upgrade and check nothing was lost.

``tests/fixtures/release_<rev>.json`` holds a few rows for every table of the schema at revision
<rev> (a release's head): plain JSON, dates and timestamps as ISO strings (timestamps with their
offset), money as strings. Rows go in with SQLAlchemy Core through the tables *reflected* at that
revision, in the listed order, so a fixture never depends on today's models.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

FIXTURES = Path(__file__).parent.parent / "fixtures"
Rows = dict[str, list[dict[str, Any]]]


@dataclass(frozen=True)
class ReleaseFixture:
    path: Path
    revision: str
    tables: Rows

    @classmethod
    def load(cls, path: Path) -> ReleaseFixture:
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert path.name == f"release_{doc['revision']}.json", f"{path.name} holds revision {doc['revision']}"
        return cls(path, doc["revision"], doc["tables"])


def release_fixtures() -> list[ReleaseFixture]:
    return [ReleaseFixture.load(p) for p in sorted(FIXTURES.glob("release_*.json"))]


def reflect(engine: Engine) -> sa.MetaData:
    """The application's tables as they are in the database (without Alembic's bookkeeping)."""
    metadata = sa.MetaData()
    metadata.reflect(bind=engine, only=lambda name, _: name != "alembic_version")
    return metadata


def coverage_gaps(metadata: sa.MetaData, tables: Rows) -> list[str]:
    """What the fixture misses of the schema: a table without rows, a column never set, unknown names."""
    gaps = [f"{name}: not a table of this schema" for name in tables if name not in metadata.tables]
    for table in metadata.sorted_tables:
        rows = tables.get(table.name) or []
        if not rows:
            gaps.append(f"{table.name}: no rows")
            continue
        unknown = sorted({k for row in rows for k in row} - set(table.columns.keys()))
        unset = [c.name for c in table.columns if all(row.get(c.name) is None for row in rows)]
        gaps += [f"{table.name}.{k}: not a column of this table" for k in unknown]
        gaps += [f"{table.name}.{k}: no row sets it" for k in unset]
    return gaps


def populate(engine: Engine, tables: Rows) -> None:
    """Insert the rows through the reflected tables, parents first; PostgreSQL sequences follow."""
    metadata = reflect(engine)
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            for row in tables.get(table.name, []):
                values = {k: _bind(typed(v, table.c[k].type), conn.dialect.name) for k, v in row.items()}
                conn.execute(table.insert().values(values))
        if conn.dialect.name == "postgresql":
            _advance_sequences(conn, metadata)


def read_back(engine: Engine) -> dict[str, dict[tuple, dict[str, Any]]]:
    """Every row of every table, keyed by primary key; timestamps as aware UTC."""
    metadata = reflect(engine)
    with engine.connect() as conn:
        return {
            table.name: {
                tuple(row[c.name] for c in table.primary_key.columns): {k: _read(v) for k, v in row.items()}
                for row in conn.execute(sa.select(table)).mappings()
            }
            for table in metadata.sorted_tables
        }


def lost_or_changed(metadata: sa.MetaData, tables: Rows, found: dict[str, dict[tuple, dict]]) -> list[str]:
    """Fixture rows missing from ``found`` or holding other values (columns that still exist)."""
    problems = []
    for name, rows in tables.items():
        if name not in metadata.tables:
            continue  # a table dropped on purpose by a later migration
        table = metadata.tables[name]
        for row in rows:
            want = {k: typed(v, table.c[k].type) for k, v in row.items() if k in table.c}
            key = tuple(want[c.name] for c in table.primary_key.columns)
            got = found[name].get(key)
            if got is None:
                problems.append(f"{name} {key}: row lost")
                continue
            problems += [f"{name} {key}.{k}: {v!r} became {got[k]!r}" for k, v in want.items() if got[k] != v]
    return problems


def typed(value: Any, type_: sa.types.TypeEngine) -> Any:
    """A fixture's JSON value as the column's Python value (timestamps aware UTC)."""
    if value is None:
        return None
    if isinstance(type_, sa.DateTime):
        stamp = datetime.fromisoformat(value)
        assert stamp.tzinfo is not None, f"fixture timestamp without an offset: {value}"
        return stamp.astimezone(UTC)
    if isinstance(type_, sa.Date):
        return date.fromisoformat(value)
    if isinstance(type_, sa.Numeric) and not isinstance(type_, sa.Float):
        assert isinstance(value, str), f"money is a string in fixtures (exact), not {value!r}"
        return Decimal(value)
    return value


def _bind(value: Any, dialect: str) -> Any:
    # storage.models.UTCDateTime's convention: SQLite holds naive UTC, PostgreSQL timestamptz.
    return value.replace(tzinfo=None) if isinstance(value, datetime) and dialect == "sqlite" else value


def _read(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value


def _advance_sequences(conn: sa.Connection, metadata: sa.MetaData) -> None:
    """Explicit ids skip the serial sequences; move them past the rows as the app's inserts would."""
    for table in metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        if len(pk) == 1 and isinstance(pk[0].type, sa.Integer):
            sequence = sa.func.pg_get_serial_sequence(table.name, pk[0].name)
            conn.execute(sa.select(sa.func.setval(sequence, sa.select(sa.func.max(pk[0])).scalar_subquery())))
