"""Whose database is it: the sandbox may only work on a database it created (or an empty one)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from storage.models import SandboxDatabase


class Origin(StrEnum):
    EMPTY = "empty"  # no tables at all: the sandbox may create its own
    SANDBOX = "sandbox"  # created by the sandbox (the marker row is there)
    OTHER = "other"  # anything else: it may hold a real workspace's data


def database_origin(engine: Engine) -> Origin:
    tables = set(sa.inspect(engine).get_table_names())
    if not tables:
        return Origin.EMPTY
    if SandboxDatabase.__tablename__ not in tables:
        return Origin.OTHER
    with engine.connect() as conn:
        marked = conn.execute(sa.select(sa.func.count()).select_from(SandboxDatabase)).scalar_one()
    return Origin.SANDBOX if marked else Origin.OTHER


def mark_sandbox_database(engine: Engine, now: datetime) -> None:
    try:
        with engine.begin() as conn:
            conn.execute(sa.insert(SandboxDatabase).values(id=1, created_at=now))
    except IntegrityError:
        pass  # already marked
