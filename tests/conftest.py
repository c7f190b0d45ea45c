"""Shared fixtures: a database per backend, the sandbox, the real app as a process, the Slack side.

DATABASE_URL picks the backend (SQLite when unset). In CI an unreachable PostgreSQL fails the run.
"""

from __future__ import annotations

import os

import pytest

from sandbox.server import SandboxServer
from sandbox.slack_side import SlackSide
from sandbox.users import default_workspace
from storage.db import make_engine
from tests.support.bot import SIGNING_SECRET, BotProcess, bot_env
from tests.support.db import TestDatabases


def suite_backend() -> str:
    return "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgresql") else "sqlite"


def pytest_collection_modifyitems(config, items):  # noqa: ANN001
    """The suite runs twice, once per backend; a test runs in the passes where the backend can change it.

    A test that picks its own database (``@pytest.mark.own_backend("postgresql")``) runs in the suite's pass
    on that backend only. A test that uses no suite database (its fixtures never reach ``dbs``: pure
    functions, renderers, the sandbox's own contracts, the SQLite-only sandbox of ``dev run``) is the same
    test in both passes, so it runs in the SQLite pass only."""
    backend, keep, moved = suite_backend(), [], []
    for item in items:
        mark = item.get_closest_marker("own_backend")
        if mark:
            runs_here = mark.args[0] == backend
        else:
            runs_here = backend == "sqlite" or "dbs" in getattr(item, "fixturenames", ())
        (keep if runs_here else moved).append(item)
    if moved:
        config.hook.pytest_deselected(items=moved)
        items[:] = keep


@pytest.fixture(scope="session")
def dbs():
    d = TestDatabases(os.environ.get("DATABASE_URL"))
    try:
        d.check_reachable()
    except Exception as e:  # never a skip: the suite must run on the backend it was asked for
        pytest.exit(f"database at DATABASE_URL is unreachable: {e}", returncode=3)
    yield d
    d.cleanup()


@pytest.fixture(autouse=True)
def _test_databases_dropped_after_the_test(request):  # noqa: ANN001
    """The databases a test made are dropped after it (in the background), not all at the end."""
    if "dbs" not in request.fixturenames:
        yield
        return
    dbs = request.getfixturevalue("dbs")
    since = dbs.mark()
    yield
    dbs.drop_later(since)


@pytest.fixture
def db_url(dbs) -> str:
    """A fresh, migrated database for this test."""
    return dbs.fresh()


@pytest.fixture
def engine(db_url):
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


def _start_sandbox(app_url: str | None = None) -> SandboxServer:
    return SandboxServer(
        workspace=[default_workspace(), default_workspace("T0OTHER")],
        signing_secret=SIGNING_SECRET,
        app_url=app_url,
    ).start()


@pytest.fixture
def sandbox():
    s = _start_sandbox()
    yield s
    s.stop()


@pytest.fixture
def make_bot(sandbox, dbs):
    """Start the real app (`dealbot run --http`) against the sandbox; extra env overrides settings."""
    started: list[BotProcess] = []

    def start(database_url: str | None = None, **env: str) -> BotProcess:
        bot = BotProcess(bot_env(sandbox, database_url or dbs.fresh(), **env)).start()
        sandbox.app_url = bot.url
        started.append(bot)
        return bot

    yield start
    for b in started:
        b.stop()


@pytest.fixture
def bot(make_bot) -> BotProcess:
    return make_bot()


@pytest.fixture
def slack(sandbox, bot) -> SlackSide:
    return SlackSide(sandbox, app_url=bot.url)
