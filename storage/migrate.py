"""Alembic driven from code: upgrade, read the current and head revisions, refuse a stale database."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).parent / "migrations"


class DatabaseNotMigrated(RuntimeError):
    """The database is behind the code (or empty): `dealbot migrate` fixes it."""


def alembic_config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        cfg.set_main_option(
            "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
        )
    return cfg


def heads() -> list[str]:
    return list(ScriptDirectory.from_config(alembic_config()).get_heads())


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def require_current(engine: Engine) -> None:
    current = current_revision(engine)
    (head,) = heads()
    if current == head:
        return
    if current is None:
        raise DatabaseNotMigrated(
            f"the database at {engine.url.render_as_string(hide_password=True)} has no schema yet: "
            "run `dealbot migrate` first"
        )
    raise DatabaseNotMigrated(
        f"the database is at revision {current}, the code expects {head}: run `dealbot migrate` first"
    )


def regenerate_initial() -> Path:
    """Pre-release only: rewrite the single initial migration from storage/models.py.

    Run `python -m storage.migrate regen` after changing a model; the test suite fails while the
    migration and the models disagree.
    """
    import tempfile

    from storage.db import make_engine

    for old in (MIGRATIONS / "versions").glob("0001_*.py"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/regen.db")
        command.revision(alembic_config(engine), message="initial schema", autogenerate=True, rev_id="0001")
        engine.dispose()
    (path,) = (MIGRATIONS / "versions").glob("0001_*.py")
    text = path.read_text()
    path.write_text(
        "\n".join(line for line in text.splitlines() if not line.startswith("Create Date:")) + "\n"
    )
    return path


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["regen"]:
        print(regenerate_initial())
    else:
        sys.exit("usage: python -m storage.migrate regen")
