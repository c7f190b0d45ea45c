"""The released schema: released migrations never change.

Released migrations are pinned by sha256 in storage/migrations/RELEASED.sha256.
"""

from __future__ import annotations

from pathlib import Path

from alembic.script import ScriptDirectory

from storage.migrate import (
    MIGRATIONS,
    RELEASED_LIST,
    alembic_config,
    file_sha256,
    released,
)

VERSIONS = MIGRATIONS / "versions"
APPEND = (
    'append a new migration instead: `python -m storage.migrate new "what changed"` (README "Schema changes")'
)


def _history() -> list[str]:
    """Migration file names from the first to the head."""
    script = ScriptDirectory.from_config(alembic_config())
    return [Path(r.path).name for r in reversed(list(script.walk_revisions()))]


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
